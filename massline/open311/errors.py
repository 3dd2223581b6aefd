"""The errors GeoReport v2 answers with: an HTTP status and a list of {code, description}."""

from django.utils.translation import gettext_lazy as _


class Open311Error(Exception):
    """Refuse a request with `status` and one or more descriptions (translated, saying what to do)."""

    def __init__(self, status, *descriptions, headers=None):
        super().__init__("; ".join(str(d) for d in descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def bad_request(*descriptions):
    return Open311Error(400, *descriptions)


def forbidden(description=None):
    return Open311Error(
        403, description or _("A valid api_key is required: ask the administrator for one (docs/open311.md).")
    )


def not_found(description):
    return Open311Error(404, description)
