"""Enumerations of the Open311 app, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Datatype(models.TextChoices):
    """The attribute datatypes GeoReport v2 defines for a service definition."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One value from a list")
    MULTIVALUELIST = "multivaluelist", _("Several values from a list")


LIST_DATATYPES = frozenset({Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST})


class ServiceType(models.TextChoices):
    """How POST requests answers: a service_request_id at once, or a token to exchange later."""

    REALTIME = "realtime", _("Real time (answers with the request id)")
    BATCH = "batch", _("Batch (answers with a token)")
