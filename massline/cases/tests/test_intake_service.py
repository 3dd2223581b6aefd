"""case_submit, case_answer_directly and suggest_unit: what is accepted, what is refused (saving nothing)."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, CaseType, Channel, EventKind
from massline.cases.models import Attachment, Case, CaseEvent, Category, KnowledgeArticle
from massline.cases.services.intake import (
    IntakeRefused,
    case_answer_directly,
    case_submit,
    region_for_address,
    region_for_point,
    suggest_unit,
)
from massline.lib.errors import PermissionDenied
from massline.lib.testing import sample_jpeg, sample_pdf, sample_png
from massline.lib.uploads import sniff
from massline.org import services as org_services
from massline.org.choices import Role
from massline.org.models import Citizen
from massline.outbox.testing import deliver_queued

SH = ZoneInfo("Asia/Shanghai")
PNG = sample_png()
JPEG = sample_jpeg()
PDF = sample_pdf()
MP3 = b"ID3\x04\x00" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 64
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


def submit(**kwargs):
    data = {"type": CaseType.COMPLAINT, "title": "路灯不亮", "description": "学校门口路灯坏了一周。"}
    data.update(kwargs)
    return case_submit(**data)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(org):
    return org_services.official_create(
        username="operator",
        password="Persona-Lantern-2048",
        grants=[org_services.Grant(role=Role.OPERATOR, unit=org.centre)],
        by=None,
    )


@pytest.fixture
def placed_org(org):
    """The test organisation with centres: township 1 near 28.20N 112.90E, township 2 20 km east."""
    for region, lat, lon in (
        (org.county, "28.200000", "113.000000"),
        (org.township_1, "28.200000", "112.900000"),
        (org.village_1, "28.210000", "112.910000"),
        (org.grid_1, "28.212000", "112.912000"),
        (org.township_2, "28.200000", "113.100000"),
        (org.village_2, "28.190000", "113.110000"),
    ):
        region.centre_lat, region.centre_lon = Decimal(lat), Decimal(lon)
        region.save()
    return org


def test_it_receives_a_demand_with_a_tracking_code_timeline_and_audit(db):
    at = datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    case = submit(received_at=at)
    assert case.status == CaseStatus.RECEIVED
    assert len(case.tracking_code) == 10
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.at) == (EventKind.RECEIVED, at)
    assert AuditEvent.objects.filter(action="cases.case.received", object_id=str(case.pk)).exists()
    assert case.citizen is None  # anonymous, no contact


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "长" * 4001}, "description"),
        ({"description": "x" * 5_000_000}, "description"),
        ({"type": "petition"}, "type"),
        ({"urgency": "whenever"}, "urgency"),
        ({"channel": "pigeon"}, "channel"),
        ({"lat": "91", "lon": "112"}, "lat"),
        ({"lat": "28", "lon": "-181"}, "lon"),
        ({"lat": "north", "lon": "112"}, "lat"),
        ({"lat": "NaN", "lon": "112"}, "lat"),
        ({"lat": "28.2"}, "lon"),
        ({"citizen_phone": "call me maybe"}, "citizen_phone"),
        ({"citizen_phone": "12"}, "citizen_phone"),
        ({"citizen_phone": "1380000000012345678"}, "citizen_phone"),
        ({"citizen_email": "not-an-address"}, "citizen_email"),
        ({"description": "bad\x00byte"}, "description"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(db, changes, field):
    with pytest.raises(IntakeRefused) as caught:
        submit(citizen_name="李明", **changes)
    assert caught.value.field == field
    assert str(caught.value.message)
    assert not Case.objects.exists()
    assert not Citizen.objects.exists()
    assert not CaseEvent.objects.exists()


def test_it_stores_checked_attachments_outside_the_database(db, media):
    files = [
        upload("photo.jpg", JPEG),
        upload("scan.png", PNG),
        upload("letter.pdf", PDF),
        upload("voice.m4a", M4A),
    ]
    case = submit(attachments=files)
    stored = list(Attachment.objects.filter(case=case).order_by("original_name"))
    assert [a.content_type for a in stored] == ["application/pdf", "image/jpeg", "image/png", "audio/mp4"]
    for attachment in stored:
        path = Path(attachment.file.path)
        assert path.is_file() and path.is_relative_to(media)
        # Pictures and PDFs are stored re-encoded: no EXIF (GPS, phone model), no author.
        content = path.read_bytes()
        assert attachment.size == len(content)
        for secret in (b"Secret Photographer", b"PhoneModel-X9", b"Secret Author", b"Secret Comment"):
            assert secret not in content


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ([upload("invoice.pdf", EXE)], "content was checked"),
        ([upload("photo.png", JPEG)], "content was checked"),
        ([upload("script.sh", b"#!/bin/sh\nrm -rf /\n")], "content was checked"),
        ([upload(f"p{i}.png", PNG) for i in range(6)], "at most 5"),
        ([upload("empty.jpg", b"")], "empty"),
    ],
)
def test_it_refuses_bad_attachments_and_saves_nothing(db, media, files, fragment):
    with pytest.raises(IntakeRefused) as caught:
        submit(citizen_phone="13800001111", attachments=files)
    assert caught.value.field == "attachments"
    assert fragment in str(caught.value.message)
    assert not Case.objects.exists() and not Attachment.objects.exists() and not Citizen.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_it_refuses_an_attachment_over_the_size_limit(db, media, settings):
    settings.MASSLINE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(IntakeRefused, match="larger than"):
        submit(attachments=[upload("big.png", PNG + b"\x00" * 2048)])
    assert not Case.objects.exists()


def test_it_removes_written_files_when_the_transaction_fails(db, media, monkeypatch):
    from massline.cases.services import intake

    def broken(**kwargs):
        raise RuntimeError("disk full after the files")

    monkeypatch.setattr(intake, "case_record_creation", broken)
    with pytest.raises(RuntimeError):
        submit(attachments=[upload("photo.png", PNG)])
    assert not Case.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_sniffing_knows_the_allowed_kinds():
    assert [sniff(h) for h in (JPEG, PNG, PDF, MP3, M4A, EXE)] == ["jpeg", "png", "pdf", "mp3", "m4a", None]
    assert sniff(b"\xff\xfb\x90\x00") == "mp3"  # a bare MPEG layer III frame


def test_a_retried_submission_with_the_same_key_returns_the_same_demand(db):
    first = submit(idempotency_key="form-123", citizen_phone="13800001111")
    again = submit(idempotency_key="form-123", citizen_phone="13800001111", title="changed on retry")
    assert again.pk == first.pk
    assert Case.objects.count() == 1 and Citizen.objects.count() == 1
    assert submit(idempotency_key="form-456").pk != first.pk


def test_it_stores_the_contact_once_and_an_operator_reuses_it_by_phone(db, operator):
    first = submit(citizen_name="张三", citizen_phone="138-0000-1111", by=operator, channel=Channel.PHONE)
    assert first.citizen.phone == "+8613800001111"
    second = submit(citizen_phone="138 0000 1111", by=operator, channel=Channel.PHONE)
    assert second.citizen_id == first.citizen_id
    # An anonymous web visitor typing someone's number gets a record of their own, not theirs.
    third = submit(citizen_phone="13800001111")
    assert third.citizen_id != first.citizen_id
    assert Citizen.objects.count() == 2


def test_a_signed_in_citizen_submits_under_their_own_record(citizen):
    case = submit(by=citizen, citizen_phone="13911112222")
    assert case.citizen == citizen.citizen
    assert case.created_by == citizen


def test_the_region_is_the_nearest_centre_to_the_coordinates(placed_org):
    assert submit(lat="28.2121", lon="112.9119").region == placed_org.grid_1
    assert submit(lat="28.191", lon="113.109").region == placed_org.village_2
    assert submit(lat="0", lon="0").region is None  # far outside the county
    assert submit(address="二号镇二号村卫生室旁").region == placed_org.village_2
    assert submit(address="somewhere else").region is None
    assert submit(region=placed_org.township_2, lat="28.2121", lon="112.9119").region == placed_org.township_2


def test_the_public_summary_is_masked(db):
    case = submit(
        citizen_name="王小明",
        description=(
            "我是王小明，住幸福路12号3栋2单元501室，电话13812345678，"
            "邮箱wxm@example.org。No. 7 Elm Street 漏水。"
        ),
    )
    summary = case.public_summary
    for secret in ("王小明", "12号", "501", "13812345678", "wxm@example.org", "No. 7"):
        assert secret not in summary
    assert "幸福路" in summary and "漏水" in summary
    assert case.description.startswith("我是王小明")  # the handler still reads the original


def test_the_citizen_is_told_the_tracking_code_once_committed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = submit(citizen_email="liming@example.org", language="en")
        assert mail.outbox == []  # nothing leaves before the commit
    # The message's delivery, and the listeners' look at the new demand (cases.seams.demand_received).
    assert len(callbacks) == 2
    assert mail.outbox == []  # queued in the outbox: the worker sends it
    deliver_queued()
    assert len(mail.outbox) == 1
    assert case.tracking_code in mail.outbox[0].body
    assert f"/demands/track/{case.tracking_code}/" in mail.outbox[0].body
    assert "received" in mail.outbox[0].subject


def test_the_message_is_in_the_citizens_language(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(citizen_email="a@example.org", language="zh-hans")
        submit(citizen_email="b@example.org", language="en")
    deliver_queued()
    assert mail.outbox[1].subject.startswith("Your demand")
    assert Case.objects.filter(language="zh-hans").count() == 1


# Answering directly --------------------------------------------------------------------------------


@pytest.fixture
def article(db):
    return KnowledgeArticle.objects.create(
        question="社保卡丢了怎么补办？",
        answer="携带身份证到任一社保网点办理，当场可取。",
        keywords="社保卡 补办",
    )


def test_an_operator_answers_a_consultation_directly(operator, article, django_capture_on_commit_callbacks):
    case = submit(
        type=CaseType.CONSULTATION, by=operator, citizen_email="c@example.org", channel=Channel.PHONE
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_answer_directly(case=case, article=article, by=operator)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert case.reply == article.answer
    assert case.replied_at is not None and case.first_contact_at is not None
    assert case.events.filter(kind=EventKind.ANSWERED_DIRECTLY, data__article=article.pk).exists()
    assert AuditEvent.objects.filter(action="cases.case.answered_directly").exists()
    deliver_queued()
    assert "answered" in mail.outbox[-1].subject or "答复" in mail.outbox[-1].subject


def test_answering_directly_is_refused_for_other_kinds_unpublished_answers_and_non_operators(
    operator, officer_a, article
):
    complaint = submit(type=CaseType.COMPLAINT)
    with pytest.raises(IntakeRefused, match="dispatch"):
        case_answer_directly(case=complaint, article=article, by=operator)
    question = submit(type=CaseType.CONSULTATION)
    with pytest.raises(PermissionDenied):
        case_answer_directly(case=question, article=article, by=officer_a)
    article.is_published = False
    article.save()
    with pytest.raises(IntakeRefused, match="not published"):
        case_answer_directly(case=question, article=article, by=operator)
    question.refresh_from_db()
    assert question.status == CaseStatus.RECEIVED and question.reply == ""


def test_answering_an_answered_demand_again_is_refused(operator, article):
    from massline.cases.errors import ConcurrentUpdate, InvalidTransition

    case = submit(type=CaseType.CONSULTATION)
    stale = Case.objects.get(pk=case.pk)
    case_answer_directly(case=case, article=article, by=operator)
    with pytest.raises((InvalidTransition, ConcurrentUpdate)):
        case_answer_directly(case=stale, article=article, by=operator)
    with pytest.raises(InvalidTransition):
        case_answer_directly(case=Case.objects.get(pk=case.pk), article=article, by=operator)


# Routing suggestion -------------------------------------------------------------------------------


def test_suggest_unit_follows_the_category_tree_and_routes_by_place(org):
    roads = Category.objects.create(code="roads", name="道路", default_unit=org.unit_a)
    lights = Category.objects.create(code="lights", name="路灯", parent=roads)
    local = Category.objects.create(code="local", name="属地事务", route_by_place=True)
    noise = Category.objects.create(code="noise", name="噪音", parent=local, route_by_place=False)
    orphan = Category.objects.create(code="other", name="其他")
    assert suggest_unit(category=lights, region=org.grid_1) == org.unit_a
    assert suggest_unit(category=noise, region=org.grid_1) == org.township_gov_1
    assert suggest_unit(category=local, region=org.grid_2) is None  # no township government serves it
    assert suggest_unit(category=orphan, region=org.grid_1) is None
    assert suggest_unit(category=None, region=org.grid_1) is None
    lights.default_unit = org.unit_b
    lights.save()
    assert suggest_unit(category=lights, region=None) == org.unit_b


def test_places_are_read_once_and_a_new_or_renamed_village_is_seen_at_once(org, django_assert_num_queries):
    assert submit(address="三号村小学门口").region is None
    with django_assert_num_queries(0):
        assert region_for_address("二号镇二号村卫生室旁") == org.village_2
        assert region_for_point(None, None) is None
    village_3 = org_services.region_create(
        code="c0-t1-v3",
        name="三号村",
        name_en="Village Three",
        level="village",
        parent=org.township_1,
        by=None,
    )
    assert submit(address="三号村小学门口").region == village_3
    org_services.region_update(region=village_3, changes={"name": "四号村"}, by=None)
    assert submit(address="三号村小学门口").region is None
    assert submit(address="四号村小学门口").region == village_3


def test_the_channels_own_rows_are_saved_with_the_demand_and_rolled_back_with_it(db):
    event = CaseEvent(kind=EventKind.NOTE, at=datetime(2026, 11, 26, 9, tzinfo=SH), data={"from": "channel"})
    case = submit(records=[event])
    assert event.pk is not None and event.case == case

    class Refused(Exception):
        pass

    class Failing:
        """A channel row whose INSERT fails after the demand's own rows are written."""

        case = None

        def save(self, **kwargs):
            assert Case.objects.filter(pk=self.case.pk).exists()
            raise Refused

    before = (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Refused):
        submit(title="不该留下", records=[Failing()])
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_retry_leaves_the_channels_rows_of_the_retry_unsaved(db):
    first = submit(idempotency_key="form-7")
    row = CaseEvent(kind=EventKind.NOTE, at=datetime(2026, 11, 26, 9, tzinfo=SH))
    assert submit(idempotency_key="form-7", records=[row]) == first
    assert row.pk is None
