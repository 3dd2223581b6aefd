"""Content-Security-Policy header on every response (Django 5.2 has none built in)."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.MASSLINE_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.MASSLINE_CSP
        return response
