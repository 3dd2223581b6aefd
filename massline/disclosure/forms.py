"""Forms of the disclosure pages: they parse input; the rules (what is required, when) live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from massline.cases.choices import AccountabilityDecision, CaseType
from massline.org.models import Unit

from .choices import AnswerType, ApplicantKind, DeliveryForm, LegalGround, Remedy

LOCAL_INPUT = {"type": "datetime-local"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _when_field(label=None):
    return forms.DateTimeField(
        label=label or _("When it happened (leave empty for now)"),
        required=False,
        widget=forms.DateTimeInput(attrs=LOCAL_INPUT, format=LOCAL_FORMAT),
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
    )


class RequestForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Agency asked"), queryset=Unit.objects.filter(is_active=True).order_by("path"), required=False
    )
    description = forms.CharField(
        label=_("Information you are asking for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the document or information as precisely as you can: title, number, period."),
    )
    delivery = forms.ChoiceField(label=_("Form you want it in"), choices=DeliveryForm.choices)
    applicant_kind = forms.ChoiceField(label=_("You apply as"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Name (or organisation's name)"), required=False, max_length=100)
    id_document = forms.CharField(
        label=_("Identity document number (or organisation code)"), required=False, max_length=40
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=300)


class StaffRequestForm(RequestForm):
    received_at = _when_field(_("Received on (a letter or a visit; empty for now)"))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)


class CorrectForm(forms.Form):
    text = forms.CharField(
        label=_("Your corrected request"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class StaffCorrectForm(CorrectForm):
    at = _when_field(_("Corrected request received on (empty for now)"))


class ClarifyForm(forms.Form):
    note = forms.CharField(
        label=_("What the applicant must clarify or complete"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    at = _when_field()


class ConsultForm(forms.Form):
    third_party = forms.CharField(label=_("Third party consulted"), required=False, max_length=200)
    at = _when_field()


class ConsultEndForm(forms.Form):
    view = forms.CharField(
        label=_("The third party's view"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    at = _when_field()


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    at = _when_field(_("Approved on (empty for now)"))
    told_at = _when_field(_("Applicant told on (empty: when approved)"))


class AnswerForm(forms.Form):
    answer_type = forms.ChoiceField(
        label=_("Kind of answer"), choices=[("", "—"), *AnswerType.choices], required=False
    )
    text = forms.CharField(
        label=_("Answer to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    where_public = forms.CharField(label=_("Where it is already public"), required=False, max_length=500)
    legal_ground = forms.ChoiceField(
        label=_("Legal ground"), choices=[("", "—"), *LegalGround.choices], required=False
    )
    other_agency = forms.ModelChoiceField(
        label=_("Agency that holds it"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        required=False,
    )
    earlier_request = forms.CharField(
        label=_("Tracking code of the earlier request"), required=False, max_length=16
    )
    demand_type = forms.ChoiceField(
        label=_("Kind of demand (when not a disclosure request)"),
        choices=CaseType.choices,
        initial=CaseType.CONSULTATION,
    )
    pages = forms.IntegerField(label=_("Pages provided"), required=False, min_value=0)
    document = forms.FileField(label=_("Document sent"), required=False)
    at = _when_field(_("Answered on (empty for now)"))


class WithholdForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for keeping it off the register"), required=False, max_length=500
    )


class AccountabilityForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", "—")]
        + [c for c in AccountabilityDecision.choices if c[0] != AccountabilityDecision.PENDING],
        required=False,
    )
    note = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnsatisfiedForm(forms.Form):
    note = forms.CharField(
        label=_("Why the answer does not satisfy you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remedy = forms.ChoiceField(label=_("Remedy you are seeking"), choices=Remedy.choices)


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Agency"), queryset=Unit.objects.filter(is_active=True).order_by("path"), required=False
    )
    answer_type = forms.ChoiceField(
        label=_("Answer"), choices=[("", "—"), *AnswerType.choices], required=False
    )
