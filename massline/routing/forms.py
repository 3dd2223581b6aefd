"""The routing admin page's form: an auto-dispatch threshold for one category."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(
        label=_("Auto-dispatch above this confidence"),
        min_value=0.5,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=_(
            "Between 0.5 and 0.99. Allowed only where the live model's backtest precision clears it."
        ),
    )
