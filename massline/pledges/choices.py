"""Enumerations of the pledges app, each with a translated label: the only place a status is defined."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Phase(models.TextChoices):
    """The year's cycle in order (征集 → 筛选 → 票决 → 实施 → 评估); DRAFT before, CLOSED after."""

    DRAFT = "draft", pgettext_lazy("pledges", "Being prepared")
    NOMINATION = "nomination", _("Nomination")
    SCREENING = "screening", _("Screening")
    VOTE = "vote", pgettext_lazy("pledges", "Vote")
    DELIVERY = "delivery", _("Delivery")
    RATING = "rating", _("Year-end rating")
    CLOSED = "closed", pgettext_lazy("pledges", "Closed")


# The phases that have dates, in the order they follow each other.
CYCLE = [Phase.NOMINATION, Phase.SCREENING, Phase.VOTE, Phase.DELIVERY, Phase.RATING]


class Theme(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    PENSION = "pension", _("Pension and old-age care")
    SCHOOLING = "schooling", _("Schooling")
    MEDICAL = "medical", _("Medical treatment")
    HOUSING = "housing", _("Housing")
    WATER = "water", _("Drinking water")
    OTHER = "other", _("Other")


class NominatorKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OFFICIAL = "official", _("Official")
    DEPUTY = "deputy", _("People's deputy")


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for screening")
    CANDIDATE = "candidate", _("Candidate: put to the vote")
    REJECTED = "rejected", _("Not taken up")
    MERGED = "merged", _("Merged into a similar nomination")


class Feasibility(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible this year")
    PARTLY = "partly", _("Feasible in part")
    NOT_FEASIBLE = "not_feasible", _("Not feasible this year")


class Decider(models.TextChoices):
    """Whose vote picks the winners; the other vote, when held, is published beside it."""

    DEPUTIES = "deputies", _("The people's deputies (票决)")
    PUBLIC = "public", _("The public vote")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: tick the projects you support (up to a limit)")
    BUDGET = "budget", _("Budget: choose projects whose costs fit in the year's budget")


class WinnerMethod(models.TextChoices):
    GREEDY = "greedy", _("By votes while money remains")
    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares")


class OverrideAction(models.TextChoices):
    INCLUDE = "include", _("Chosen despite the count")
    EXCLUDE = "exclude", _("Not chosen despite the count")


class ProjectStatus(models.TextChoices):
    """Delivery status; each has a default progress (conf.status_progress) as in Decidim's results."""

    NOT_STARTED = "not_started", _("Not started")
    PREPARING = "preparing", _("Preparing (design, tender)")
    UNDER_WAY = "under_way", _("Under way")
    ACCEPTANCE = "acceptance", _("Being checked and accepted")
    DONE = "done", _("Done")
    CARRIED_OVER = "carried_over", _("Unfinished: carried into next year")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", pgettext_lazy("pledges", "Unsatisfied")


class EscalationLevel(models.TextChoices):
    """The rungs a milestone climbs, as demands climb theirs (督办): warned before its due time, then once
    overdue a reminder to the owner unit, a warning to its head, the listing for the supervisors."""

    WARNING = "warning", _("Warning: due soon")
    OVERDUE = "overdue", _("Overdue: reminder to the owner unit")
    HEAD = "head", _("Overdue: the unit head warned")
    LISTED = "listed", _("Listed for the supervisors")
