"""Forms of the consultation pages: they parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import conf
from .choices import Decision, ModerationVerdict, Participation, Stance


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary of the draft"), widget=forms.Textarea(attrs={"rows": 4}))
    participation = forms.ChoiceField(label=_("Who may take part"), choices=Participation.choices)
    citizen_statements = forms.BooleanField(label=_("Citizens may propose statements"), required=False)
    min_open_days = forms.IntegerField(label=_("Minimum days open"), min_value=1)
    section_title = forms.CharField(label=_("First section: title"), max_length=200)
    section_body = forms.CharField(
        label=_("First section: text of the draft"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ModelChoiceField(label=_("Responsible unit"), queryset=units)
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self.order_fields(["title", "unit"])
        self.fields["min_open_days"].initial = conf.min_open_days()


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    body = forms.CharField(label=_("Text of the draft"), widget=forms.Textarea(attrs={"rows": 6}))


class PublishForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing early (required before the closing date)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpinionForm(forms.Form):
    # No max_length here: the service refuses an over-long opinion with a message that gives the limit.
    body = forms.CharField(label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 4}))
    section = forms.TypedChoiceField(label=_("On section"), coerce=int, required=False, empty_value=None)
    passage = forms.CharField(label=_("Passage you comment on (optional)"), required=False)
    # Typed, or set by the map picker (web/maps.js, data-map-* attributes); the service checks the ranges.
    latitude = forms.CharField(
        label=_("Latitude of a place (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-map-lat": ""}),
    )
    longitude = forms.CharField(
        label=_("Longitude of a place (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-map-lon": ""}),
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("The draft as a whole"))] + [
            (s.pk, s.title) for s in sections
        ]


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Why should moderators look at this opinion?"), max_length=300)


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}))


class VoteForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    stance = forms.TypedChoiceField(choices=Stance.choices, coerce=int)


class ModerateForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Moderation decision"), choices=ModerationVerdict.choices)
    reason = forms.CharField(label=_("Reason (shown to the public)"), max_length=300)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Public reply"), widget=forms.Textarea(attrs={"rows": 2}))


class PollForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("single", _("Single choice")), ("multiple", _("Multiple choice"))]
    )
    options = forms.CharField(label=_("Options, one per line"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"] = forms.TypedChoiceField(
            label=_("Section"), coerce=int, choices=[(s.pk, s.title) for s in sections]
        )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    topic = forms.CharField(label=_("Topic (when merging opinions)"), required=False, max_length=200)


class BulkAnswerForm(forms.Form):
    merge = forms.BooleanField(label=_("Merge the selected opinions under one answer"), required=False)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"] = forms.ModelChoiceField(label=_("Answer template"), queryset=templates)


class AnswerTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    decision = forms.CharField(label=_("The decision taken"), widget=forms.Textarea(attrs={"rows": 4}))


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Attachment title"), max_length=200)
    file = forms.FileField(label=_("File"))
