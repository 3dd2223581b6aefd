"""`massline demo`: a believable county, every role, the logins printed, and safe to run again."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.org import demo
from massline.org.choices import RegionLevel, Role, UnitKind
from massline.org.management.commands import demo as demo_command
from massline.org.models import Citizen, Membership, Region, Unit, User

# The 15 first-level classes of the 12345 taxonomy (Teddy Cup 2020, attachment 1).
TAXONOMY_FIRST_LEVEL = {
    "城乡建设",
    "环境保护",
    "交通运输",
    "商贸旅游",
    "卫生计生",
    "劳动和社会保障",
    "教育文体",
    "农村农业",
    "民政",
    "政法",
    "国土资源",
    "经济管理",
    "科技与信息产业",
    "党务政务",
    "纪检监察",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def run_demo(settings, monkeypatch):
    """`massline demo` with only the org loader: other apps' loaders are tested by their apps."""
    settings.DEBUG = True
    monkeypatch.setattr(demo_command, "demo_loaders", lambda: [("org", demo.load_demo)])

    def run():
        out = io.StringIO()
        call_command("demo", stdout=out)
        return out.getvalue()

    return run


def counts():
    """The org app's records, and the audit events about them (other apps' loaders answer for their own)."""
    result = {model.__name__: model.objects.count() for model in (Region, Unit, User, Membership, Citizen)}
    result["events"] = AuditEvent.objects.filter(object_type__startswith="org.").count()
    return result


def test_the_demo_builds_a_county_down_to_grids(run_demo, db):
    run_demo()
    levels = {level: Region.objects.filter(level=level).count() for level in RegionLevel.values}
    assert levels == {"county": 1, "township": 6, "village": 18, "grid": 36}
    assert not Region.objects.filter(centre_lat__isnull=True).exists()
    grid = Region.objects.filter(level=RegionLevel.GRID).first()
    assert grid.depth == 3 and grid.path.startswith("/430199/")


def test_the_demo_has_a_unit_for_every_first_level_category(run_demo, db):
    run_demo()
    assert 15 <= Unit.objects.count() <= 25
    assert set(demo.DEMO_UNIT_FOR_CATEGORY) == TAXONOMY_FIRST_LEVEL
    for code in demo.DEMO_UNIT_FOR_CATEGORY.values():
        assert Unit.objects.get(code=code).kind == UnitKind.DEPARTMENT
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert {UnitKind.CENTRE, UnitKind.PUBLIC_SERVICE, UnitKind.TOWNSHIP_GOVERNMENT} <= kinds
    for township in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        assert township.units.filter(kind=UnitKind.TOWNSHIP_GOVERNMENT).count() == 1
    assert not Unit.objects.filter(regions__isnull=True).exists()


def test_the_demo_has_an_official_for_every_role_and_prints_the_logins(run_demo, db):
    output = run_demo()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for username, _name, role, _place in demo.OFFICIALS:
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.memberships.filter(role=role).exists()
        line = next(line for line in output.splitlines() if line.startswith(username + " "))
        assert str(Role(role).label) in line and demo.DEMO_PASSWORD in line
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    citizen = User.objects.get(username="citizen")
    assert citizen.citizen.phone and not citizen.memberships.exists()


def test_the_demo_can_run_twice_without_duplicates(run_demo, db):
    first = run_demo()
    after_first = counts()
    second = run_demo()
    assert counts() == after_first
    assert "(0 records new)" in second
    # The logins are printed every time.
    logins = [line for line in first.splitlines() if line.endswith(demo.DEMO_PASSWORD)]
    assert len(logins) == len(demo.OFFICIALS) + 1
    assert logins == [line for line in second.splitlines() if line.endswith(demo.DEMO_PASSWORD)]


def test_a_rerun_keeps_an_administrators_edits_but_restores_demo_passwords(run_demo, db):
    run_demo()
    unit = Unit.objects.get(code="zjj")
    unit.public_phone = "0731-00000000"
    unit.save()
    handler = User.objects.get(username="handler_zj")
    handler.set_password("Changed-Password-1")
    handler.save()
    run_demo()
    unit.refresh_from_db()
    handler.refresh_from_db()
    assert unit.public_phone == "0731-00000000"
    assert handler.check_password(demo.DEMO_PASSWORD)


def test_the_demo_writes_through_the_services(run_demo, db):
    run_demo()
    assert AuditEvent.objects.filter(action="org.region.create").count() == Region.objects.count()
    assert AuditEvent.objects.filter(action="org.unit.create").count() == Unit.objects.count()
    assert AuditEvent.objects.filter(action="org.membership.grant").count() == Membership.objects.count()


def test_the_command_runs_every_apps_loader_org_first():
    loaders = demo_command.demo_loaders()
    assert loaders[0] == ("org", demo.load_demo)
    assert all(callable(load) for _label, load in loaders)


def test_the_demo_refuses_to_run_without_debug(settings, db, monkeypatch):
    monkeypatch.setattr(demo_command, "demo_loaders", lambda: [("org", demo.load_demo)])
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", stdout=io.StringIO())
    assert not Region.objects.exists()
    call_command("demo", "--allow-without-debug", stdout=io.StringIO())
    assert Region.objects.exists()


def test_the_demo_passwords_pass_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    for username, *_rest in demo.OFFICIALS:
        validate_password(demo.DEMO_PASSWORD, User(username=username))
