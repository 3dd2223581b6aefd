"""Category trees and default time-limit policies (categories.py), on slices the tests cut themselves."""

import csv
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from massline.audit.models import AuditEvent
from massline.cases import categories
from massline.cases.choices import ClockStage, Urgency
from massline.cases.models import Category, TimeLimitPolicy
from massline.cases.timelimits import policy_for, stage_due
from massline.deadlines.choices import TimeUnit
from massline.org import services as org_services
from massline.org.choices import UnitKind

SHANGHAI = ZoneInfo("Asia/Shanghai")


def taxonomy_slice(tmp_path, first_levels=("城乡建设", "民政")):
    """The rows of two first-level classes of the official tree, as a file of their own."""
    with open(categories.taxonomy_csv(), encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["一级分类"] in first_levels]
    path = tmp_path / "taxonomy.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["一级分类", "二级分类", "三级分类"])
        writer.writeheader()
        writer.writerows(rows)
    return path, rows


def unit(code, kind=UnitKind.DEPARTMENT):
    return org_services.unit_create(code=code, name=code, name_en=code, kind=kind, regions=[], by=None)


@pytest.mark.django_db
def test_the_taxonomy_loads_as_a_three_level_tree_with_stable_codes(tmp_path):
    path, rows = taxonomy_slice(tmp_path)
    summary = categories.load_taxonomy_csv(path)

    seconds = {(r["一级分类"], r["二级分类"]) for r in rows}
    assert summary.created == 2 + len(seconds) + len(rows)
    assert Category.objects.filter(parent=None).count() == 2
    top = Category.objects.get(name="城乡建设", parent=None)
    assert top.code == "zh-01" and top.name_en == "Urban and rural construction"
    leaf = Category.objects.get(name="物业服务")
    assert leaf.depth == 2 and leaf.code.startswith(leaf.parent.code + "-")
    assert leaf.path == f"/{top.code}/{leaf.parent.code}/{leaf.code}/"
    # "其他" appears under many parents: one node under each.
    assert Category.objects.filter(name="其他", parent__parent__isnull=False).count() == sum(
        1 for r in rows if r["三级分类"] == "其他"
    )


@pytest.mark.django_db
def test_loading_the_taxonomy_again_creates_nothing_and_keeps_admin_edits(tmp_path):
    path, _rows = taxonomy_slice(tmp_path)
    categories.load_taxonomy_csv(path)
    codes = dict(Category.objects.values_list("name", "code"))
    edited = Category.objects.get(name="物业服务")
    edited.route_by_place = False
    edited.save()

    again = categories.load_taxonomy_csv(path)

    assert again.created == 0 and again.existing == Category.objects.count()
    assert dict(Category.objects.values_list("name", "code")) == codes
    assert Category.objects.get(pk=edited.pk).route_by_place is False
    assert AuditEvent.objects.filter(action="cases.category.tree_loaded").count() == 2


@pytest.mark.django_db
def test_a_new_row_in_the_file_gets_the_next_free_code_under_its_parent(tmp_path):
    path, rows = taxonomy_slice(tmp_path, first_levels=("民政",))
    categories.load_taxonomy_csv(path)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["民政", "社会救助", "临时救助"])
    categories.load_taxonomy_csv(path)
    parent = Category.objects.get(name="社会救助")
    new = Category.objects.get(name="临时救助")
    assert new.parent == parent
    assert new.code == f"{parent.code}-{parent.children.count():02d}"


@pytest.mark.django_db
def test_each_first_level_class_gets_the_demo_department_utilities_their_company(tmp_path):
    housing, civil, water = unit("zjj"), unit("mzj"), unit("water", UnitKind.PUBLIC_SERVICE)
    path, _rows = taxonomy_slice(tmp_path)
    categories.load_taxonomy_csv(path)

    assert Category.objects.get(name="城乡建设", parent=None).default_unit == housing
    assert Category.objects.get(name="社会救助").default_unit == civil
    assert Category.objects.get(name="自来水供应").default_unit == water
    # No heating company in the demo county: heating stays with the housing bureau.
    assert Category.objects.get(name="冬季采暖").default_unit == housing


@pytest.mark.django_db
def test_place_matters_are_routed_by_place(tmp_path):
    path, _rows = taxonomy_slice(tmp_path)
    categories.load_taxonomy_csv(path)
    by_place = set(Category.objects.filter(route_by_place=True).values_list("name", flat=True))
    assert {"物业服务", "小区管理", "村镇建设", "新农村建设", "基层选举和社区建设", "社区建设"} <= by_place
    assert not Category.objects.get(name="自来水供应").route_by_place
    assert not Category.objects.get(name="城乡建设", parent=None).route_by_place


@pytest.mark.django_db
def test_default_policies_cover_every_urgency_and_are_not_overwritten(tmp_path):
    assert categories.ensure_default_policies() == 4
    normal = TimeLimitPolicy.objects.get(category=None, urgency=Urgency.NORMAL)
    assert (normal.sign_amount, normal.sign_unit) == (2, TimeUnit.WORKING_HOURS)
    assert (normal.contact_amount, normal.contact_unit) == (1, TimeUnit.WORKING_DAYS)
    assert (normal.reply_amount, normal.reply_unit) == (7, TimeUnit.WORKING_DAYS)
    assert normal.warning_shares == [0.5, 0.8] and normal.max_extensions == 1
    emergency = TimeLimitPolicy.objects.get(category=None, urgency=Urgency.EMERGENCY)
    assert (emergency.sign_amount, emergency.contact_amount, emergency.reply_amount) == (
        pytest.approx(0.5),
        1,
        2,
    )
    assert TimeLimitPolicy.objects.get(category=None, urgency=Urgency.COMPLEX).reply_amount == 15
    assert (
        TimeLimitPolicy.objects.get(category=None, urgency=Urgency.URGENT).reply_unit == TimeUnit.WORKING_DAYS
    )

    normal.reply_amount = 5
    normal.save()
    assert categories.ensure_default_policies() == 0
    assert TimeLimitPolicy.objects.get(pk=normal.pk).reply_amount == 5


@pytest.mark.django_db
def test_utilities_are_due_in_24_hours_round_the_clock(tmp_path):
    path, _rows = taxonomy_slice(tmp_path, first_levels=("城乡建设",))
    categories.load_taxonomy_csv(path)
    assert categories.ensure_default_policies() == 4 + 4 * 3
    water = Category.objects.get(name="自来水供应")
    policy = policy_for(category=water, urgency=Urgency.NORMAL)
    assert policy.category == water
    # A Saturday-night burst pipe is due on Sunday night, not after the weekend.
    start = datetime(2026, 3, 7, 22, 0, tzinfo=SHANGHAI)
    assert stage_due(policy=policy, stage=ClockStage.REPLY, start=start) == datetime(
        2026, 3, 8, 22, 0, tzinfo=SHANGHAI
    )
    # Complex utility demands fall back to the default complex policy.
    assert policy_for(category=water, urgency=Urgency.COMPLEX).category is None


@pytest.mark.django_db
def test_a_general_demand_before_national_day_is_due_after_the_holiday():
    categories.ensure_default_policies()
    policy = policy_for(category=None, urgency=Urgency.NORMAL)
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    due = stage_due(policy=policy, stage=ClockStage.REPLY, start=start)
    # 1-7 October 2026 are holidays and Saturday 10 October is a make-up working day that counts: the
    # 7th working day after 30 September is Thursday 15 October (8, 9, 10, 12, 13, 14, 15).
    assert due.astimezone(SHANGHAI).date() == datetime(2026, 10, 15).date()


@pytest.mark.django_db
def test_the_boston_tree_groups_the_city_types_under_a_few_top_level_groups():
    summary = categories.load_boston_tree(limit=200)
    tops = Category.objects.filter(parent=None, code__startswith="bos-")
    assert 1 <= tops.count() <= len(categories.BOSTON_GROUPS) + 1
    types = Category.objects.filter(code__startswith="bos-", parent__parent__isnull=False)
    assert types.exists() and all(t.default_unit_id for t in types)
    for service, path in categories.OPEN311_SERVICES.items():
        assert Category.objects.filter(name=path[-1], code__startswith="bos-").exists(), service
    assert Category.objects.get(name="Illegal Parking").default_unit.code == "bos-btd"
    assert categories.load_boston_tree(limit=200).created == 0
    assert summary.created == Category.objects.filter(code__startswith="bos-").count()
