"""Exclusion categories (终结办理件): chosen per period by the rules, decided through the exclusion reviews of
cases (with the trail), effective in the rollups, the rankings and the demands behind a figure."""

import datetime as dt

import pytest
from django.urls import reverse

from massline.appraisal import metrics, services, tasks
from massline.appraisal.choices import Dimension
from massline.appraisal.models import DemandFact, MonthlyFigures, RuleSet
from massline.audit.models import AuditEvent
from massline.cases.choices import EventKind, ExclusionCategory
from massline.cases.models import CaseEvent
from massline.cases.services import visit
from massline.lib.errors import DomainError

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


def exclude(case, category, requester, supervisor):
    review = visit.exclusion_request(case=case, category=category, reason="诉讼中", by=requester)
    return visit.exclusion_decide(review=review, approve=True, note="核实属实", by=supervisor)


def total(month=MARCH):
    return MonthlyFigures.objects.get(month=month, dimension=Dimension.TOTAL, key=0)


@pytest.fixture
def three(make_demand, officer_a, supervisor):
    """Three demands of unit A, each excluded under another category by an approved review."""
    cases = [
        make_demand(dispatched_at=at(), due_sign_at=at(hours=2), signed_at=at(hours=1)) for _ in range(3)
    ]
    exclude(cases[0], ExclusionCategory.LITIGATION, officer_a, supervisor)
    exclude(cases[1], ExclusionCategory.PETITION_CONCLUDED, officer_a, supervisor)
    exclude(cases[2], ExclusionCategory.OUTSIDE_POLICY, officer_a, supervisor)
    make_demand(dispatched_at=at(), due_sign_at=at(hours=2), signed_at=at(hours=5))  # counted, signed late
    return cases


def test_the_review_carries_its_category_into_the_fact_and_the_trail(three):
    services.appraisal_refresh(now=at(days=2))
    fact = DemandFact.objects.get(case=three[0])
    assert (fact.counted, fact.excluded, fact.exclusion_category) == (False, True, "litigation")
    events = CaseEvent.objects.filter(case=three[0], kind=EventKind.EXCLUSION).order_by("at", "id")
    assert [e.data["category"] for e in events] == ["litigation", "litigation"]
    assert [e.data["decision"] for e in events] == ["requested", "approved"]


def test_by_default_every_category_excludes(three):
    services.appraisal_refresh(now=at(days=2))
    row = total()
    assert (row.received, row.counted, row.excluded) == (4, 1, 3)
    figures = metrics.compute(row.__dict__, services.rules_for(MARCH))
    assert (figures["response_rate"].numerator, figures["response_rate"].denominator) == (0, 1)


def test_a_rule_set_counts_the_categories_it_does_not_exclude(three, supervisor):
    services.ruleset_create(
        valid_from=MARCH,
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="3,1",
        bottom_n=1,
        exclusions=["litigation"],
        by=supervisor,
    )
    services.appraisal_refresh(now=at(days=2))
    row = total()
    # Only the demand in litigation is out: the concluded petition and the one outside policy count.
    assert (row.received, row.counted, row.excluded) == (4, 3, 1)
    figures = metrics.compute(row.__dict__, services.rules_for(MARCH))
    assert (figures["response_rate"].numerator, figures["response_rate"].denominator) == (2, 3)
    ranking = services.ranking_compute(month=MARCH, by=supervisor)
    assert ranking.rows.get().volume == 3
    assert ranking.rules_applied["exclusions"] == ["litigation"]
    behind = DemandFact.objects.filter(metrics.demands_q("response_rate", services.rules_for(MARCH)))
    assert set(behind.values_list("case_id", flat=True)) >= {three[1].pk, three[2].pk}
    assert three[0].pk not in set(behind.values_list("case_id", flat=True))


def test_no_category_excluded_counts_every_demand(three, supervisor):
    services.ruleset_create(
        valid_from=MARCH,
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="3,1",
        bottom_n=1,
        exclusions=[],
        by=supervisor,
    )
    services.appraisal_refresh(now=at(days=2))
    assert (total().counted, total().excluded) == (4, 0)


def test_the_worker_rebuilds_the_months_a_new_rule_set_applies_to(three, supervisor):
    services.appraisal_refresh(now=at(days=2))
    assert total().counted == 1
    tasks._STATE["since"] = at(days=2)
    services.ruleset_create(
        valid_from=MARCH,
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="3,1",
        bottom_n=1,
        exclusions=["outside_policy"],
        by=supervisor,
    )
    tasks.appraisal_round(now=at(days=3))
    assert (total().counted, total().excluded) == (3, 1)


def test_unknown_category_is_refused(supervisor, officer_a, make_demand):
    with pytest.raises(DomainError):
        services.ruleset_create(
            valid_from=MARCH,
            weights=(30, 35, 35),
            basic_factor="0.9",
            visits="all",
            group_bounds="3,1",
            bottom_n=1,
            exclusions=["lawsuit"],
            by=supervisor,
        )
    with pytest.raises(DomainError):
        visit.exclusion_request(case=make_demand(), category="lawsuit", reason="x", by=officer_a)


def test_the_rules_form_offers_the_categories_and_saves_the_choice(client_for, known_month):
    client = client_for("supervisor")
    page = client.get(reverse("appraisal_staff:rankings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for value in ExclusionCategory.values:
        assert f'name="exclusions" value="{value}"' in page
    response = client.post(
        reverse("appraisal_staff:rules_create"),
        {
            "valid_from": "2026-03",
            "weight_response": "30",
            "weight_resolution": "35",
            "weight_satisfaction": "35",
            "basic_factor": "0.9",
            "visits": "all",
            "group_bounds": "5,2",
            "exclusions": ["litigation", "petition_concluded"],
        },
    )
    assert response.status_code == 302
    rule_set = RuleSet.objects.get()
    assert rule_set.exclusions == ("litigation", "petition_concluded")
    audit = AuditEvent.objects.filter(action="appraisal.rules.created").latest("id")
    assert audit.details["exclusions"] == ["litigation", "petition_concluded"]
    listed = client.get(reverse("appraisal_staff:rankings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Petition already concluded" in listed


def test_the_exclusion_form_on_the_demand_asks_for_the_category(client_for, make_demand):
    case = make_demand(received=MONDAY)
    client = client_for("officer_a")
    url = reverse("cases_staff:act", args=[case.pk, "exclusion_request"])
    refused = client.post(url, {"exclusion_request-reason": "诉讼中"})
    assert refused.status_code == 400
    assert not case.exclusion_reviews.exists()
    ok = client.post(
        url,
        {"exclusion_request-reason": "诉讼中", "exclusion_request-category": "litigation"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert ok.status_code == 302, ok.content.decode()[-3000:]
    assert case.exclusion_reviews.get().category == "litigation"
