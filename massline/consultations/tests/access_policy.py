"""Consultations: the public pages of a published consultation for everyone; the workbench by scope
(unit A's managers act, readers whose scope covers unit A only read, unit B's officer gets 404)."""

from massline.lib.access_policy import EVERYONE, Rule
from massline.lib.testing import sample_pdf

MANAGERS = frozenset({"officer_a", "unit_head_a", "admin_user"})
OFFICIAL_LIST = frozenset(
    {"officer_a", "officer_b", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
)


def _public(kwargs="consultation", method="GET"):
    return Rule(EVERYONE, method=method, kwargs=kwargs)


def _manage(kwargs="consultation"):
    return Rule(MANAGERS, method="POST", kwargs=kwargs)


RULES = {
    "consultations:list": Rule(EVERYONE),
    "consultations:detail": _public(),
    "consultations:opinion_submit": _public(method="POST"),
    "consultations:vote": _public(method="POST"),
    "consultations:statement_propose": _public(method="POST"),
    "consultations:follow": _public(method="POST"),
    "consultations:groups": _public(),
    "consultations:attachment": _public("attachment"),
    # The adoption report is public once published: before that, 404 for everyone.
    "consultations:report": Rule(frozenset(), kwargs="consultation"),
    "consultations:report_pdf": Rule(frozenset(), kwargs="consultation"),
    "consultations:report_xlsx": Rule(frozenset(), kwargs="consultation"),
    "consultations:opinion_like": _public("opinion", method="POST"),
    "consultations:opinion_flag": _public("opinion", method="POST"),
    "consultations:poll_answer": _public("poll", method="POST"),
    "consultations_staff:list": Rule(OFFICIAL_LIST),
    "consultations_staff:create": Rule(frozenset({"officer_a", "officer_b", "unit_head_a", "admin_user"})),
    "consultations_staff:detail": Rule(MANAGERS | {"supervisor", "inspector"}, kwargs="consultation"),
    "consultations_staff:answers": Rule(MANAGERS, kwargs="consultation"),
    "consultations_staff:publish": _manage(),
    "consultations_staff:close": _manage(),
    "consultations_staff:section_add": _manage(),
    "consultations_staff:attachment_add": _manage(),
    "consultations_staff:statement_add": _manage(),
    "consultations_staff:statement_moderate": _manage("statement"),
    "consultations_staff:poll_add": _manage(),
    "consultations_staff:opinion_moderate": _manage("opinion_staff"),
    "consultations_staff:reply": _manage("opinion_staff"),
    "consultations_staff:groups_compute": _manage(),
    "consultations_staff:answer": _manage(),
    "consultations_staff:answer_bulk": _manage(),
    "consultations_staff:template_add": _manage(),
    "consultations_staff:report_publish": _manage(),
}


def samples(world):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from massline.consultations import services
    from massline.consultations.choices import PollKind

    officer_a = world.users["officer_a"]
    draft = services.consultation_create(
        by=officer_a,
        unit=world.org.unit_a,
        title="Riverside park renovation",
        summary="Draft plan for the riverside park.",
        sections=[("Trees", "Keep the old camphor trees.")],
    )
    statement = services.statement_add(consultation=draft, by=officer_a, text="The park needs more benches.")
    section = draft.sections.first()
    poll = services.poll_create(
        section=section, by=officer_a, question="Benches?", kind=PollKind.values[0], options=["Yes", "No"]
    )
    attachment = services.attachment_add(
        consultation=draft, by=officer_a, title="Plan", file=SimpleUploadedFile("plan.pdf", sample_pdf())
    )
    now = timezone.now()
    consultation = services.consultation_publish(
        consultation=draft,
        by=officer_a,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=31),
    )
    participant = services.participant_get_or_create(consultation=consultation, anonymous_key="matrix")
    opinion = services.opinion_submit(
        consultation=consultation, participant=participant, body="Keep the trees"
    )
    return {
        "consultation": {"pk": consultation.pk},
        "attachment": {"pk": consultation.pk, "attachment_id": attachment.pk},
        "statement": {"pk": consultation.pk, "statement_id": statement.pk},
        "opinion": {"opinion_id": opinion.pk},
        "opinion_staff": {"pk": consultation.pk, "opinion_id": opinion.pk},
        "poll": {"poll_id": poll.pk},
    }
