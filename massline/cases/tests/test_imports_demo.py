"""The demo loader (`massline demo` → cases.demo.load_demo) on a data directory of slices cut here."""

import csv
import shutil
from collections import Counter

import pytest
from django.utils import translation

from massline.cases import categories, demo
from massline.cases.choices import CaseStatus
from massline.cases.models import Case, KnowledgeArticle
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
