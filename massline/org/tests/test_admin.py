"""The admin site: pages load for the administrator, edits go through the services, reads are logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.org.choices import Role
from massline.org.models import Citizen, Membership, Region, Unit, User


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(client_for, admin_user):
    client = client_for(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_every_change_page_loads_for_the_administrator(admin, org, officer_a, citizen):
    membership = officer_a.memberships.get()
    pages = [
        reverse("admin:org_region_change", args=[org.village_1.pk]),
        reverse("admin:org_unit_change", args=[org.unit_a.pk]),
        reverse("admin:org_membership_change", args=[membership.pk]),
        reverse("admin:org_user_change", args=[officer_a.pk]),
        reverse("admin:auth_user_password_change", args=[officer_a.pk]),
        reverse("admin:org_citizen_change", args=[citizen.citizen.pk]),
        reverse("admin:org_region_delete", args=[org.grid_1.pk]),
        reverse("admin:org_unit_delete", args=[org.unit_b.pk]),
        reverse("admin:org_citizen_delete", args=[citizen.citizen.pk]),
        reverse("admin:org_membership_delete", args=[membership.pk]),
    ]
    for page in pages:
        assert admin.get(page).status_code == 200, page


def test_the_region_list_is_in_tree_order_with_indentation(admin, org):
    response = admin.get(reverse("admin:org_region_changelist"))
    codes = [region.code for region in response.context["cl"].result_list]
    assert codes == ["c0", "c0-t1", "c0-t1-v1", "c0-t1-v1-g1", "c0-t2", "c0-t2-v1", "c0-t2-v1-g1"]
    assert "padding-left:4.5em" in response.content.decode()  # a grid, three levels down


def test_adding_a_region_in_the_admin_is_audited_with_the_administrator(admin, admin_user, org):
    response = admin.post(
        reverse("admin:org_region_add"),
        {"code": "c0-t1-v2", "name": "新村", "name_en": "", "level": "village", "parent": org.township_1.pk},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    region = Region.objects.get(code="c0-t1-v2")
    assert region.path == "/c0/c0-t1/c0-t1-v2/"
    assert events("org.region.create", object_id=str(region.pk), actor_id=admin_user.pk).exists()


def test_the_admin_shows_a_wrong_parent_as_a_form_error(admin, org):
    response = admin.post(
        reverse("admin:org_region_add"),
        {"code": "c0-v9", "name": "错村", "level": "village", "parent": org.county.pk},
    )
    assert response.status_code == 200
    assert "must belong to a Township / street" in response.content.decode()
    assert not Region.objects.filter(code="c0-v9").exists()


def test_a_regions_code_and_parent_cannot_be_changed_in_the_admin(admin, admin_user, org):
    response = admin.post(
        reverse("admin:org_region_change", args=[org.village_1.pk]),
        {
            "code": "moved",
            "parent": org.township_2.pk,
            "level": "village",
            "name": "改名村",
            "name_en": "Renamed",
        },
    )
    assert response.status_code == 302
    org.village_1.refresh_from_db()
    assert (org.village_1.code, org.village_1.parent_id, org.village_1.name) == (
        "c0-t1-v1",
        org.township_1.pk,
        "改名村",
    )
    event = events("org.region.update", object_id=str(org.village_1.pk)).get()
    assert event.changes == {"name": ["一号村", "改名村"], "name_en": ["Village One", "Renamed"]}
    assert event.actor_id == admin_user.pk


def test_deleting_a_region_in_the_admin_is_audited(admin, org):
    pk = org.grid_2.pk
    response = admin.post(reverse("admin:org_region_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.filter(pk=pk).exists()
    assert events("org.region.delete", object_id=str(pk)).exists()


def test_a_protected_region_is_not_deleted_in_the_admin(admin, org):
    response = admin.post(reverse("admin:org_region_delete", args=[org.township_1.pk]), {"post": "yes"})
    assert response.status_code == 200  # Django's "cannot delete" page lists what protects it
    assert Region.objects.filter(pk=org.township_1.pk).exists()


def unit_form(unit, **overrides):
    data = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "public_phone": unit.public_phone,
        "is_active": "on" if unit.is_active else "",
        "regions": [region.pk for region in unit.regions.all()],
        **inline_management("memberships"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_changing_the_regions_a_unit_serves_in_the_admin_is_audited(admin, org):
    data = unit_form(org.unit_b, regions=[org.township_1.pk, org.township_2.pk])
    response = admin.post(reverse("admin:org_unit_change", args=[org.unit_b.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = events("org.unit.update", object_id=str(org.unit_b.pk)).get()
    assert event.changes == {"regions": [["c0-t2"], ["c0-t1", "c0-t2"]]}


def test_adding_a_unit_with_a_member_in_the_admin_grants_the_role(admin, org, make_official):
    newcomer = make_official("newcomer")
    data = {
        "code": "unit-c",
        "name": "丙局",
        "kind": "department",
        "is_active": "on",
        "regions": [org.township_2.pk],
        **inline_management("memberships", total=1),
        "memberships-0-user": newcomer.pk,
        "memberships-0-role": Role.HANDLER,
    }
    response = admin.post(reverse("admin:org_unit_add"), data)
    assert response.status_code == 302, [f.formset.errors for f in response.context["inline_admin_formsets"]]
    unit = Unit.objects.get(code="unit-c")
    assert list(unit.regions.values_list("code", flat=True)) == ["c0-t2"]
    assert Membership.objects.filter(user=newcomer, unit=unit, role=Role.HANDLER).exists()
    assert events("org.unit.create", object_id=str(unit.pk)).exists()
    assert events("org.membership.grant", details__user_id=newcomer.pk).exists()


def test_a_member_removed_in_the_unit_admin_is_revoked(admin, org, officer_a):
    membership = officer_a.memberships.get()
    data = unit_form(
        org.unit_a,
        **inline_management("memberships", total=1, initial=1),
        **{
            "memberships-0-id": membership.pk,
            "memberships-0-unit": org.unit_a.pk,
            "memberships-0-DELETE": "on",
        },
    )
    response = admin.post(reverse("admin:org_unit_change", args=[org.unit_a.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert events("org.membership.revoke", object_id=str(membership.pk)).exists()


def test_a_membership_the_rules_refuse_is_shown_on_the_form(admin, org, citizen):
    response = admin.post(
        reverse("admin:org_membership_add"), {"user": citizen.pk, "role": Role.HANDLER, "unit": org.unit_a.pk}
    )
    assert response.status_code == 200
    assert "belongs to a citizen" in response.content.decode()
    assert not Membership.objects.filter(user=citizen).exists()


def test_a_duplicate_membership_is_shown_on_the_form(admin, org, officer_a):
    response = admin.post(
        reverse("admin:org_membership_add"),
        {"user": officer_a.pk, "role": Role.HANDLER, "unit": org.unit_a.pk},
    )
    assert response.status_code == 200
    assert "already holds this role in this unit" in response.content.decode()


def test_granting_the_administrator_role_in_the_admin_opens_the_admin_site(admin, org, outsider, client_for):
    response = admin.post(
        reverse("admin:org_membership_add"), {"user": outsider.pk, "role": Role.ADMINISTRATOR}
    )
    assert response.status_code == 302
    assert client_for(outsider).get(reverse("admin:index")).status_code == 200


def test_memberships_cannot_be_edited_only_granted_or_revoked(admin, officer_a, org):
    membership = officer_a.memberships.get()
    admin.post(
        reverse("admin:org_membership_change", args=[membership.pk]),
        {"user": officer_a.pk, "role": Role.UNIT_HEAD, "unit": org.unit_a.pk},
    )
    membership.refresh_from_db()
    assert membership.role == Role.HANDLER


def test_creating_an_official_in_the_admin_is_audited_and_the_password_hashed(admin, admin_user, org):
    response = admin.post(
        reverse("admin:org_user_add"),
        {
            "username": "new_official",
            "display_name": "新官",
            "usable_password": "true",
            "password1": "Quiet-River-7712",
            "password2": "Quiet-River-7712",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_official")
    assert user.check_password("Quiet-River-7712") and user.display_name == "新官"
    assert response["Location"] == reverse("admin:org_user_change", args=[user.pk])
    assert events("org.user.create", object_id=str(user.pk), actor_id=admin_user.pk).exists()


def test_giving_an_official_a_role_on_their_user_page_is_audited(admin, org, outsider):
    data = {
        "username": "outsider",
        "display_name": "Outsider",
        "is_active": "on",
        "email": "",
        **inline_management("memberships", total=1),
        "memberships-0-role": Role.SUPERVISOR,
        "memberships-0-region": org.township_2.pk,
    }
    response = admin.post(reverse("admin:org_user_change", args=[outsider.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Membership.objects.filter(user=outsider, role=Role.SUPERVISOR, region=org.township_2).exists()
    assert events("org.membership.grant", details__user_id=outsider.pk).exists()


def test_changing_a_password_in_the_admin_is_audited(admin, officer_a):
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[officer_a.pk]),
        {"password1": "Another-Lantern-99", "password2": "Another-Lantern-99", "usable_password": "true"},
    )
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password("Another-Lantern-99")
    assert events("org.user.password_set", object_id=str(officer_a.pk)).exists()


def test_the_citizen_list_shows_only_masked_contacts(admin, citizen):
    html = admin.get(reverse("admin:org_citizen_changelist")).content.decode()
    assert "138****0000" in html and "l***@example.org" in html and "李*" in html
    assert "13800000000" not in html and "liming@" not in html and "李明" not in html
    assert not events("personal_data.read").exists()


def test_an_administrator_finds_a_citizen_by_the_exact_phone_number(admin, citizen):
    found = admin.get(reverse("admin:org_citizen_changelist"), {"q": "13800000000"}).context["cl"].result_list
    assert list(found) == [citizen.citizen]
    partial = admin.get(reverse("admin:org_citizen_changelist"), {"q": "1380"}).context["cl"].result_list
    assert list(partial) == []


def test_opening_a_citizen_in_the_admin_logs_a_read(admin, admin_user, citizen):
    record = citizen.citizen
    response = admin.get(reverse("admin:org_citizen_change", args=[record.pk]))
    assert "13800000000" in response.content.decode()
    event = events("personal_data.read", object_type="org.citizen", object_id=str(record.pk)).get()
    assert event.actor_id == admin_user.pk
    assert event.details == {"fields": ["address", "email", "name", "phone"], "purpose": "admin"}


def test_editing_a_citizen_in_the_admin_is_audited_masked(admin, citizen):
    record = citizen.citizen
    response = admin.post(
        reverse("admin:org_citizen_change", args=[record.pk]),
        {
            "name": "李明",
            "phone": "13911112222",
            "email": "liming@example.org",
            "address": "一号村5组",
            "user": citizen.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = events("org.citizen.update", object_id=str(record.pk)).get()
    assert event.changes == {"phone": ["138****0000", "139****2222"]}


def test_a_citizen_cannot_be_tied_to_an_officials_account_in_the_admin(admin, officer_a):
    response = admin.post(reverse("admin:org_citizen_add"), {"name": "王五", "user": officer_a.pk})
    assert response.status_code == 200
    assert "belongs to an official" in response.content.decode()
    assert not Citizen.objects.exists()


def test_the_export_action_downloads_the_selected_rows_as_csv(admin, org):
    response = admin.post(
        reverse("admin:org_unit_changelist"),
        {"action": "export_csv", "_selected_action": [org.unit_a.pk, org.township_gov_1.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "code,name,name_en,kind,parent_code,region_codes,public_phone",
        "gov-t1,一号镇人民政府,Township One Government,township_government,,c0-t1,",
        "unit-a,甲局,Bureau A,department,,c0-t1,",
    ]
    response = admin.post(
        reverse("admin:org_region_changelist"), {"action": "export_csv", "_selected_action": [org.county.pk]}
    )
    assert response.content.decode("utf-8-sig").splitlines()[1] == "c0,测试县,Test County,county,,,"


def test_the_import_page_imports_a_file(admin, org):
    upload = SimpleUploadedFile(
        "regions.csv", "code,name,level,parent_code\nc0-t3,三号镇,township,c0\n".encode()
    )
    response = admin.post(reverse("admin:org_region_import"), {"file": upload})
    assert response.status_code == 302
    assert Region.objects.get(code="c0-t3").parent == org.county


def test_the_import_page_lists_every_bad_row_and_saves_nothing(admin, org):
    upload = SimpleUploadedFile("units.csv", b"code,name,kind,region_codes\nx,X,department,mars\ny,Y,shop,\n")
    response = admin.post(reverse("admin:org_unit_import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 2: unknown region codes: mars" in html
    assert "Row 3: the kind “shop” is unknown" in html
    assert not Unit.objects.filter(code__in=["x", "y"]).exists()
