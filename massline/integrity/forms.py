"""Forms of the integrity pages: they parse input; every rule lives in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.org.models import Unit

from .choices import Sanction, TipStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PowMixin(forms.Form):
    pow_challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_solution = forms.CharField(widget=forms.HiddenInput, required=False)


class TipForm(PowMixin):
    unit = forms.ModelChoiceField(
        label=_("Unit concerned"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        empty_label=None,
    )
    official = forms.CharField(label=_("Official's name (if you know it)"), max_length=200, required=False)
    position = forms.CharField(label=_("Their post"), max_length=200, required=False)
    what = forms.CharField(
        label=pgettext_lazy("integrity", "What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    when = forms.CharField(label=_("When"), max_length=200, required=False)
    where = forms.CharField(label=_("Where"), max_length=300, required=False)
    files = MultipleFileField(label=_("Evidence (JPEG, PNG or PDF)"), required=False)
    identify = forms.BooleanField(label=_("I want to give my identity (sealed separately)"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Your e-mail"), required=False)
    id_number = forms.CharField(label=_("Your ID number"), max_length=40, required=False)


class ReceiptForm(PowMixin):
    receipt = forms.CharField(
        label=_("Receipt code (16 digits)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReporterReplyForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ReporterEvidenceForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    files = MultipleFileField(label=_("More evidence (JPEG, PNG or PDF)"), required=False)


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)


class KeySetupForm(PasswordForm):
    home_unit = forms.ModelChoiceField(
        label=_("Unit you are stationed in (you will not read tip-offs about it)"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        required=False,
    )


class RecoverForm(PasswordForm):
    recovery_key = forms.CharField(label=_("Recovery key"), max_length=100)


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the reporter"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (TipStatus.PRELIMINARY, TipStatus.PRELIMINARY.label),
            (TipStatus.CASE_OPENED, TipStatus.CASE_OPENED.label),
        ],
    )


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Substantiated: case concluded")), ("0", _("Not substantiated"))],
        coerce=lambda v: v == "1",
    )
    sanction = forms.ChoiceField(label=_("Sanction"), choices=Sanction.choices)
    official = forms.ModelChoiceField(
        label=_("Official sanctioned (platform account)"), queryset=None, required=False
    )
    record_note = forms.CharField(
        label=_("Decision for the accountability record"), max_length=1000, required=False
    )
    final_answer = forms.CharField(
        label=_("Final answer to the reporter"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials


class RevealRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why the identity is needed"), max_length=1000, required=False)


class RevealDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
