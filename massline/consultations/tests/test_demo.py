import pytest
from django.conf import settings

from massline.consultations import demo
from massline.consultations.choices import ConsultationSource, ConsultationStatus
from massline.consultations.models import Consultation, OpinionGroupResult
from massline.org import demo as org_demo

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    not (settings.MASSLINE_DATA_DIR / "polis" / demo.POLIS_CONVERSATION).exists(), reason="no Pol.is data"
)
def test_the_demo_opens_a_consultation_and_imports_a_polis_conversation_once():
    report = org_demo.DemoReport()
    org_demo.load_demo(report)
    demo.load_demo(report)
    demo.load_demo(report)
    open_one = Consultation.objects.get(title=demo.TITLE)
    assert open_one.status == ConsultationStatus.OPEN
    assert open_one.sections.count() == len(demo.SECTIONS)
    assert open_one.opinions.count() == len(demo.OPINIONS)
    imported = Consultation.objects.get(source=ConsultationSource.POLIS)
    assert imported.status == ConsultationStatus.CLOSED
    assert OpinionGroupResult.objects.filter(consultation=imported).exists()
    assert any("Pol.is" in note for note in report.notes)
