"""Forms of the staff workbench: they parse what an official typed; the services decide what it means."""

from django import forms
from django.utils.translation import gettext_lazy as _

from massline.deadlines.choices import PauseReason
from massline.org.choices import UnitKind
from massline.org.models import Unit

from .choices import (
    AccountabilityDecision,
    CaseStatus,
    ExclusionCategory,
    ReturnReason,
    Satisfaction,
    Urgency,
)
from .models import Case, Category

NOTE_ROWS = 3


def handling_units():
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.CENTRE).order_by("path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


def _note(label=None, required=True, help_text=""):
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        max_length=1000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": NOTE_ROWS}),
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open"))] + CaseStatus.choices
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any"))] + Urgency.choices
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    unit = forms.ChoiceField(label=_("Lead unit"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any"))] + [
            (c.code, f"{'— ' * max(c.depth, 0)}{c.label}")
            for c in Category.objects.filter(is_active=True, path__regex=r"^/[^/]+/([^/]+/)?$").only(
                "code", "path", "name", "name_en"
            )
        ]
        self.fields["unit"].choices = [("", _("Any"))] + [(u.code, u.label) for u in handling_units()]


class DispatchForm(forms.Form):
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    co_units = UnitMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = _note(_("Note for the units"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = handling_units()
        self.fields["co_units"].queryset = handling_units()


class ArbitrateForm(DispatchForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("redispatch", _("Re-dispatch to another unit")),
            ("force", _("Force the assignment on the unit that returned it")),
        ],
        widget=forms.RadioSelect,
    )
    note = _note(_("Reason for the decision"))

    field_order = ["decision", "lead_unit", "co_units", "note"]


class TransferForm(forms.Form):
    to_unit = UnitChoiceField(label=_("New lead unit"), queryset=Unit.objects.none())
    note = _note(_("Reason for the transfer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = handling_units()


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—")] + ReturnReason.choices)
    note = _note(_("Explanation for the centre"))


class NoteForm(forms.Form):
    note = _note()


class ContactForm(forms.Form):
    note = _note(_("What was said with the citizen"))


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PauseReason.choices)
    note = _note(_("What the unit is waiting for"))


class ExtensionRequestForm(forms.Form):
    amount = forms.DecimalField(label=_("Extra time"), min_value=0.01, max_digits=6, decimal_places=2)
    reason = _note(_("Why more time is needed"))


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _note(_("Note for the unit"), required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the citizen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )


class CoReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your unit's part"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RateForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Was the problem resolved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=[(k, v) for k, v in Satisfaction.choices if k != Satisfaction.NOT_RATED],
        widget=forms.RadioSelect,
    )
    comment = _note(_("Comment"), required=False)


class TrackingCodeField(forms.CharField):
    def clean(self, value):
        return super().clean(value).strip().upper()


class LinkForm(forms.Form):
    original = TrackingCodeField(label=_("Tracking code of the earlier demand"), max_length=16)
    note = _note(required=False)

    def clean_original(self):
        code = self.cleaned_data["original"]
        case = Case.objects.filter(tracking_code=code).first()
        if case is None:
            raise forms.ValidationError(_("No demand has the tracking code %(code)s."), params={"code": code})
        return case


class MergeForm(forms.Form):
    members = forms.CharField(
        label=_("Tracking codes of the new demands to merge"),
        max_length=500,
        help_text=_("Separate them with spaces or commas."),
    )
    note = _note(required=False)

    def clean_members(self):
        codes = [
            c.strip().upper() for c in self.cleaned_data["members"].replace(",", " ").split() if c.strip()
        ]
        found = {c.tracking_code: c for c in Case.objects.filter(tracking_code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("No demand has the tracking code %(codes)s."), params={"codes": ", ".join(missing)}
            )
        return [found[c] for c in codes]


class ExclusionRequestForm(forms.Form):
    category = forms.ChoiceField(label=_("Exclusion category"), choices=ExclusionCategory.choices)
    reason = _note(_("Why this demand should not count in appraisal"))


class ExclusionDecideForm(ExtensionDecideForm):
    note = _note(_("Reason for the decision"))


class AccountabilityDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(k, v) for k, v in AccountabilityDecision.choices if k != AccountabilityDecision.PENDING],
    )
    note = _note(_("Reason for the decision"))
