"""The year's rules through the services: phases, nominations, screening, the vote, delivery, rating."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from massline.audit.models import AuditEvent
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.outbox.testing import deliver_queued
from massline.pledges import selectors, services
from massline.pledges.choices import (
    BallotKind,
    Decider,
    EscalationLevel,
    Feasibility,
    NominationStatus,
    OverrideAction,
    Phase,
    ProjectStatus,
    Satisfaction,
    Theme,
    WinnerMethod,
)
from massline.pledges.models import (
    Ballot,
    Escalation,
    Nomination,
    Nominator,
    Programme,
    Project,
    Rating,
)

from .conftest import YEAR, advance_to, at, windows


def codes(exc):
    return exc.value.code


# --- programme and phases -----------------------------------------------------------------------------


def test_a_programme_needs_every_phase_in_order(make_programme):
    bad = windows()
    bad[Phase.VOTE] = (date(YEAR, 2, 10), date(YEAR, 3, 20))  # starts before screening ends
    with pytest.raises(DomainError) as exc:
        make_programme(windows=bad)
    assert codes(exc) == "bad_dates"
    assert not Programme.objects.exists()


def test_one_programme_per_jurisdiction_and_year(programme, make_programme):
    with pytest.raises(DomainError) as exc:
        make_programme()
    assert codes(exc) == "duplicate"


def test_an_outsider_unit_cannot_run_the_programme(programme, officer_b):
    with pytest.raises(PermissionDenied):
        services.phase_advance(programme=programme, by=officer_b)


def test_the_calendar_opens_phases_on_their_dates_and_audits_it(programme):
    assert services.phases_advance_due(now=at(1, 4)) == 0
    assert services.phases_advance_due(now=at(1, 5)) == 1
    programme.refresh_from_db()
    assert programme.phase == Phase.NOMINATION
    event = AuditEvent.objects.filter(action="pledges.phase.advance").get()
    assert event.details["by_calendar"] is True
    # Screening is due, but the vote is not opened by the calendar without candidates: held, audited.
    services.phases_advance_due(now=at(2, 2))
    services.phases_advance_due(now=at(3, 2))
    programme.refresh_from_db()
    assert programme.phase == Phase.SCREENING
    services.phases_advance_due(now=at(3, 3))
    assert (
        AuditEvent.objects.filter(action="pledges.phase.held").count() == 1
    )  # recorded once, not each round


# --- nominations ----------------------------------------------------------------------------------------


def test_only_verified_residents_nominate(programme, citizen, officer_a):
    advance_to(programme, Phase.NOMINATION, officer_a)
    with pytest.raises(DomainError) as exc:
        services.nomination_submit(
            programme=programme, theme=Theme.WATER, title="水", description="水", by=citizen
        )
    assert codes(exc) == "not_verified"
    assert not Nomination.objects.exists()


def test_a_nomination_without_a_theme_is_refused(programme, resident, officer_a):
    advance_to(programme, Phase.NOMINATION, officer_a)
    with pytest.raises(DomainError) as exc:
        services.nomination_submit(
            programme=programme, theme="", title="路灯", description="装路灯", by=resident
        )
    assert codes(exc) == "no_theme"
    assert not Nomination.objects.exists()


def test_nominations_outside_the_nomination_phase_are_refused(programme, resident):
    with pytest.raises(DomainError) as exc:
        services.nomination_submit(
            programme=programme, theme=Theme.WATER, title="水", description="水", by=resident
        )
    assert codes(exc) == "wrong_phase"


def test_merging_keeps_every_nominator(programme, resident, officer_a, make_resident):
    advance_to(programme, Phase.NOMINATION, officer_a)
    first = services.nomination_submit(
        programme=programme, theme=Theme.WATER, title="自来水", description="二号村通水", by=resident
    ).nomination
    second = services.nomination_submit(
        programme=programme,
        theme=Theme.WATER,
        title="饮水安全",
        description="二号村水质差",
        by=make_resident(),
    ).nomination
    services.nominations_merge(target=first, sources=[second], by=officer_a)
    second.refresh_from_db()
    assert second.status == NominationStatus.MERGED and second.merged_into == first
    assert Nominator.objects.filter(nomination=first).count() == 2
    listed = list(selectors.nominations_public(programme=programme))
    assert [(n.pk, n.nominator_count, n.merged_count) for n in listed] == [(first.pk, 2, 1)]


def test_the_nomination_form_shows_what_people_asked_for_by_theme(programme, org, citizen):
    from massline.cases.models import Case, Category

    root = Category.objects.create(code="t-01", name="城乡建设", name_en="Urban affairs")
    water = Category.objects.create(code="t-01-01", name="自来水供应", name_en="Tap water", parent=root)
    school = Category.objects.create(code="t-02", name="教育文体", name_en="Education")
    received = timezone.make_aware(timezone.datetime(YEAR, 5, 1, 10))
    for category, n in ((water, 3), (school, 1)):
        for i in range(n):
            Case.objects.create(
                title=f"demand {i}",
                description="x",
                category=category,
                region=org.village_1,
                received_at=received,
                tracking_code=f"T{category.pk}{i:05d}",
            )
    by_theme = {entry.theme: entry for entry in selectors.demands_by_theme(programme=programme)}
    assert by_theme[Theme.WATER].total == 3
    assert by_theme[Theme.WATER].top == [("Tap water", 3)]  # the label in the active language
    assert by_theme[Theme.SCHOOLING].total == 1
    assert by_theme[Theme.HOUSING].total == 0


# --- screening --------------------------------------------------------------------------------------------


def test_a_rejection_needs_a_reason_and_a_candidate_its_cost_and_owner(programme, resident, officer_a, org):
    advance_to(programme, Phase.NOMINATION, officer_a)
    nomination = services.nomination_submit(
        programme=programme, theme=Theme.HOUSING, title="棚户区改造", description="改造老旧小区", by=resident
    ).nomination
    advance_to(programme, Phase.SCREENING, officer_a)
    with pytest.raises(DomainError) as exc:
        services.nomination_screen(nomination=nomination, by=officer_a, accept=False, reason="  ")
    assert codes(exc) == "empty"
    with pytest.raises(DomainError) as exc:
        services.nomination_screen(
            nomination=nomination,
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=None,
            owner_unit=org.unit_a,
        )
    assert codes(exc) == "bad_amount"
    with pytest.raises(DomainError) as exc:
        services.nomination_screen(
            nomination=nomination,
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=2_000_000,
            owner_unit=org.unit_a,
        )
    assert codes(exc) == "over_budget"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SUBMITTED and nomination.cost is None


def test_the_vote_cannot_open_while_nominations_wait_for_screening(programme, resident, officer_a):
    advance_to(programme, Phase.NOMINATION, officer_a)
    services.nomination_submit(
        programme=programme, theme=Theme.WATER, title="水", description="水", by=resident
    )
    advance_to(programme, Phase.SCREENING, officer_a)
    with pytest.raises(DomainError) as exc:
        services.phase_advance(programme=programme, by=officer_a)
    assert codes(exc) == "no_candidates"


# --- the vote ---------------------------------------------------------------------------------------------


def test_a_public_vote_picks_winners_greedily_with_paper_ballots_merged(
    programme, with_candidates, resident, officer_a, make_resident
):
    water, school, pension, medical = with_candidates
    services.ballot_cast(programme=programme, by=resident, nominations=[water, school])
    services.ballot_cast(programme=programme, by=make_resident(), nominations=[school, pension])
    services.paper_ballots_enter(
        programme=programme, by=officer_a, nominations=[medical, pension], copies=3, note="一号村"
    )
    result = services.results_compute(programme=programme)
    votes = {row["nomination"]: row["public_votes"] for row in result["rows"]}
    assert votes == {water.pk: 1, school.pk: 2, pension.pk: 4, medical.pk: 3}
    # 1,000,000 yuan: pension 200k, medical 300k, school 500k = 1,000,000; water (400k) no longer fits.
    assert result["order"] == [pension.pk, medical.pk, school.pk]
    assert result["ballots"] == 5 and result["paper_ballots"] == 3


def test_a_second_vote_and_a_vote_outside_the_phase_are_refused(
    programme, with_candidates, resident, officer_a
):
    water = with_candidates[0]
    services.ballot_cast(programme=programme, by=resident, nominations=[water])
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(programme=programme, by=resident, nominations=[water])
    assert codes(exc) == "double_vote"
    assert Ballot.objects.count() == 1
    services.results_publish(programme=programme, by=officer_a)
    services.phase_advance(programme=programme, by=officer_a)
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(programme=programme, by=resident, nominations=[water])
    assert codes(exc) == "wrong_phase"


def test_too_many_choices_and_a_ballot_over_budget_are_refused(make_programme, resident, officer_a, org):
    programme = make_programme(ballot_kind=BallotKind.BUDGET)
    advance_to(programme, Phase.NOMINATION, officer_a)
    made = [
        services.nomination_submit(
            programme=programme, theme=Theme.WATER, title=f"项目{i}", description="x", by=resident
        ).nomination
        for i in range(3)
    ]
    advance_to(programme, Phase.SCREENING, officer_a)
    for n in made:
        services.nomination_screen(
            nomination=n,
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=400000,
            owner_unit=org.unit_a,
        )
    advance_to(programme, Phase.VOTE, officer_a)
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(programme=programme, by=resident, nominations=made)
    assert codes(exc) == "over_budget"
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(programme=programme, by=resident, nominations=[])
    assert codes(exc) == "empty_ballot"
    assert not Ballot.objects.exists()
    services.ballot_cast(programme=programme, by=resident, nominations=made[:2])


def test_approval_ballots_take_at_most_the_limit(programme, with_candidates, resident):
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(programme=programme, by=resident, nominations=with_candidates)  # 4 > 3
    assert codes(exc) == "too_many"


def test_equal_shares_gives_the_minority_its_project(make_programme, resident, officer_a, org, make_resident):
    """Six voters want the school and the water works together (900k); four want the clinic (300k).
    Greedy gives the majority both; equal shares lets the four pay for their clinic."""
    programme = make_programme(method=WinnerMethod.EQUAL_SHARES, max_choices=0)
    advance_to(programme, Phase.NOMINATION, officer_a)
    made = {
        key: services.nomination_submit(
            programme=programme, theme=theme, title=key, description="x", by=resident
        ).nomination
        for key, theme in (("school", Theme.SCHOOLING), ("water", Theme.WATER), ("clinic", Theme.MEDICAL))
    }
    advance_to(programme, Phase.SCREENING, officer_a)
    for key, cost in (("school", 500000), ("water", 400000), ("clinic", 300000)):
        services.nomination_screen(
            nomination=made[key],
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=cost,
            owner_unit=org.unit_a,
        )
    advance_to(programme, Phase.VOTE, officer_a)
    services.paper_ballots_enter(
        programme=programme, by=officer_a, nominations=[made["school"], made["water"]], copies=6
    )
    services.paper_ballots_enter(programme=programme, by=officer_a, nominations=[made["clinic"]], copies=4)
    # Each voter holds 100k. School and water tie (six supporters each): the cheaper water is paid first
    # (66.7k a voter), the six keep 200k, too little for the school; the four pay 75k each for the clinic.
    chosen = set(services.results_compute(programme=programme)["chosen"])
    assert chosen == {made["water"].pk, made["clinic"].pk}
    programme.method = WinnerMethod.GREEDY
    programme.save()
    assert set(services.results_compute(programme=programme)["chosen"]) == {
        made["school"].pk,
        made["water"].pk,
    }


def test_the_deputies_decide_by_majority_within_budget(make_programme, resident, officer_a, org):
    programme = make_programme(decider=Decider.DEPUTIES, public_vote=False)
    advance_to(programme, Phase.NOMINATION, officer_a)
    made = [
        services.nomination_submit(
            programme=programme, theme=Theme.WATER, title=f"项目{i}", description="x", by=resident
        ).nomination
        for i in range(3)
    ]
    advance_to(programme, Phase.SCREENING, officer_a)
    for n, cost in zip(made, (600000, 500000, 300000), strict=True):
        services.nomination_screen(
            nomination=n,
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=cost,
            owner_unit=org.unit_a,
        )
    advance_to(programme, Phase.VOTE, officer_a)
    with pytest.raises(DomainError) as exc:
        services.results_publish(programme=programme, by=officer_a)
    assert codes(exc) == "no_session"
    with pytest.raises(DomainError) as exc:
        services.deputy_vote_record(
            programme=programme,
            by=officer_a,
            held_on=date(YEAR, 3, 10),
            present=100,
            record="第一次会议",
            counts={made[0]: (90, 5, 5), made[1]: (80, 30, 0), made[2]: (40, 50, 10)},
        )
    assert codes(exc) == "bad_counts"
    services.deputy_vote_record(
        programme=programme,
        by=officer_a,
        held_on=date(YEAR, 3, 10),
        present=100,
        record="县人大第一次会议票决记录",
        counts={made[0]: (90, 5, 5), made[1]: (80, 15, 5), made[2]: (40, 50, 10)},
    )
    result = services.results_publish(programme=programme, by=officer_a)
    # 600k taken; 500k no longer fits; 300k lacks a majority (40 of 100).
    assert result["chosen"] == [made[0].pk]
    assert Project.objects.get().nomination == made[0]


def test_an_override_needs_a_reason_and_changes_the_result(programme, with_candidates, resident, officer_a):
    water, school, pension, medical = with_candidates
    services.ballot_cast(programme=programme, by=resident, nominations=[school, pension, medical])
    with pytest.raises(DomainError) as exc:
        services.override_set(nomination=water, action=OverrideAction.INCLUDE, reason="", by=officer_a)
    assert codes(exc) == "empty"
    services.override_set(
        nomination=medical, action=OverrideAction.EXCLUDE, reason="省级项目已覆盖", by=officer_a
    )
    services.override_set(
        nomination=water, action=OverrideAction.INCLUDE, reason="饮水安全是底线任务", by=officer_a
    )
    result = services.results_publish(programme=programme, by=officer_a)
    assert set(result["chosen"]) == {school.pk, pension.pk, water.pk}
    row = next(r for r in result["rows"] if r["nomination"] == medical.pk)
    assert row["computed"] and not row["chosen"] and row["override_reason"] == "省级项目已覆盖"
    assert AuditEvent.objects.filter(action="pledges.override.set").count() == 2


# --- delivery ---------------------------------------------------------------------------------------------


@pytest.fixture
def in_delivery(programme, with_candidates, resident, officer_a):
    water, school, pension, _medical = with_candidates
    services.ballot_cast(programme=programme, by=resident, nominations=[water, school])
    services.results_publish(programme=programme, by=officer_a)
    advance_to(programme, Phase.DELIVERY, officer_a)
    return {p.nomination_id: p for p in Project.objects.all()}, with_candidates


def test_a_milestone_after_the_programmes_year_is_refused(in_delivery, officer_a):
    projects, (water, *_rest) = in_delivery
    with pytest.raises(DomainError) as exc:
        services.milestone_add(
            project=projects[water.pk], by=officer_a, title="通水", due_on=date(YEAR + 1, 1, 15), now=at(6, 1)
        )
    assert codes(exc) == "outside_year"


def test_a_milestone_on_a_day_off_falls_due_on_the_next_working_day(in_delivery, officer_a):
    projects, (water, *_rest) = in_delivery
    # 1 October 2026 is National Day (1–7 October off); Thursday 8 October is the first working day after.
    milestone = services.milestone_add(
        project=projects[water.pk], by=officer_a, title="管网完工", due_on=date(YEAR, 10, 1), now=at(9, 1)
    )
    assert milestone.due_on == date(YEAR, 10, 8)
    assert timezone.localtime(milestone.clock.due_at).date() == date(YEAR, 10, 8)


def test_milestones_climb_the_ladder_as_demands_do_across_national_day(
    in_delivery, officer_a, unit_head_a, org, make_official
):
    from django.test import TestCase

    projects, (water, *_rest) = in_delivery
    for user, email in ((officer_a, "handler@example.org"), (unit_head_a, "head@example.org")):
        user.email = email
        user.save()
    county_supervisor = make_official("county_supervisor", Role.SUPERVISOR, region=org.county)
    county_supervisor.email = "sup@example.org"
    county_supervisor.save()
    # Due Wed 30 Sep 2026 (at the end of the working day, 17:30); 1-7 October are off, so one working day
    # (7 working hours) later is Thu 8 Oct 17:30, when the unit head is warned, and the supervisors are
    # listed on Fri 9 Oct 17:30.
    milestone = services.milestone_add(
        project=projects[water.pk], by=officer_a, title="招标完成", due_on=date(YEAR, 9, 30), now=at(6, 1)
    )
    assert f"{timezone.localtime(milestone.clock.due_at):%Y-%m-%d %H:%M}" == "2026-09-30 17:30"
    assert [
        f"{timezone.localtime(services.rung_time(milestone.clock.due_at, n)):%Y-%m-%d %H:%M}" for n in (1, 2)
    ] == ["2026-10-08 17:30", "2026-10-09 17:30"]

    def check(month, day, hour, minute=0):
        with TestCase.captureOnCommitCallbacks(execute=True):
            found = services.milestones_check(
                now=timezone.make_aware(datetime(YEAR, month, day, hour, minute))
            )
        deliver_queued()
        sent = sorted(address for m in mail.outbox for address in m.to)
        mail.outbox.clear()
        return found, sent

    assert check(6, 2, 10) == (0, [])
    assert check(9, 10, 10) == (1, ["handler@example.org", "head@example.org"])  # 80 % of the time used
    assert check(9, 30, 17, 31) == (1, ["handler@example.org", "head@example.org"])  # overdue: reminder
    assert check(9, 30, 17, 32) == (0, [])  # once per rung
    assert check(10, 7, 17, 31) == (0, [])  # National Day: no working time has passed
    assert check(10, 8, 17, 31) == (1, ["head@example.org"])
    assert check(10, 9, 17, 31) == (1, ["sup@example.org"])
    assert check(10, 12, 17, 31) == (0, [])  # the top rung
    milestone.refresh_from_db()
    assert milestone.overdue_at is not None
    assert list(
        Escalation.objects.filter(milestone=milestone).order_by("id").values_list("level", flat=True)
    ) == [
        EscalationLevel.WARNING,
        EscalationLevel.OVERDUE,
        EscalationLevel.HEAD,
        EscalationLevel.LISTED,
    ]
    assert AuditEvent.objects.filter(action="pledges.milestone.listed").count() == 1


def test_a_worker_that_was_down_climbs_every_passed_rung_and_a_done_milestone_stops(in_delivery, officer_a):
    projects, (water, school, *_rest) = in_delivery
    late = services.milestone_add(
        project=projects[water.pk], by=officer_a, title="通水", due_on=date(YEAR, 9, 30), now=at(6, 1)
    )
    done = services.milestone_add(
        project=projects[school.pk], by=officer_a, title="开工", due_on=date(YEAR, 9, 30), now=at(6, 1)
    )
    services.milestone_done(milestone=done, by=officer_a, now=at(9, 29))
    # the first round after National Day: overdue, the head's rung and the supervisors' all at once
    assert services.milestones_check(now=timezone.make_aware(datetime(YEAR, 10, 12, 9))) == 3
    assert set(Escalation.objects.values_list("milestone", "level")) == {
        (late.pk, EscalationLevel.OVERDUE),
        (late.pk, EscalationLevel.HEAD),
        (late.pk, EscalationLevel.LISTED),
    }


def test_progress_comes_from_statuses_and_weighted_parts(in_delivery, officer_a, programme):
    projects, (water, school, *_rest) = in_delivery
    services.update_post(
        project=projects[school.pk], by=officer_a, text="开工", status=ProjectStatus.UNDER_WAY
    )
    parent = projects[water.pk]
    pipes = services.project_part_add(parent=parent, by=officer_a, title="管网", budget=300000, weight=3)
    tower = services.project_part_add(parent=parent, by=officer_a, title="水塔", budget=100000, weight=1)
    services.update_post(project=pipes, by=officer_a, text="管网完工", status=ProjectStatus.DONE)
    services.update_post(project=tower, by=officer_a, text="水塔设计", status=ProjectStatus.PREPARING)
    progress = {p.pk: p.progress for p in selectors.projects_with_progress(programme=programme)}
    assert progress[projects[school.pk].pk] == 50
    assert progress[parent.pk] == round((3 * 100 + 1 * 10) / 4)  # 78
    with pytest.raises(DomainError) as exc:
        services.update_post(project=tower, by=officer_a, text="x", status=ProjectStatus.DONE, progress=140)
    assert codes(exc) == "bad_progress"


def test_followers_are_told_of_updates(in_delivery, officer_a, resident):
    projects, (water, *_rest) = in_delivery
    resident.email = "follower@example.org"
    resident.save()
    services.project_follow(project=projects[water.pk], user=resident)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.update_post(
            project=projects[water.pk],
            by=officer_a,
            text="管道铺设过半",
            status=ProjectStatus.UNDER_WAY,
            progress=55,
        )
    deliver_queued()
    assert [m.to for m in mail.outbox] == [["follower@example.org"]]
    assert "管道铺设过半" in mail.outbox[0].body


def test_another_unit_cannot_post_updates(in_delivery, officer_b):
    projects, (water, *_rest) = in_delivery
    with pytest.raises(PermissionDenied):
        services.update_post(project=projects[water.pk], by=officer_b, text="x", status=ProjectStatus.DONE)


# --- rating and the year's end ----------------------------------------------------------------------------


def test_rating_is_once_per_resident_or_code_and_feeds_appraisal(
    in_delivery, officer_a, resident, programme, org
):
    projects, (water, school, *_rest) = in_delivery
    services.update_post(project=projects[water.pk], by=officer_a, text="通水", status=ProjectStatus.DONE)
    with pytest.raises(DomainError) as exc:
        services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.SATISFIED, by=resident)
    assert codes(exc) == "wrong_phase"
    advance_to(programme, Phase.RATING, officer_a)
    services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.SATISFIED, by=resident)
    with pytest.raises(DomainError) as exc:
        services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.UNSATISFIED, by=resident)
    assert codes(exc) == "double_rating"
    code = Nominator.objects.filter(nomination=school).first().tracking_code
    services.rating_cast(
        project=projects[water.pk], satisfaction=Satisfaction.UNSATISFIED, tracking_code=code.lower()
    )
    with pytest.raises(DomainError) as exc:
        services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.BASIC, tracking_code=code)
    assert codes(exc) == "double_rating"
    with pytest.raises(DomainError) as exc:
        services.rating_cast(
            project=projects[water.pk], satisfaction=Satisfaction.BASIC, tracking_code="NOPE12345"
        )
    assert codes(exc) == "bad_code"
    assert Rating.objects.count() == 2
    [figures] = selectors.pledge_figures(year=YEAR)
    assert figures.unit == org.unit_a
    assert (figures.projects, figures.done, figures.rated, figures.satisfied) == (2, 1, 2, 1)
    assert figures.satisfaction_share == 0.5


def test_the_units_rating_reaches_appraisal_through_the_seam(
    in_delivery, officer_a, resident, make_resident, programme, org, client_for
):
    from django.urls import reverse

    from massline.cases import seams

    projects, (water, school, *_rest) = in_delivery
    services.update_post(project=projects[water.pk], by=officer_a, text="通水", status=ProjectStatus.DONE)
    advance_to(programme, Phase.RATING, officer_a)
    services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.SATISFIED, by=resident)
    services.rating_cast(project=projects[water.pk], satisfaction=Satisfaction.BASIC, by=make_resident())
    services.rating_cast(project=projects[school.pk], satisfaction=Satisfaction.UNSATISFIED, by=resident)
    assert selectors.FIGURE_SOURCE in seams.further_figures(public=True)
    [figure] = selectors.FIGURE_SOURCE.read(year=YEAR)
    # two of three ratings satisfied or basically; two projects, one delivered, none carried over
    assert (figure.unit_id, figure.numerator, figure.denominator, figure.counts) == (
        org.unit_a.pk,
        2,
        3,
        (2, 1, 0),
    )
    assert selectors.FIGURE_SOURCE.read(year=YEAR + 1) == []
    for client, url in (
        (client_for("officer_a"), reverse("appraisal_staff:unit", args=[org.unit_a.pk])),
        (client_for("supervisor"), reverse("appraisal_staff:dashboard")),
        (client_for("anonymous"), reverse("appraisal:index")),
    ):
        body = client.get(f"{url}?month={YEAR}-12", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        part = body[body.index('data-testid="further-pledges"') :]
        part = part[: part.index("</section>")]
        # 2 of 3: 66.7 % with the Wilson 95 % interval [20.8 %, 93.9 %]
        assert f"Practical projects rated by the people, {YEAR}" in part
        assert "66.7 %" in part and "20.8 %" in part and "93.9 %" in part
        assert (
            '<td class="num">3</td><td class="num">2</td><td class="num">1</td><td class="num">0</td>' in part
        )


def test_the_year_closes_only_when_unfinished_projects_are_carried_over(
    in_delivery, officer_a, programme, make_programme
):
    projects, (water, school, *_rest) = in_delivery
    nxt = make_programme(year=YEAR + 1, windows=windows(YEAR + 1), title="2027年民生实事")
    services.update_post(project=projects[water.pk], by=officer_a, text="通水", status=ProjectStatus.DONE)
    advance_to(programme, Phase.RATING, officer_a)
    with pytest.raises(DomainError) as exc:
        services.phase_advance(programme=programme, by=officer_a)
    assert codes(exc) == "unfinished"
    with pytest.raises(DomainError) as exc:
        services.project_carry_over(project=projects[school.pk], by=officer_a, reason="")
    assert codes(exc) == "empty"
    services.project_carry_over(project=projects[school.pk], by=officer_a, reason="雨季延误，地基未完成")
    services.phase_advance(programme=programme, by=officer_a)
    programme.refresh_from_db()
    assert programme.phase == Phase.CLOSED
    continued = Project.objects.get(programme=nxt)
    assert continued.carry_reason == "雨季延误，地基未完成" and continued.budget == Decimal("500000.00")


def test_the_annual_report_shows_the_pages_figures(in_delivery, officer_a, programme):
    from io import BytesIO

    from openpyxl import load_workbook

    from massline.pledges import exports

    projects, (water, *_rest) = in_delivery
    services.update_post(
        project=projects[water.pk], by=officer_a, text="通水", status=ProjectStatus.ACCEPTANCE, spent=380000
    )
    pdf = exports.report_pdf(programme=programme)
    assert pdf.startswith(b"%PDF")
    book = load_workbook(BytesIO(exports.report_xlsx(programme=programme)))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    water_row = next(r for r in rows if r[2] == "村村通自来水")
    assert water_row[5] == 400000 and water_row[6] == 380000 and water_row[8] == 90


def test_nothing_is_half_saved_when_a_ballot_is_refused(programme, with_candidates, resident):
    with pytest.raises(DomainError):
        services.ballot_cast(programme=programme, by=resident, nominations=[with_candidates[0].pk, 999999])
    assert not Ballot.objects.exists()
