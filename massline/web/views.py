"""Public and staff home pages, login."""

from django.shortcuts import render


def home(request):
    return render(request, "web/home.html")
