"""Rules of consultations as services enforce them: window, opinions, votes, moderation, answers, report."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from massline.audit.models import AuditEvent
from massline.consultations import services
from massline.consultations.choices import (
    ConsultationStatus,
    Decision,
    ModerationVerdict,
    OpinionStatus,
    Participation,
    StatementStatus,
)
from massline.consultations.models import Escalation, Opinion, Vote
from massline.lib.errors import DomainError, PermissionDenied

from .conftest import close_now

pytestmark = pytest.mark.django_db


def test_a_consultation_opens_for_at_least_the_minimum_window(draft, officer_a):
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.consultation_publish(consultation=draft, by=officer_a, closes_at=now + timedelta(days=10))
    assert refused.value.code == "window_too_short"
    assert "30" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.DRAFT


@override_settings(MASSLINE_CONSULTATION_MIN_OPEN_DAYS=45)
def test_the_minimum_window_is_a_setting(officer_a, org):
    with pytest.raises(DomainError):
        services.consultation_create(by=officer_a, unit=org.unit_a, title="t", summary="s", min_open_days=30)
    created = services.consultation_create(by=officer_a, unit=org.unit_a, title="t", summary="s")
    assert created.min_open_days == 45


def test_only_the_responsible_unit_runs_a_consultation(draft, officer_b, supervisor, org):
    for user in (officer_b, supervisor):
        with pytest.raises(PermissionDenied):
            services.consultation_publish(
                consultation=draft, by=user, closes_at=timezone.now() + timedelta(days=40)
            )
    with pytest.raises(PermissionDenied):
        services.consultation_create(by=officer_b, unit=org.unit_a, title="t", summary="s")


def test_publishing_is_audited(open_consultation, officer_a):
    event = AuditEvent.objects.filter(
        action="consultation.publish", object_id=str(open_consultation.pk)
    ).get()
    assert event.actor_id == officer_a.pk
    assert event.changes == {"status": ["draft", "open"]}


def test_closing_early_needs_a_recorded_reason(open_consultation, officer_a):
    with pytest.raises(DomainError) as refused:
        services.consultation_close(consultation=open_consultation, by=officer_a)
    assert refused.value.code == "early_close_needs_reason"
    closed = close_now(open_consultation, officer_a, reason="Plan withdrawn by the council.")
    assert closed.status == ConsultationStatus.CLOSED
    assert closed.early_close_reason == "Plan withdrawn by the council."
    assert closed.answer_due_at > closed.closed_at
    event = AuditEvent.objects.get(action="consultation.close")
    assert event.details["reason"] == "Plan withdrawn by the council." and event.details["early"] is True


def test_the_worker_closes_a_consultation_at_its_date_with_a_working_day_deadline(open_consultation):
    later = open_consultation.closes_at + timedelta(minutes=1)
    assert services.consultations_close_due(now=later) == 1
    open_consultation.refresh_from_db()
    assert open_consultation.status == ConsultationStatus.CLOSED
    assert open_consultation.early_close_reason == ""
    # 15 working days are at least three calendar weeks.
    assert open_consultation.answer_due_at - later >= timedelta(days=19)


def test_opinions_after_closing_are_refused_and_nothing_is_lost(open_consultation, officer_a, participant):
    services.opinion_submit(consultation=open_consultation, participant=participant, body="Keep the trees.")
    close_now(open_consultation, officer_a)
    with pytest.raises(DomainError) as refused:
        services.opinion_submit(consultation=open_consultation, participant=participant, body="Too late?")
    assert refused.value.code == "consultation_closed"
    assert list(Opinion.objects.values_list("body", flat=True)) == ["Keep the trees."]


def test_a_huge_opinion_is_refused_with_the_limit(open_consultation, participant):
    with pytest.raises(DomainError) as refused:
        services.opinion_submit(consultation=open_consultation, participant=participant, body="x" * 100_000)
    assert refused.value.code == "too_long"
    assert "100000" in refused.value.message and "5000" in refused.value.message
    assert not Opinion.objects.exists()


def test_an_opinion_keeps_html_as_text(open_consultation, participant):
    opinion = services.opinion_submit(
        consultation=open_consultation, participant=participant, body="<script>alert(1)</script> benches"
    )
    assert opinion.body == "<script>alert(1)</script> benches"


def test_a_quoted_passage_must_come_from_the_section(open_consultation, participant):
    section = open_consultation.sections.first()
    services.opinion_submit(
        consultation=open_consultation,
        participant=participant,
        body="Yes",
        section=section,
        passage="Add benches.",
    )
    with pytest.raises(DomainError):
        services.opinion_submit(
            consultation=open_consultation,
            participant=participant,
            body="No",
            section=section,
            passage="invented",
        )


def test_votes_are_cast_once_and_mark_groups_stale(open_consultation, participant):
    statement = open_consultation.statements.first()
    services.vote_cast(statement=statement, participant=participant, stance=1)
    open_consultation.refresh_from_db()
    assert open_consultation.groups_stale
    with pytest.raises(DomainError) as refused:
        services.vote_cast(statement=statement, participant=participant, stance=-1)
    assert refused.value.code == "double_vote"
    assert Vote.objects.get().stance == 1


def test_votes_on_a_hidden_statement_are_refused(open_consultation, officer_a, participant):
    statement = open_consultation.statements.first()
    services.statement_moderate(statement=statement, by=officer_a, accept=False)
    with pytest.raises(DomainError) as refused:
        services.vote_cast(statement=statement, participant=participant, stance=1)
    assert refused.value.code == "statement_hidden"


def test_citizen_statements_wait_for_moderation_and_only_when_allowed(
    open_consultation, officer_a, participant
):
    with pytest.raises(DomainError):
        services.statement_add(consultation=open_consultation, participant=participant, text="More shade")
    open_consultation.citizen_statements = True
    open_consultation.save()
    statement = services.statement_add(
        consultation=open_consultation, participant=participant, text="More shade"
    )
    assert statement.status == StatementStatus.PENDING
    with pytest.raises(DomainError):
        services.vote_cast(statement=statement, participant=participant, stance=1)


def test_enough_flags_hide_an_opinion_pending_review(
    open_consultation, participant, make_participant, officer_a
):
    opinion = services.opinion_submit(
        consultation=open_consultation, participant=participant, body="Rude words"
    )
    flaggers = [make_participant(open_consultation) for _ in range(3)]
    services.opinion_flag(opinion=opinion, participant=flaggers[0], reason="insult")
    with pytest.raises(DomainError):
        services.opinion_flag(opinion=opinion, participant=flaggers[0], reason="again")
    services.opinion_flag(opinion=opinion, participant=flaggers[1], reason="insult")
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.VISIBLE
    services.opinion_flag(opinion=opinion, participant=flaggers[2], reason="insult")
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.PENDING_REVIEW
    services.opinion_moderate(opinion=opinion, by=officer_a, verdict=ModerationVerdict.HIDE, reason="Insults")
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.MODERATED and opinion.moderation_reason == "Insults"
    assert AuditEvent.objects.filter(action="opinion.moderate.hide", details__reason="Insults").exists()


def test_moderation_needs_a_reason(open_consultation, participant, officer_a):
    opinion = services.opinion_submit(consultation=open_consultation, participant=participant, body="x")
    with pytest.raises(DomainError):
        services.opinion_moderate(opinion=opinion, by=officer_a, verdict=ModerationVerdict.HIDE, reason="  ")


def test_likes_count_once_and_not_ones_own(open_consultation, participant, make_participant):
    opinion = services.opinion_submit(consultation=open_consultation, participant=participant, body="Benches")
    other = make_participant(open_consultation)
    services.opinion_like(opinion=opinion, participant=other)
    with pytest.raises(DomainError):
        services.opinion_like(opinion=opinion, participant=other)
    with pytest.raises(DomainError):
        services.opinion_like(opinion=opinion, participant=participant)
    assert opinion.likes.count() == 1


def test_who_may_take_part(open_consultation, citizen, outsider):
    open_consultation.participation = Participation.REGISTERED
    with pytest.raises(DomainError) as refused:
        services.participant_get_or_create(consultation=open_consultation, anonymous_key="abc")
    assert refused.value.code == "sign_in"
    assert services.participant_get_or_create(consultation=open_consultation, user=outsider)
    open_consultation.participation = Participation.VERIFIED
    with pytest.raises(DomainError) as refused:
        services.participant_get_or_create(consultation=open_consultation, user=outsider)
    assert refused.value.code == "not_verified"
    # A citizen account alone is not enough: an official must have verified where the citizen lives.
    with pytest.raises(DomainError) as refused:
        services.participant_get_or_create(consultation=open_consultation, user=citizen)
    assert refused.value.code == "not_verified"


def test_verified_residents_take_part_only_in_their_own_region(open_consultation, citizen, org, officer_a):
    from massline.org.services import citizen_verify_residence

    open_consultation.participation = Participation.VERIFIED
    open_consultation.region = org.township_1
    citizen_verify_residence(citizen=citizen.citizen, residence=org.township_2, by=officer_a)
    with pytest.raises(DomainError) as refused:
        services.participant_get_or_create(consultation=open_consultation, user=citizen)
    assert refused.value.code == "not_verified"
    citizen_verify_residence(citizen=citizen.citizen, residence=org.village_1, by=officer_a)
    citizen.citizen.refresh_from_db()
    assert org.village_1.is_within(org.township_1)
    assert services.participant_get_or_create(consultation=open_consultation, user=citizen)


def test_polls_take_one_answer_per_participant(open_consultation, officer_a, participant):
    poll = services.poll_create(
        section=open_consultation.sections.first(),
        by=officer_a,
        question="Benches?",
        kind="single",
        options=["Wood", "Stone"],
    )
    wood, stone = poll.options.all()
    with pytest.raises(DomainError):
        services.poll_answer(poll=poll, participant=participant, options=[wood.pk, stone.pk])
    services.poll_answer(poll=poll, participant=participant, options=[wood.pk])
    with pytest.raises(DomainError):
        services.poll_answer(poll=poll, participant=participant, options=[stone.pk])


def _three_opinions(consultation, make_participant):
    return [
        services.opinion_submit(
            consultation=consultation, participant=make_participant(consultation), body=text
        )
        for text in ("Keep the trees", "More benches", '=HYPERLINK("http://evil")')
    ]


def test_the_report_is_refused_while_an_opinion_is_unanswered(open_consultation, officer_a, make_participant):
    first, second, third = _three_opinions(open_consultation, make_participant)
    close_now(open_consultation, officer_a)
    template = services.answer_template_create(
        unit=open_consultation.unit,
        by=officer_a,
        title="Covered",
        decision=Decision.ADOPTED,
        reason="In article 2.",
    )
    answers = services.answer_draft_bulk(
        consultation=open_consultation, opinions=[first, second], by=officer_a, template=template
    )
    assert len(answers) == 2
    with pytest.raises(DomainError) as refused:
        services.report_publish(consultation=open_consultation, by=officer_a, decision="Adopted with changes")
    assert refused.value.code == "unanswered_opinions" and "1" in refused.value.message
    services.answer_set(
        consultation=open_consultation,
        opinions=[third],
        by=officer_a,
        decision=Decision.NOT_ADOPTED,
        reason="Spam link",
    )
    published = services.report_publish(
        consultation=open_consultation, by=officer_a, decision="Adopted with changes"
    )
    assert published.status == ConsultationStatus.ANSWERED
    assert published.answered_at is not None and published.report_published_at >= published.answered_at


def test_merged_answers_cover_several_opinions_and_replace_earlier_drafts(
    open_consultation, officer_a, make_participant
):
    first, second, _third = _three_opinions(open_consultation, make_participant)
    close_now(open_consultation, officer_a)
    services.answer_set(
        consultation=open_consultation, opinions=[first], by=officer_a, decision=Decision.ADOPTED, reason="a"
    )
    merged = services.answer_set(
        consultation=open_consultation,
        opinions=[first, second],
        by=officer_a,
        decision=Decision.PARTLY_ADOPTED,
        reason="Trees and benches together",
        topic="Park furniture",
    )
    assert set(merged.opinions.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert open_consultation.answers.count() == 1


def test_answers_wait_for_closing_and_moderated_opinions_need_none(
    open_consultation, officer_a, make_participant
):
    first, second, third = _three_opinions(open_consultation, make_participant)
    with pytest.raises(DomainError):
        services.answer_set(
            consultation=open_consultation,
            opinions=[first],
            by=officer_a,
            decision=Decision.ADOPTED,
            reason="a",
        )
    services.opinion_moderate(opinion=third, by=officer_a, verdict=ModerationVerdict.HIDE, reason="Spam")
    close_now(open_consultation, officer_a)
    third.refresh_from_db()
    with pytest.raises(DomainError):
        services.answer_set(
            consultation=open_consultation,
            opinions=[third],
            by=officer_a,
            decision=Decision.ADOPTED,
            reason="a",
        )
    services.answer_set(
        consultation=open_consultation,
        opinions=[first, second],
        by=officer_a,
        decision=Decision.OUT_OF_SCOPE,
        reason="b",
    )
    assert (
        services.report_publish(consultation=open_consultation, by=officer_a, decision="d").status
        == "answered"
    )


def test_overdue_answers_are_escalated_once(open_consultation, officer_a, make_participant):
    _three_opinions(open_consultation, make_participant)
    close_now(open_consultation, officer_a)
    open_consultation.refresh_from_db()
    after = open_consultation.answer_due_at + timedelta(hours=1)
    assert services.answers_escalate_overdue(now=open_consultation.answer_due_at - timedelta(hours=1)) == 0
    assert services.answers_escalate_overdue(now=after) == 1
    assert services.answers_escalate_overdue(now=after) == 0
    escalation = Escalation.objects.get()
    assert escalation.unanswered == 3 and escalation.unit == open_consultation.unit
    assert AuditEvent.objects.filter(action="consultation.answers_overdue").count() == 1


def test_the_worker_recomputes_groups_only_after_new_votes(open_consultation, make_participant):
    statements = list(open_consultation.statements.all())
    for i in range(6):
        p = make_participant(open_consultation)
        for statement in statements:
            services.vote_cast(statement=statement, participant=p, stance=1 if i % 2 else -1)
    assert services.groups_recompute_stale() == 1
    assert services.groups_recompute_stale() == 0
    result = open_consultation.group_results.get()
    assert result.participant_count == 6 and result.group_count == 2
    assert result.vote_count == 12


def test_followers_are_told_of_changes_closing_and_the_report(
    open_consultation, officer_a, citizen, make_participant, mailoutbox, django_capture_on_commit_callbacks
):
    citizen.email = "resident@example.org"
    citizen.save()
    services.consultation_follow(consultation=open_consultation, user=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_update(consultation=open_consultation, by=officer_a, summary="Revised summary")
    with django_capture_on_commit_callbacks(execute=True):
        close_now(open_consultation, officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(consultation=open_consultation, by=officer_a, decision="Adopted")
    assert [m.to for m in mailoutbox] == [["resident@example.org"]] * 3
    assert "Riverside park renovation" in mailoutbox[-1].subject


def test_anonymous_visitors_cannot_follow(open_consultation):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as refused:
        services.consultation_follow(consultation=open_consultation, user=AnonymousUser())
    assert refused.value.code == "sign_in"
