"""The return visit: rating once, reopening once after an unsatisfied rating, auto-closing unrated
demands as "not rated", and exclusion from appraisal only through a supervisor's review."""

from datetime import timedelta

import pytest

from massline.cases.choices import AssignmentStatus, CaseStatus, EventKind, ExclusionDecision, Satisfaction
from massline.cases.errors import InvalidTransition
from massline.cases.models import Assignment, Case, ExclusionReview
from massline.cases.services import handling as h
from massline.cases.services import visit as v
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role

from . import handling_fixtures
from .handling_fixtures import MONDAY, at, make_case
from .test_handling import snapshot

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def replied(world, case=None, at_=MONDAY + timedelta(days=1), unit=None, officer=None):
    case = case or make_case(world)
    unit, officer = unit or world.org.unit_a, officer or world.officer_a
    h.case_dispatch(case=case, lead_unit=unit, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=case, unit=unit, by=officer, at=MONDAY)
    return h.case_reply(case=case, text="已修复。", by=officer, at=at_)


def test_a_satisfied_rating_closes_the_demand(world):
    case = replied(world)
    v.case_rate(
        case=case, resolved=True, satisfaction=Satisfaction.SATISFIED, comment="很快", at=at(2026, 3, 4, 10)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at == at(2026, 3, 4, 10)
    assert (case.resolved, case.satisfaction, case.rating_comment) == (True, Satisfaction.SATISFIED, "很快")
    assert case.next_check_at is None


def test_rating_twice_is_refused_and_changes_nothing(world):
    case = replied(world)
    v.case_rate(case=case, resolved=True, satisfaction=Satisfaction.BASIC)
    before = snapshot(case)
    with pytest.raises(InvalidTransition) as refused:
        v.case_rate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    assert "already been rated" in refused.value.message
    assert snapshot(case) == before


def test_a_rating_needs_a_real_choice(world):
    case = replied(world)
    before = snapshot(case)
    for kwargs in (
        {"resolved": True, "satisfaction": Satisfaction.NOT_RATED},
        {"resolved": True, "satisfaction": ""},
        {"resolved": None, "satisfaction": Satisfaction.SATISFIED},
    ):
        with pytest.raises(DomainError):
            v.case_rate(case=case, **kwargs)
    assert snapshot(case) == before


def test_an_unsatisfied_rating_reopens_once_to_the_same_unit_with_a_new_time_limit(world):
    case = replied(world)
    v.case_rate(
        case=case,
        resolved=False,
        satisfaction=Satisfaction.UNSATISFIED,
        comment="还是不亮",
        at=at(2026, 3, 4, 10),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.reopen_count == 1 and case.unsatisfied_count == 1
    assert case.lead_unit == world.org.unit_a
    assert case.due_reply_at == at(2026, 3, 11, 17, 30)  # 5 working days from the rating
    assert Assignment.objects.filter(
        case=case, status=AssignmentStatus.SIGNED, unit=world.org.unit_a
    ).exists()
    assert list(
        case.events.filter(kind__in=[EventKind.RATED, EventKind.REOPENED]).values_list("kind", flat=True)
    ) == [
        EventKind.RATED,
        EventKind.REOPENED,
    ]
    h.case_reply(case=case, text="已更换灯具。", by=world.officer_a, at=at(2026, 3, 5, 10))
    v.case_rate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED, at=at(2026, 3, 5, 11))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.unsatisfied_count == 2 and case.reopen_count == 1


def test_the_reopen_limit_is_a_setting(world, settings):
    settings.MASSLINE_REOPEN_LIMIT = 0
    case = replied(world)
    v.case_rate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.reopen_count == 0


def test_a_phone_rating_needs_an_operator_or_dispatcher(world):
    case = replied(world)
    with pytest.raises(PermissionDenied):
        v.case_rate(
            case=case, resolved=True, satisfaction=Satisfaction.SATISFIED, by=world.officer_a, via="phone"
        )
    v.case_rate(
        case=case, resolved=True, satisfaction=Satisfaction.SATISFIED, by=world.dispatcher, via="phone"
    )
    assert case.events.get(kind=EventKind.RATED).data["via"] == "phone"


def test_unrated_demands_close_as_not_rated_after_the_period(world, settings):
    settings.MASSLINE_AUTO_CLOSE_DAYS = 7
    old = replied(world, at_=at(2026, 3, 3, 10))
    recent = replied(world, make_case(world), at_=at(2026, 3, 9, 10))
    assert v.case_auto_close_unrated(now=at(2026, 3, 10, 11)) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == CaseStatus.CLOSED and old.satisfaction == Satisfaction.NOT_RATED
    assert old.events.filter(kind=EventKind.AUTO_CLOSED).exists()
    assert recent.status == CaseStatus.REPLIED
    assert v.case_auto_close_unrated(now=at(2026, 3, 10, 11)) == 0


def test_exclusion_from_appraisal_only_through_a_supervisors_review(world):
    case = replied(world)
    with pytest.raises(DomainError):
        v.exclusion_request(case=case, reason=" ", by=world.officer_a)
    with pytest.raises(PermissionDenied):
        v.exclusion_request(case=case, reason="诉求人要求违反法规", by=world.officer_b)
    review = v.exclusion_request(case=case, reason="诉求人要求违反法规", by=world.officer_a)
    with pytest.raises(InvalidTransition):
        v.exclusion_request(case=case, reason="again", by=world.officer_a)
    case.refresh_from_db()
    assert not case.excluded_from_appraisal
    with pytest.raises(PermissionDenied):
        v.exclusion_decide(review=review, approve=True, note="同意", by=world.dispatcher)
    with pytest.raises(DomainError):
        v.exclusion_decide(review=review, approve=True, note="", by=world.supervisor)
    v.exclusion_decide(review=review, approve=True, note="经甄别属不合理诉求", by=world.supervisor)
    case.refresh_from_db()
    review.refresh_from_db()
    assert case.excluded_from_appraisal and review.decision == ExclusionDecision.APPROVED
    with pytest.raises(InvalidTransition):
        v.exclusion_decide(review=review, approve=False, note="改判", by=world.supervisor)


def test_a_supervisor_outside_the_jurisdiction_cannot_decide(world, make_official):
    case = replied(
        world, make_case(world, region=world.org.grid_2), unit=world.org.unit_b, officer=world.officer_b
    )
    other = make_official("supervisor_2", Role.SUPERVISOR, region=world.org.township_2)
    review = v.exclusion_request(case=case, reason="重复诉求", by=world.officer_b)
    with pytest.raises(PermissionDenied):
        v.exclusion_decide(review=review, approve=True, note="同意", by=world.supervisor)
    v.exclusion_decide(review=review, approve=False, note="应计入考核", by=other)
    assert ExclusionReview.objects.get().decision == ExclusionDecision.REJECTED
    assert not Case.objects.get(pk=case.pk).excluded_from_appraisal
