"""Domain errors: what a service raises when a rule forbids an action."""


class DomainError(Exception):
    """A rule refused the action. `message` is translated and says what to do; `code` is stable.

    Views show `message` to the user (HTTP 4xx); the API returns `code` with it.
    """

    code = "domain_error"
    status = 400

    def __init__(self, message, *, code=None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404
