"""The staff login form: labelled fields with autocomplete hints, and errors that say what to do."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from massline.web.lockout import lockout_policy


class StaffLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The user name or password is not correct. Both are case-sensitive: check them and try again."
        ),
        "inactive": _("This account is disabled. Ask your administrator to enable it."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def get_invalid_login_error(self):
        """The wrong-credentials error, followed by a warning of the lockout to come (two list items)."""
        errors = [ValidationError(self.error_messages["invalid_login"], code="invalid_login")]
        limit, cool_off = lockout_policy(self.request)
        if cool_off:
            warning = ngettext(
                "After %(limit)d failed attempts in a row, sign-in is locked for %(minutes)d minute.",
                "After %(limit)d failed attempts in a row, sign-in is locked for %(minutes)d minutes.",
                cool_off,
            )
            errors.append(
                ValidationError(warning, code="lockout_warning", params={"limit": limit, "minutes": cool_off})
            )
        return ValidationError(errors)
