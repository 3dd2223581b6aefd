"""Domain errors of demand handling: each names the rule and says what to do."""

from django.utils.translation import gettext_lazy as _

from massline.lib.errors import DomainError


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class ConcurrentUpdate(DomainError):
    code = "concurrent_update"
    status = 409

    def __init__(self, message=None, **kwargs):
        super().__init__(
            message or _("Someone else changed this demand a moment ago: reload the page and try again."),
            **kwargs,
        )


class NoPolicy(DomainError):
    code = "no_time_limit_policy"
