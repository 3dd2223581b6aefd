"""The demo loader (`massline demo` → cases.demo.load_demo) on a data directory of slices cut here."""

import csv
import shutil
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from massline.cases import categories, demo
from massline.cases.choices import CaseStatus
from massline.cases.models import Case, KnowledgeArticle
from massline.cases.services.imports import TEDDY_TZ, parse_datetime_lenient
from massline.org.demo import DemoReport
from massline.org.demo import load_demo as load_org_demo


def _slice(source, target, count, *, consultations=0):
    """The first `count` rows, plus the first `consultations` questions (咨询) further on."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _n, row in zip(range(count), reader, strict=False)]
        for row in reader:
            if consultations <= 0:
                break
            if "咨询" in row["留言主题"]:
                rows.append(row)
                consultations -= 1
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def small_data(tmp_path, settings):
    real = categories.data_dir() / "teddy2020c"
    folder = tmp_path / "teddy2020c"
    folder.mkdir()
    shutil.copy(real / "attachment1_label_taxonomy.csv", folder)
    _slice(real / demo.TEDDY_LABELLED, folder / demo.TEDDY_LABELLED, 200)
    _slice(real / demo.TEDDY_REPLIES, folder / demo.TEDDY_REPLIES, 120, consultations=30)
    settings.MASSLINE_DATA_DIR = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
def test_the_demo_loads_history_live_demands_in_every_state_and_a_knowledge_base(small_data):
    report = DemoReport()
    with translation.override("en"):
        load_org_demo(report)
        demo.load_demo(report)

    assert Case.objects.filter(source="teddy2020c").count() == 150
    live = Counter(
        (c.status, c.is_overdue)
        for c in Case.objects.filter(idempotency_key__startswith=demo.LIVE_KEY_PREFIX)
    )
    assert live[(CaseStatus.RECEIVED, False)] and live[(CaseStatus.DISPATCHED, False)]
    assert live[(CaseStatus.IN_PROGRESS, False)] and live[(CaseStatus.IN_PROGRESS, True)]
    assert live[(CaseStatus.REPLIED, False)] and live[(CaseStatus.CLOSED, False)]
    assert Case.objects.filter(is_public=True, status=CaseStatus.CLOSED).exists()
    assert KnowledgeArticle.objects.filter(is_published=True).exists()
    # Historical demands are spread over the county's villages and reach the departments.
    history = Case.objects.filter(source="teddy2020c")
    assert history.filter(region__isnull=True).count() == 0
    assert history.filter(lead_unit__isnull=True).count() == 0
    assert any("Demands:" in note for note in report.notes)

    counts = (Case.objects.count(), KnowledgeArticle.objects.count())
    demo.load_demo(DemoReport())
    assert (Case.objects.count(), KnowledgeArticle.objects.count()) == counts


@pytest.mark.django_db
def test_without_the_data_files_the_demo_says_so_and_loads_no_demands(tmp_path, settings):
    settings.MASSLINE_DATA_DIR = str(tmp_path)
    report = DemoReport()
    with translation.override("en"):
        demo.load_demo(report)
    assert Case.objects.count() == 0
    assert "missing" in report.notes[0]


@pytest.mark.django_db
@freeze_time("2027-01-04 02:00:00")  # 10:00 in the county, a Monday just past the year end
def test_the_history_ends_last_month_keeping_each_messages_weekday_and_hour(small_data):
    with translation.override("en"):
        load_org_demo(DemoReport())
        demo.load_demo(DemoReport())
    source = categories.data_dir() / "teddy2020c" / demo.TEDDY_REPLIES
    with open(source, encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    original = parse_datetime_lenient(first["留言时间"], TEDDY_TZ)
    moved = Case.objects.get(source="teddy2020c", source_ref=first["留言编号"]).received_at
    shift = moved - original
    assert shift.days % 7 == 0 and shift.seconds == 0 and shift.days > 0
    history = Case.objects.filter(source="teddy2020c")
    latest = max(max(c.received_at, c.replied_at or c.received_at) for c in history)
    this_month = datetime(2027, 1, 1, tzinfo=TEDDY_TZ)
    assert this_month - timedelta(weeks=1) <= latest < this_month  # December 2026 is the last month
    assert timezone.localtime(moved).weekday() == original.weekday()
    assert timezone.localtime(moved).time() == original.time()
    # A rerun finds the history imported and moves nothing again.
    demo.load_demo(DemoReport())
    assert Case.objects.get(source="teddy2020c", source_ref=first["留言编号"]).received_at == moved
