"""Helpers for the deadlines tests: local times written as text."""

from datetime import datetime

from django.utils import timezone


def local(text):
    """ "2026-09-30 10:00" -> an aware datetime in settings.TIME_ZONE."""
    return timezone.make_aware(datetime.fromisoformat(text))
