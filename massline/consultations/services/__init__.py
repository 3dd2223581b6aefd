"""Every write of the consultations app: keyword-only, one transaction each, one audit event each.

A refusal raises DomainError with a translated message that says what to do instead. The functions live
in modules by noun; this package exports them all, so callers write `services.opinion_submit(...)`.
"""

from .answers import (
    answer_draft_bulk,
    answer_set,
    answer_template_create,
    report_publish,
)
from .consultations import (
    attachment_add,
    consultation_close,
    consultation_create,
    consultation_follow,
    consultation_publish,
    consultation_update,
    participant_get_or_create,
    section_add,
)
from .groups import (
    groups_compute,
    vote_matrix,
)
from .opinions import (
    opinion_flag,
    opinion_like,
    opinion_moderate,
    opinion_submit,
    reply_post,
)
from .votes import (
    poll_answer,
    poll_create,
    statement_add,
    statement_moderate,
    vote_cast,
)
from .worker import (
    answers_escalate_overdue,
    consultations_close_due,
    groups_recompute_stale,
    worker_round,
)

__all__ = [
    "attachment_add",
    "answer_draft_bulk",
    "answer_set",
    "answer_template_create",
    "answers_escalate_overdue",
    "consultation_close",
    "consultation_create",
    "consultation_follow",
    "consultation_publish",
    "consultation_update",
    "consultations_close_due",
    "groups_compute",
    "groups_recompute_stale",
    "opinion_flag",
    "opinion_like",
    "opinion_moderate",
    "opinion_submit",
    "participant_get_or_create",
    "poll_answer",
    "poll_create",
    "reply_post",
    "report_publish",
    "section_add",
    "statement_add",
    "statement_moderate",
    "vote_cast",
    "vote_matrix",
    "worker_round",
]
