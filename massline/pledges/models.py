"""The year's practical projects (民生实事项目): the programme and its phases, nominations and their
screening, the deputies' and the public vote, the chosen projects with milestones, updates and ratings."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import conf
from .choices import (
    BallotKind,
    Decider,
    EscalationLevel,
    Feasibility,
    NominationStatus,
    NominatorKind,
    OverrideAction,
    Phase,
    ProjectStatus,
    Satisfaction,
    Theme,
    WinnerMethod,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Programme(models.Model):
    """One jurisdiction's programme of practical projects for one year."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="pledge_programmes",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="pledge_programmes",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    verified_only = models.BooleanField(
        _("only verified residents nominate and vote"),
        default=True,
        help_text=_("Residence verified at a service counter, as for consultations."),
    )
    decider = models.CharField(_("who picks the winners"), max_length=20, choices=Decider.choices)
    public_vote = models.BooleanField(_("a public vote is held"), default=True)
    ballot_kind = models.CharField(
        _("public ballot"), max_length=20, choices=BallotKind.choices, default=BallotKind.APPROVAL
    )
    max_choices = models.PositiveSmallIntegerField(_("votes per resident (0: no limit)"), default=10)
    method = models.CharField(
        _("method picking the winners"),
        max_length=20,
        choices=WinnerMethod.choices,
        default=WinnerMethod.GREEDY,
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    # Why the calendar could not open the next phase (a DomainError's code), so the worker records it once.
    held = models.CharField(_("next phase held by"), max_length=40, blank=True)
    # The count and the winners as published (services.results_compute), frozen at publication.
    result = models.JSONField(_("published result"), default=dict, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous year's programme"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "region__path"]
        verbose_name = _("programme of practical projects")
        verbose_name_plural = _("programmes of practical projects")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="pledge_programme_once")]

    def __str__(self):
        return self.title

    def window(self, phase):
        return next((w for w in self.windows.all() if w.phase == phase), None)


class PhaseWindow(models.Model):
    """The dates of one phase; opened and closed by the calendar (the worker) or early by an official."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="windows")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    opened_at = models.DateTimeField(pgettext_lazy("pledges", "opened"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("pledges", "closed"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [models.UniqueConstraint(fields=["programme", "phase"], name="pledge_phase_once")]

    def __str__(self):
        return f"{self.get_phase_display()} {self.starts_on}–{self.ends_on}"


class Nomination(models.Model):
    """A proposed practical project; screened into a candidate or rejected with a published reason."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="nominations")
    number = models.PositiveIntegerField(_("number"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what should be done, and where"))
    status = models.CharField(
        _("status"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    feasibility = models.CharField(_("feasibility"), max_length=20, choices=Feasibility.choices, blank=True)
    cost = models.DecimalField(
        _("cost estimate (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledge_nominations",
    )
    screening_note = models.TextField(_("screening note"), blank=True)
    rejection_reason = models.TextField(_("reason it was not taken up"), blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    deputy_votes = models.PositiveIntegerField(_("deputies in favour"), null=True, blank=True)
    deputy_against = models.PositiveIntegerField(_("deputies against"), null=True, blank=True)
    deputy_abstain = models.PositiveIntegerField(_("deputies abstaining"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="pledge_nomination_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Nominator(models.Model):
    """Who nominated: kept when nominations are merged, so every nominator is still named (as a count)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="nominators")
    kind = models.CharField(_("nominated by"), max_length=20, choices=NominatorKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A people's deputy is named (a public office); a citizen never is.
    deputy_name = models.CharField(_("deputy's name"), max_length=100, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, default=new_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.nomination_id}"


class DeputySession(models.Model):
    """The people's congress session that voted on the candidates (人大代表票决), entered by its office."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="deputy_session")
    held_on = models.DateField(_("held on"))
    deputies_present = models.PositiveIntegerField(_("deputies present"))
    record = models.TextField(_("the session's record"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.programme_id} @ {self.held_on}"


class Ballot(models.Model):
    """One public ballot: online by a resident, or `copies` identical paper ballots entered by an official."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paper = models.BooleanField(_("paper ballot"), default=False)
    copies = models.PositiveIntegerField(_("identical ballots"), default=1)
    note = models.CharField(_("note (polling station, batch)"), max_length=200, blank=True)
    choices = models.ManyToManyField(Nomination, related_name="ballots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], condition=Q(user__isnull=False), name="pledge_ballot_once"
            )
        ]

    def __str__(self):
        return f"{self.programme_id}: {self.copies}"


class Override(models.Model):
    """An official's audited decision to include or exclude a candidate against the count, with a reason."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="overrides")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="overrides")
    action = models.CharField(_("decision"), max_length=20, choices=OverrideAction.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["nomination"], name="pledge_override_once")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.nomination_id}"


class Project(models.Model):
    """A chosen practical project in delivery; a parent's progress is its children's, weighted."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="project"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("part of"),
    )
    weight = models.DecimalField(
        _("weight in the parent's progress"), max_digits=6, decimal_places=2, default=1
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=200)
    promise = models.TextField(_("the promise"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("spent so far (yuan)"), max_digits=14, decimal_places=2, default=0)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="pledge_projects"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED
    )
    # Set explicitly by an update; empty means the status's default progress.
    progress_set = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    carry_reason = models.TextField(_("why it is carried into next year"), blank=True)
    carried_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_from",
        verbose_name=_("continued as"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("practical project")
        verbose_name_plural = _("practical projects")

    def __str__(self):
        return self.title

    def own_progress(self):
        if self.progress_set is not None:
            return self.progress_set
        return conf.status_progress(self.status)


class Milestone(models.Model):
    """A dated step of a project, due at the end of a working day; its clock warns and escalates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    clock = models.ForeignKey("deadlines.Clock", null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("became overdue"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class Update(models.Model):
    """A dated public update of a project (Decidim's timeline entry), with an optional photo."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"))
    photo = models.ImageField(_("photo"), upload_to="pledges/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text[:60]


class Follower(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="pledge_follow_once")]

    def __str__(self):
        return f"{self.user_id} → {self.project_id}"


class Rating(models.Model):
    """The people's year-end satisfaction with one project: one per verified resident or tracking code."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ratings")
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tracking_code = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], condition=Q(user__isnull=False), name="pledge_rating_user_once"
            ),
            models.UniqueConstraint(
                fields=["project", "tracking_code"],
                condition=~Q(tracking_code=""),
                name="pledge_rating_code_once",
            ),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.satisfaction}"


class Escalation(models.Model):
    """A milestone warned or overdue (督办), naming the owner unit; the supervisors are told."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="escalations")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=20, choices=EscalationLevel.choices)
    due_at = models.DateTimeField(_("was due"))
    created_at = models.DateTimeField(_("escalated"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["milestone", "level"], name="pledge_escalation_once")]

    def __str__(self):
        return f"{self.milestone_id} {self.level}"
