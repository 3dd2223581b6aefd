"""Give every request an id (echoed as X-Request-ID) and remember its client address for the audit trail."""

import re
import uuid

from django.conf import settings

from . import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request):
    header = settings.MASSLINE_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        # X-Forwarded-For: the left-most address is the client's, as seen by the trusted proxy.
        first = value.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = context.set_current(
            context.RequestContext(request_id=request.request_id, client_ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
