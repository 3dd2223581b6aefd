"""Two officials act on one clock at the same moment, on two real PostgreSQL connections: the clock row is
locked, so the second sees what the first did instead of overwriting it."""

import pytest
from django.db import connection

from massline.deadlines.choices import ClockState, PauseReason
from massline.deadlines.models import Clock, ClockPause
from massline.deadlines.services import clock_extend, clock_pause, clock_start
from massline.lib.testing import race

from .utils import local

# The default calendar of migration 0002 is re-created before each test by massline/conftest.py.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def on(clock, function):
    """An action for race(): load the clock on this thread's connection, wait for the other, act."""

    def action(barrier):
        mine = Clock.objects.get(pk=clock.pk)
        barrier.wait()
        function(mine)

    return action


@pytest.fixture
def clock():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real PostgreSQL connections")
    return clock_start(start=local("2026-11-02 09:00"), amount=7, unit="working_days")


def test_two_pauses_at_once_one_wins_and_the_other_is_told_the_clock_is_paused(clock):
    def pause(c):
        clock_pause(clock=c, at=local("2026-11-03 10:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=None)

    outcomes = race(on(clock, pause), on(clock, pause))
    assert sorted(type(o).__name__ if isinstance(o, Exception) else o for o in outcomes) == [
        "ClockStateError",
        "ok",
    ]
    assert ClockPause.objects.filter(clock=clock).count() == 1
    assert Clock.objects.get(pk=clock.pk).state == ClockState.PAUSED


def test_two_extensions_at_once_are_both_kept(clock):
    def extend(c):
        clock_extend(clock=c, amount=2, by=None)

    assert race(on(clock, extend), on(clock, extend)) == ["ok", "ok"]
    clock.refresh_from_db()
    assert clock.extended_amount == 4
    assert clock.due_at == local("2026-11-17 17:30")
