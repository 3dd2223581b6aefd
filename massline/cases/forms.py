"""Forms of intake: the citizen's public form and the operator's phone and walk-in form.

They only parse; the rules (lengths, phone shape, coordinates, attachments) live in services/intake.py,
whose refusals the views put back on the field they name.
"""

import re
import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .choices import CaseType, Channel, DataRequestKind, DataRequestRefusal, Satisfaction, Urgency
from .models import Category
from .services.intake import ADDRESS_MAX, DESCRIPTION_MAX, NAME_MAX, TITLE_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the service checks count, size and kind."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.mp3,.m4a"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def category_choices():
    """The top two levels of the tree, as <optgroup>s of first-level categories with their children."""
    nodes = [
        c
        for c in Category.objects.filter(is_active=True).only(
            "pk", "code", "name", "name_en", "path", "parent"
        )
    ]
    tops = [c for c in nodes if c.depth == 0]
    children = {}
    for node in nodes:
        if node.depth == 1:
            children.setdefault(node.parent_id, []).append(node)
    choices = [("", _("— Not sure (the centre will classify it) —"))]
    for top in tops:
        options = [(top.code, _("%(name)s (general)") % {"name": top.label})]
        options += [(child.code, child.label) for child in children.get(top.pk, [])]
        choices.append((top.label, options))
    return choices


class CaseForm(forms.Form):
    type = forms.ChoiceField(label=_("What kind of demand is it?"), choices=CaseType.choices)
    category = forms.ChoiceField(label=_("Topic"), required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("One line, e.g. “Street light broken at the school gate”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where and since when; what you would like done."),
    )
    address = forms.CharField(
        label=_("Place"),
        max_length=ADDRESS_MAX,
        required=False,
        help_text=_("Street, village or landmark. Public pages never show house numbers."),
    )
    # Typed, or filled by the map picker (web/maps.js finds them by their data-map-* attributes); without
    # JavaScript they stay plain optional inputs. intake.py checks the ranges.
    lat = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=20,
        help_text=_("Decimal degrees, e.g. 28.2012 (north positive)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-map-lat": ""}),
    )
    lon = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=20,
        help_text=_("Decimal degrees, e.g. 112.9534 (east positive)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-map-lon": ""}),
    )
    citizen_name = forms.CharField(label=_("Your name"), max_length=NAME_MAX, required=False)
    citizen_phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    citizen_email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    is_public = forms.BooleanField(
        label=_("Others may read my demand on the public list (without my name or contact details)"),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Photos, documents or recordings"),
        required=False,
        help_text=_("Up to 5 files of at most 10 MB each: JPEG, PNG, PDF, MP3 or M4A."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        if not self.is_bound:
            # A fresh key per rendering: a double click or a retried POST of this form creates one demand.
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_category(self):
        code = self.cleaned_data.get("category")
        if not code:
            return None
        category = Category.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise forms.ValidationError(_("Choose a topic from the list."))
        return category

    # Each channel's keys live in their own namespace, so a key typed into one form can never match a
    # demand submitted through another (say, an API client's "1") and reveal its tracking code.
    key_prefix = "web:"

    def clean_idempotency_key(self):
        key = self.cleaned_data.get("idempotency_key", "")
        # Only keys this form generated (uuid4 hex); anything else submits without idempotency.
        return key if re.fullmatch(r"[0-9a-f]{32}", key or "") else ""

    def submission_key(self):
        key = (
            self.cleaned_data.get("idempotency_key")
            if self.is_bound and hasattr(self, "cleaned_data")
            else ""
        )
        return f"{self.key_prefix}{key}" if key else None

    def submit_kwargs(self):
        """The cleaned data as keyword arguments of case_submit."""
        data = dict(self.cleaned_data)
        data["attachments"] = data.get("attachments") or []
        data["idempotency_key"] = self.submission_key()
        return data


class PublicCaseForm(CaseForm):
    """The citizen's form: contact details are optional (anonymous demands are welcome)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen_phone"].help_text = _(
            "Optional. We send your tracking code and the answer by text message."
        )
        self.fields["citizen_email"].help_text = _(
            "Optional. We send your tracking code and the answer by e-mail."
        )


OPERATOR_CHANNELS = [
    (value, label)
    for value, label in Channel.choices
    if value in {Channel.PHONE, Channel.WALK_IN, Channel.LETTER, Channel.VISIT}
]


class IntakeForm(CaseForm):
    """The operator's form, in the order a call goes: who calls, what about, where, how urgent."""

    key_prefix = "desk:"

    field_order = [
        "citizen_phone",
        "citizen_name",
        "channel",
        "type",
        "category",
        "urgency",
        "title",
        "description",
        "address",
        "lat",
        "lon",
        "citizen_email",
        "is_public",
        "attachments",
        "idempotency_key",
    ]
    channel = forms.ChoiceField(label=_("Channel"), choices=OPERATOR_CHANNELS, initial=Channel.PHONE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen_name"].label = _("Caller's name")
        self.fields["citizen_phone"].label = _("Caller's phone")
        self.fields["is_public"].label = _("The caller allows publication")
        self.fields["type"].initial = CaseType.CONSULTATION
        accesskeys = {"citizen_phone": "p", "type": "t", "title": "s", "description": "d", "address": "a"}
        for name, key in accesskeys.items():
            self.fields[name].widget.attrs["accesskey"] = key
        self.fields["citizen_phone"].widget.attrs.update(
            {
                "autofocus": True,
                "hx-get": reverse_lazy("cases_intake:caller"),
                "hx-trigger": "change, input changed delay:600ms",
                "hx-target": "#caller-history",
            }
        )
        # The knowledge base searches as the operator types what the caller asks.
        for name in ("title", "description"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("cases_intake:knowledge"),
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#kb-results",
                    "hx-include": "[name=title],[name=description]",
                }
            )


class RatingForm(forms.Form):
    """The citizen's return-visit answer (回访) on the tracking page."""

    resolved = forms.TypedChoiceField(
        label=_("Was your problem resolved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=[
            (Satisfaction.SATISFIED, Satisfaction.SATISFIED.label),
            (Satisfaction.BASIC, Satisfaction.BASIC.label),
            (Satisfaction.UNSATISFIED, Satisfaction.UNSATISFIED.label),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class DataPhoneForm(forms.Form):
    """Step 1 of "your personal data": the phone number a one-time code is sent to."""

    phone = forms.CharField(
        label=_("Your mobile phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class DataRequestKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=DataRequestKind.choices, widget=forms.RadioSelect
    )


class DataCodeForm(DataRequestKindForm):
    """Step 2: the code received by SMS, and what the citizen asks for."""

    code = forms.CharField(
        label=_("The code you received by SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class DataDecisionForm(forms.Form):
    """The official's answer to a data request: fulfil, or refuse with a reason from the fixed list."""

    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("fulfil", _("Fulfil the request")), ("refuse", _("Refuse the request"))],
        widget=forms.RadioSelect,
    )
    refusal = forms.ChoiceField(
        label=_("Reason for refusing"), choices=[("", "—"), *DataRequestRefusal.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("refusal"):
            self.add_error("refusal", _("Choose the reason for refusing from the list."))
        return data
