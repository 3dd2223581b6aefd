"""Two officials act on one clock at the same moment, on two real PostgreSQL connections: the clock row is
locked, so the second sees what the first did instead of overwriting it."""

import threading

import pytest
from django.db import connection, connections

from massline.deadlines.choices import ClockState, PauseReason
from massline.deadlines.models import Clock, ClockPause
from massline.deadlines.services import clock_extend, clock_pause, clock_start

from .utils import local

# The default calendar of migration 0002 is re-created before each test by massline/conftest.py.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions):
    """Run each action in its own thread (own connection) once all have loaded the clock; returns each
    outcome: "ok" or the exception raised."""
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            clock = Clock.objects.get(pk=action.clock_pk)
            barrier.wait()
            action(clock)
            outcomes[index] = "ok"
        except Exception as exc:  # reported by the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def on(clock, function):
    function.clock_pk = clock.pk
    return function


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
