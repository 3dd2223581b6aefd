"""The org services: what they refuse, with which message, and the audit events they leave."""

from decimal import Decimal

import pytest
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.org import services
from massline.org.choices import RegionLevel, Role, UnitKind
from massline.org.models import Citizen, Membership, Region, Unit, User
from massline.org.services import Grant, OrgError


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


# Regions ------------------------------------------------------------------------------------------


def test_region_create_builds_the_path_and_records_an_event(org, admin_user):
    region = services.region_create(
        code="c0-t1-v2",
        name="三号村",
        level=RegionLevel.VILLAGE,
        parent=org.township_1,
        centre_lat="28.1",
        centre_lon="112.9",
        by=admin_user,
    )
    assert region.path == "/c0/c0-t1/c0-t1-v2/"
    assert region.is_within(org.county)
    event = last_event("org.region.create")
    assert (event.object_id, event.actor_id) == (str(region.pk), admin_user.pk)
    assert event.changes["code"] == [None, "c0-t1-v2"]
    assert Decimal(event.changes["centre_lat"][1]) == Decimal("28.1")


def test_a_region_must_sit_under_the_level_above(org):
    with pytest.raises(OrgError, match="must belong to a Township / street"):
        services.region_create(code="bad", name="坏村", level=RegionLevel.VILLAGE, parent=org.county, by=None)
    with pytest.raises(OrgError, match="A county has no parent"):
        services.region_create(code="bad", name="坏县", level=RegionLevel.COUNTY, parent=org.county, by=None)
    assert not Region.objects.filter(code="bad").exists()


def test_a_duplicate_region_code_is_refused(org):
    with pytest.raises(OrgError, match="already exists"):
        services.region_create(
            code="c0-t1", name="重复", level=RegionLevel.TOWNSHIP, parent=org.county, by=None
        )


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("91", "112", "less than or equal to 90"),
        ("28", "-181", "greater than or equal to -180"),
        ("28", None, "both the centre latitude and longitude"),
    ],
)
def test_a_centre_outside_the_globe_or_half_given_is_refused(org, lat, lon, message):
    with pytest.raises(OrgError, match=message):
        services.region_create(
            code="c9", name="外县", level=RegionLevel.COUNTY, centre_lat=lat, centre_lon=lon, by=None
        )


def test_a_boundary_must_be_a_geojson_polygon(org):
    with pytest.raises(OrgError, match="Polygon or MultiPolygon"):
        services.region_update(region=org.grid_1, changes={"boundary": {"type": "Point"}}, by=None)
    polygon = {
        "type": "Polygon",
        "coordinates": [[[112.9, 28.1], [113.0, 28.1], [113.0, 28.2], [112.9, 28.1]]],
    }
    services.region_update(region=org.grid_1, changes={"boundary": polygon}, by=None)
    org.grid_1.refresh_from_db()
    assert org.grid_1.boundary == polygon


def test_region_update_records_only_what_changed(org, admin_user):
    before = AuditEvent.objects.count()
    services.region_update(region=org.township_1, changes={"name": "一号镇"}, by=admin_user)
    assert AuditEvent.objects.count() == before  # same name: nothing to record
    services.region_update(region=org.township_1, changes={"name_en": "Town One"}, by=admin_user)
    event = last_event("org.region.update")
    assert event.changes == {"name_en": ["Township One", "Town One"]}


@pytest.mark.parametrize("field", ["code", "parent", "level"])
def test_a_region_keeps_its_place_in_the_tree(org, field):
    value = {"code": "renamed", "parent": org.township_2, "level": RegionLevel.GRID}[field]
    with pytest.raises(OrgError, match="cannot change"):
        services.region_update(region=org.village_1, changes={field: value}, by=None)
    org.village_1.refresh_from_db()
    assert (org.village_1.code, org.village_1.parent_id) == ("c0-t1-v1", org.township_1.pk)


def test_region_update_refuses_unknown_fields(org):
    with pytest.raises(OrgError, match="Unknown fields"):
        services.region_update(region=org.county, changes={"path": "/x/"}, by=None)


def test_region_delete_refuses_a_region_with_children_and_records_a_delete(org, admin_user):
    with pytest.raises(OrgError, match="still has sub-regions"):
        services.region_delete(region=org.village_1, by=admin_user)
    pk = org.grid_1.pk
    services.region_delete(region=org.grid_1, by=admin_user)
    assert not Region.objects.filter(pk=pk).exists()
    event = last_event("org.region.delete")
    assert (event.object_type, event.object_id) == ("org.region", str(pk))


# Units --------------------------------------------------------------------------------------------


def test_unit_create_sets_the_regions_served(org, admin_user):
    unit = services.unit_create(
        code="water",
        name="自来水公司",
        kind=UnitKind.PUBLIC_SERVICE,
        regions=[org.township_2, org.township_1],
        public_phone="0731-1234567",
        by=admin_user,
    )
    assert sorted(unit.regions.values_list("code", flat=True)) == ["c0-t1", "c0-t2"]
    assert last_event("org.unit.create").changes["regions"] == [[], ["c0-t1", "c0-t2"]]


def test_unit_update_changes_regions_and_fields_in_one_event(org, admin_user):
    services.unit_update(
        unit=org.unit_b,
        changes={"public_phone": "12319"},
        regions=[org.township_1, org.township_2],
        by=admin_user,
    )
    event = last_event("org.unit.update")
    assert event.changes == {"public_phone": ["", "12319"], "regions": [["c0-t2"], ["c0-t1", "c0-t2"]]}


def test_a_unit_keeps_its_code_and_parent(org):
    with pytest.raises(OrgError, match="cannot change"):
        services.unit_update(unit=org.unit_a, changes={"parent": org.centre}, by=None)
    with pytest.raises(OrgError, match="cannot change"):
        services.unit_update(unit=org.unit_a, changes={"code": "unit-z"}, by=None)


def test_an_office_cannot_contain_units(org):
    office = services.unit_create(
        code="office", name="办公室", kind=UnitKind.OFFICE, parent=org.unit_a, by=None
    )
    with pytest.raises(OrgError, match="An office cannot contain"):
        services.unit_create(code="sub", name="下级", kind=UnitKind.OFFICE, parent=office, by=None)
    with pytest.raises(OrgError, match="cannot become an office"):
        services.unit_update(unit=org.unit_a, changes={"kind": UnitKind.OFFICE}, by=None)


def test_a_unit_with_members_cannot_be_deleted_but_can_be_deactivated(org, officer_a):
    with pytest.raises(OrgError, match="mark it inactive"):
        services.unit_delete(unit=org.unit_a, by=None)
    services.unit_update(unit=org.unit_a, changes={"is_active": False}, by=None)
    assert last_event("org.unit.update").changes == {"is_active": [True, False]}
    services.unit_delete(unit=org.township_gov_1, by=None)
    assert not Unit.objects.filter(code="gov-t1").exists()


# Memberships and officials ------------------------------------------------------------------------


def test_official_create_hashes_the_password_and_grants_roles(org, admin_user):
    user = services.official_create(
        username="new_handler",
        password="Quiet-River-7712",
        grants=[Grant(role=Role.HANDLER, unit=org.unit_a), Grant(role=Role.MEDIATOR, region=org.township_1)],
        display_name="新人",
        by=admin_user,
    )
    assert user.check_password("Quiet-River-7712")
    assert not user.password.startswith("Quiet")
    assert sorted(user.memberships.values_list("role", flat=True)) == ["handler", "mediator"]
    assert last_event("org.user.create").details == {"password": "set"}
    assert AuditEvent.objects.filter(action="org.membership.grant", details__user_id=user.pk).count() == 2


def test_a_weak_password_is_refused_with_the_reason(db):
    with pytest.raises(OrgError, match="too short"):
        services.user_create(username="weak", password="abc12", by=None)
    assert not User.objects.filter(username="weak").exists()


def test_a_duplicate_username_is_refused(officer_a):
    with pytest.raises(OrgError, match="already exists"):
        services.user_create(username="officer_a", password="Quiet-River-7712", by=None)


def test_a_user_without_password_cannot_log_in_until_one_is_set(db):
    user = services.user_create(username="later", password=None, by=None)
    assert not user.has_usable_password()
    services.user_password_set(user=user, password="Quiet-River-7712", by=None)
    assert user.check_password("Quiet-River-7712")
    assert last_event("org.user.password_set").object_id == str(user.pk)


@pytest.mark.parametrize(
    ("role", "where", "message"),
    [
        (Role.HANDLER, "region", "This role belongs to a unit"),
        (Role.HANDLER, None, "This role belongs to a unit"),
        (Role.SUPERVISOR, "unit", "This role covers a region"),
        (Role.ADMINISTRATOR, "unit", "Administrators are not tied to a unit"),
        ("janitor", "unit", "Unknown role"),
    ],
)
def test_a_role_in_the_wrong_kind_of_place_is_refused(outsider, org, role, where, message):
    place = {"unit": {"unit": org.unit_a}, "region": {"region": org.township_1}, None: {}}[where]
    with pytest.raises(OrgError, match=message):
        services.membership_grant(user=outsider, role=role, by=None, **place)
    assert not Membership.objects.filter(user=outsider).exists()


def test_the_same_role_twice_is_refused_with_a_clear_message(officer_a, supervisor, admin_user, org):
    with pytest.raises(OrgError, match="already holds this role in this unit"):
        services.membership_grant(user=officer_a, role=Role.HANDLER, unit=org.unit_a, by=None)
    with pytest.raises(OrgError, match="already holds this role over this region"):
        services.membership_grant(user=supervisor, role=Role.SUPERVISOR, region=org.township_1, by=None)
    with pytest.raises(OrgError, match="already holds this role"):
        services.membership_grant(user=admin_user, role=Role.ADMINISTRATOR, by=None)
    # A different unit is a different membership.
    services.membership_grant(user=officer_a, role=Role.HANDLER, unit=org.unit_b, by=None)


def test_the_database_refuses_a_membership_that_bypasses_the_service(outsider, org):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=outsider, role=Role.SUPERVISOR, unit=org.unit_a)


def test_a_citizen_account_cannot_become_an_official(citizen, org):
    with pytest.raises(OrgError, match="belongs to a citizen"):
        services.membership_grant(user=citizen, role=Role.HANDLER, unit=org.unit_a, by=None)


def test_roles_are_not_given_to_inactive_accounts_or_in_inactive_units(outsider, org):
    services.unit_update(unit=org.unit_b, changes={"is_active": False}, by=None)
    with pytest.raises(OrgError, match="inactive: reactivate it or choose another unit"):
        services.membership_grant(user=outsider, role=Role.HANDLER, unit=org.unit_b, by=None)
    services.user_update(user=outsider, changes={"is_active": False}, by=None)
    with pytest.raises(OrgError, match="is inactive: reactivate it before"):
        services.membership_grant(user=outsider, role=Role.HANDLER, unit=org.unit_a, by=None)


def test_the_administrator_role_carries_admin_site_rights(outsider, make_official):
    membership = services.membership_grant(user=outsider, role=Role.ADMINISTRATOR, by=None)
    outsider.refresh_from_db()
    assert outsider.is_staff and outsider.is_superuser
    assert last_event("org.membership.grant").changes["is_superuser"] == [False, True]
    services.membership_revoke(membership=membership, by=None)
    outsider.refresh_from_db()
    assert not outsider.is_staff and not outsider.is_superuser


def test_other_roles_leave_a_superusers_flags_alone(outsider, org):
    outsider.is_staff = outsider.is_superuser = True
    outsider.save()
    membership = services.membership_grant(user=outsider, role=Role.HANDLER, unit=org.unit_a, by=None)
    services.membership_revoke(membership=membership, by=None)
    outsider.refresh_from_db()
    assert outsider.is_superuser


def test_membership_revoke_records_who_lost_which_role(officer_a, admin_user, org):
    membership = officer_a.memberships.get()
    services.membership_revoke(membership=membership, by=admin_user)
    event = last_event("org.membership.revoke")
    assert event.changes == {"role": ["handler", None], "unit": ["unit-a", None], "region": [None, None]}
    assert event.details == {"user_id": officer_a.pk}
    assert event.actor_id == admin_user.pk


def test_user_update_refuses_the_staff_flag(officer_a):
    with pytest.raises(OrgError, match="Unknown fields"):
        services.user_update(user=officer_a, changes={"is_staff": True}, by=None)


# Citizens -----------------------------------------------------------------------------------------


def test_citizen_events_keep_contacts_masked(db):
    citizen = services.citizen_create(name="张三丰", phone="13812345678", email="zsf@example.org", by=None)
    event = last_event("org.citizen.create")
    text = str(event.changes)
    assert "13812345678" not in text and "张三丰" not in text and "zsf@" not in text
    assert event.changes["phone"] == ["", "138****5678"]
    services.citizen_update(citizen=citizen, changes={"phone": "13900001111"}, by=None)
    assert last_event("org.citizen.update").changes == {"phone": ["138****5678", "139****1111"]}
    assert event.object_repr == f"Citizen #{citizen.pk}"


def test_a_citizen_needs_some_way_to_be_reached(db):
    with pytest.raises(OrgError, match="at least a name"):
        services.citizen_create(name="  ", by=None)
    assert not Citizen.objects.exists()


def test_a_citizen_record_cannot_take_an_officials_account(officer_a):
    with pytest.raises(OrgError, match="belongs to an official"):
        services.citizen_create(name="王五", user=officer_a, by=None)


def test_a_bad_email_is_refused(db):
    with pytest.raises(OrgError, match="valid email"):
        services.citizen_create(email="not-an-address", by=None)


def test_citizen_delete_erases_and_records_it(citizen):
    pk = citizen.citizen.pk
    services.citizen_delete(citizen=citizen.citizen, by=None)
    assert not Citizen.objects.filter(pk=pk).exists()
    assert last_event("org.citizen.delete").object_id == str(pk)


def test_a_failing_service_leaves_no_event_behind(org):
    before = AuditEvent.objects.count()
    with pytest.raises(OrgError):
        services.official_create(
            username="half",
            password="Quiet-River-7712",
            grants=[Grant(role=Role.HANDLER, unit=org.unit_a), Grant(role=Role.HANDLER)],
            by=None,
        )
    assert not User.objects.filter(username="half").exists()
    assert AuditEvent.objects.count() == before


def test_an_account_can_take_a_password_hashed_elsewhere(db):
    from django.contrib.auth.hashers import make_password

    user = services.user_create(username="moved", password_hash=make_password("Quiet-River-7712"), by=None)
    assert user.check_password("Quiet-River-7712")
    with pytest.raises(OrgError, match="not in a format"):
        services.user_password_set(user=user, password_hash="plain-text", by=None)
    with pytest.raises(OrgError, match="not both"):
        services.user_create(username="both", password="Quiet-River-7712", password_hash="x", by=None)


def test_a_refused_update_leaves_the_object_as_stored(org):
    with pytest.raises(OrgError, match="must be a decimal number"):
        services.region_update(region=org.grid_1, changes={"centre_lat": "north", "centre_lon": "1"}, by=None)
    assert (org.grid_1.centre_lat, org.grid_1.centre_lon) == (None, None)
    with pytest.raises(OrgError, match="both the centre latitude"):
        services.region_update(region=org.grid_1, changes={"centre_lat": "28.5", "centre_lon": " "}, by=None)
    with pytest.raises(OrgError, match="valid email"):
        services.citizen_update(citizen=Citizen.objects.create(name="甲"), changes={"email": "nope"}, by=None)
    services.region_update(region=org.grid_1, changes={"name_en": "Grid 1"}, by=None)
    org.grid_1.refresh_from_db()
    assert (org.grid_1.name_en, org.grid_1.centre_lat) == ("Grid 1", None)


def test_an_official_verifies_a_citizens_residence_and_it_is_audited(citizen, officer_a, org):
    from massline.audit.models import AuditEvent
    from massline.org.services import OrgError, citizen_verify_residence

    record = citizen.citizen
    assert not record.is_verified_resident_of(org.township_1)
    citizen_verify_residence(citizen=record, residence=org.village_1, by=officer_a)
    record.refresh_from_db()
    assert record.is_verified_resident_of(org.township_1)
    assert not record.is_verified_resident_of(org.township_2)
    assert AuditEvent.objects.filter(action="org.citizen.verify_residence", object_id=str(record.pk)).exists()
    with pytest.raises(OrgError, match="county"):
        citizen_verify_residence(citizen=record, residence=org.county, by=officer_a)
    with pytest.raises(OrgError, match="official"):
        citizen_verify_residence(citizen=record, residence=org.village_1, by=citizen)
