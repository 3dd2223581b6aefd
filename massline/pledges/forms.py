"""Forms of the pledges pages: they parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import (
    CYCLE,
    BallotKind,
    Decider,
    Feasibility,
    NominatorKind,
    OverrideAction,
    Phase,
    ProjectStatus,
    Satisfaction,
    Theme,
    WinnerMethod,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=14, decimal_places=2)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decider = forms.ChoiceField(
        label=_("Who picks the winners"), choices=Decider.choices, initial=Decider.PUBLIC
    )
    public_vote = forms.BooleanField(label=_("A public vote is held"), required=False, initial=True)
    ballot_kind = forms.ChoiceField(label=_("Public ballot"), choices=BallotKind.choices)
    max_choices = forms.IntegerField(label=_("Votes per resident (0: no limit)"), min_value=0, initial=10)
    method = forms.ChoiceField(label=_("Method picking the winners"), choices=WinnerMethod.choices)
    verified_only = forms.BooleanField(
        label=_("Only verified residents nominate and vote"), required=False, initial=True
    )

    def __init__(self, *args, units=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ModelChoiceField(label=_("Organising unit"), queryset=units)
        self.fields["region"] = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=regions)
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self.order_fields(["title", "year", "unit", "region", "budget"])
        for phase in CYCLE:
            label = Phase(phase).label
            self.fields[f"{phase}_start"] = forms.DateField(
                label=_("%(phase)s: starts") % {"phase": label}, widget=DATE
            )
            self.fields[f"{phase}_end"] = forms.DateField(
                label=_("%(phase)s: ends") % {"phase": label}, widget=DATE
            )

    def windows(self):
        return {p: (self.cleaned_data[f"{p}_start"], self.cleaned_data[f"{p}_end"]) for p in CYCLE}


class NominationForm(forms.Form):
    # The theme is checked by the service, so that a missing theme gets its own translated refusal.
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("Choose a theme"))] + Theme.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Project in a few words"), max_length=200)
    description = forms.CharField(
        label=_("What should be done, and where"), widget=forms.Textarea(attrs={"rows": 4})
    )


class StaffNominationForm(NominationForm):
    kind = forms.ChoiceField(
        label=_("Nominated by"), choices=[c for c in NominatorKind.choices if c[0] != NominatorKind.CITIZEN]
    )
    deputy_name = forms.CharField(
        label=_("Deputy's name (for a deputy's nomination)"), required=False, max_length=100
    )


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Screening decision"),
        choices=[("accept", _("Accept as a candidate")), ("reject", _("Reject with a reason"))],
    )
    feasibility = forms.ChoiceField(
        label=_("Feasibility"), choices=[("", "—")] + Feasibility.choices, required=False
    )
    cost = forms.DecimalField(
        label=_("Cost estimate (yuan)"), required=False, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Screening note"), required=False)
    reason = forms.CharField(
        label=_("Reason for rejecting it (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"] = forms.ModelChoiceField(
            label=_("Owner unit"), queryset=units, required=False
        )
        self.order_fields(["decision", "feasibility", "cost", "owner_unit", "note", "reason"])


class DeputySessionForm(forms.Form):
    held_on = forms.DateField(label=_("Session held on"), widget=DATE)
    present = forms.IntegerField(label=_("Deputies present"), min_value=1)
    record = forms.CharField(label=_("The session's record"), widget=forms.Textarea(attrs={"rows": 3}))


class PaperBallotForm(forms.Form):
    copies = forms.IntegerField(label=_("Identical paper ballots"), min_value=1, initial=1)
    note = forms.CharField(label=_("Polling station or batch"), required=False, max_length=200)


class OverrideForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("pledges", "Override"), choices=OverrideAction.choices)
    reason = forms.CharField(
        label=_("Reason for the override (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in ProjectStatus.choices if c[0] != ProjectStatus.CARRIED_OVER]
    )
    progress = forms.IntegerField(label=_("Progress % (empty: the status's default)"), required=False)
    spent = forms.DecimalField(
        label=_("Spent so far (yuan)"), required=False, max_digits=14, decimal_places=2
    )
    photo = forms.ImageField(label=_("Photo"), required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class PartForm(forms.Form):
    title = forms.CharField(label=_("Part of the project"), max_length=200)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=14, decimal_places=2)
    weight = forms.DecimalField(
        label=_("Weight in the project's progress"), initial=1, max_digits=6, decimal_places=2
    )


class CarryForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is carried into next year (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    tracking_code = forms.CharField(
        label=_("Tracking code (if you are not signed in)"), required=False, max_length=16
    )
