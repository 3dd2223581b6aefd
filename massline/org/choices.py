"""Enumerations of the org app, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


# Each level's allowed parent level: a region tree is county > township > village > grid.
REGION_PARENT_LEVEL = {
    RegionLevel.COUNTY: None,
    RegionLevel.TOWNSHIP: RegionLevel.COUNTY,
    RegionLevel.VILLAGE: RegionLevel.TOWNSHIP,
    RegionLevel.GRID: RegionLevel.VILLAGE,
}


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("Service centre (12345)")
    DEPARTMENT = "department", _("Government department")
    TOWNSHIP_GOVERNMENT = "township_government", _("Township / street government")
    PUBLIC_SERVICE = "public_service", _("Public-service company")
    OFFICE = "office", _("Office within a unit")


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    HANDLER = "handler", _("Handler")
    UNIT_HEAD = "unit_head", _("Unit head")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("Discipline inspector")
    MEDIATOR = "mediator", _("Mediator")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles whose scope is a unit (they see that unit's work and its sub-units').
UNIT_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.UNIT_HEAD})
# Roles whose scope is a region (they see the work of every unit serving it).
REGION_ROLES = frozenset({Role.SUPERVISOR, Role.DISCIPLINE_INSPECTOR, Role.MEDIATOR, Role.ANALYST})
