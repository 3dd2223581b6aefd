"""Typed answers, forwarding, redirection to the demand channel, the register and the applicant's remedy;
bad input is refused with nothing saved."""

import pytest

from massline.cases.models import Case
from massline.deadlines.choices import ClockState
from massline.disclosure import selectors, services
from massline.disclosure.choices import AnswerType, LegalGround, Remedy, RequestStatus
from massline.disclosure.models import DisclosureRequest
from massline.lib.errors import DomainError, PermissionDenied

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(make_request):
    return make_request(received_at=local(2026, 9, 24, 10))


def answer(request, by, **kwargs):
    values = {"text": "Here is the answer.", "at": local(2026, 10, 20, 10)}
    values.update(kwargs)
    return services.request_answer(request=request, by=by, **values)


@pytest.mark.parametrize(
    ("answer_type", "field"),
    [
        (AnswerType.NOT_DISCLOSED, "legal_ground"),
        (AnswerType.PARTLY_DISCLOSED, "legal_ground"),
        (AnswerType.ALREADY_PUBLIC, "where_public"),
        (AnswerType.OTHER_AGENCY, "other_agency"),
        (AnswerType.REPEATED, "earlier_request"),
        ("made_up", "answer_type"),
    ],
)
def test_an_answer_without_its_required_fields_is_refused(running, officer_a, answer_type, field):
    with pytest.raises(services.RequestRefused) as refused:
        answer(running, officer_a, answer_type=answer_type)
    assert refused.value.field == field
    running.refresh_from_db()
    assert running.status == RequestStatus.RECEIVED and running.clock.state == ClockState.RUNNING


@pytest.mark.parametrize(("missing", "field"), [("unit", "unit"), ("description", "description")])
def test_a_request_without_agency_or_description_is_refused(org, missing, field):
    values = {
        "unit": org.unit_a,
        "description": "Budget",
        "applicant_name": "张三",
        "id_document": "X1",
        "phone": "139",
    }
    values[missing] = None if missing == "unit" else "  "
    with pytest.raises(services.RequestRefused) as refused:
        services.request_submit(**values)
    assert refused.value.field == field
    assert not DisclosureRequest.objects.exists()


def test_a_request_needs_a_way_to_answer(org):
    with pytest.raises(services.RequestRefused, match="phone number, an e-mail or a postal address"):
        services.request_submit(
            unit=org.unit_a, description="Budget", applicant_name="张三", id_document="X1"
        )


def test_not_disclosed_records_the_legal_ground(running, officer_a):
    answer(running, officer_a, answer_type=AnswerType.NOT_DISCLOSED, legal_ground=LegalGround.STATE_SECRET)
    assert running.legal_ground == LegalGround.STATE_SECRET and running.on_time


def test_another_agency_answer_is_forwarded_in_one_click(running, officer_a, officer_b, org):
    answer(running, officer_a, answer_type=AnswerType.OTHER_AGENCY, other_agency=org.unit_b)
    forwarded = services.request_forward(request=running, by=officer_a, at=local(2026, 10, 21, 10))
    assert forwarded.unit == org.unit_b and forwarded.forwarded_from == running
    assert forwarded.applicant == running.applicant and forwarded.status == RequestStatus.RECEIVED
    with pytest.raises(DomainError, match="already forwarded"):
        services.request_forward(request=running, by=officer_a, at=local(2026, 10, 21, 11))
    assert selectors.requests_for_staff(user=officer_b).filter(pk=forwarded.pk).exists()


def test_not_a_disclosure_request_becomes_a_demand(running, officer_a):
    answer(
        running, officer_a, answer_type=AnswerType.NOT_A_REQUEST, text="This is a complaint: sent to 12345."
    )
    case = Case.objects.get(tracking_code=running.case_tracking_code)
    assert case.description == running.description
    assert case.citizen.phone == "+8613911112222"  # stored in E.164


def test_a_repeated_request_names_the_earlier_one(make_request, running, officer_a):
    second = make_request(received_at=local(2026, 10, 12, 10))
    answer(second, officer_a, answer_type=AnswerType.REPEATED, earlier_request=running)
    assert second.earlier_request == running


def test_the_fee_is_charged_only_beyond_a_reasonable_volume(running, officer_a):
    assert services.fee_for(30) == 0
    assert services.fee_for(31) == 10
    assert services.fee_for(150) == 70 * 10 + 50 * 20
    assert services.fee_for(250) == 70 * 10 + 100 * 20 + 50 * 40
    answer(running, officer_a, answer_type=AnswerType.DISCLOSED, pages=45)
    assert running.fee == 150


def test_an_answer_waits_for_the_third_party(running, officer_a):
    services.request_consult(
        request=running, third_party="Contractor", by=officer_a, at=local(2026, 10, 12, 10)
    )
    with pytest.raises(DomainError, match="third party"):
        answer(running, officer_a, answer_type=AnswerType.DISCLOSED)


def test_officials_of_other_units_may_not_answer(running, officer_b):
    with pytest.raises(PermissionDenied):
        answer(running, officer_b, answer_type=AnswerType.DISCLOSED)


def test_a_step_in_the_future_is_refused(running, officer_a):
    with pytest.raises(services.RequestRefused, match="future"):
        answer(running, officer_a, answer_type=AnswerType.DISCLOSED, at=local(2099, 1, 5, 10))


def test_the_register_masks_the_applicant_and_leaves_out_withheld_requests(make_request, running, officer_a):
    other = make_request(received_at=local(2026, 9, 28, 10), description="Minutes of the bridge tender.")
    assert selectors.public_applicant(running) == "张*"
    assert set(selectors.register_rows(query="bridge")) == {other}
    with pytest.raises(services.RequestRefused):
        services.request_withhold(request=other, reason=" ", by=officer_a)
    services.request_withhold(request=other, reason="Names a private person.", by=officer_a)
    assert list(selectors.register_rows(query="bridge")) == []
    assert other.withheld_by == officer_a


def test_the_applicant_marks_an_answer_unsatisfactory(running, officer_a):
    with pytest.raises(DomainError):
        services.request_mark_unsatisfied(request=running, note="No answer yet.")
    answer(running, officer_a, answer_type=AnswerType.NOT_HELD)
    services.request_mark_unsatisfied(request=running, note="You do hold it.", remedy=Remedy.RECONSIDERATION)
    assert running.remedy == Remedy.RECONSIDERATION and running.unsatisfied_at is not None
