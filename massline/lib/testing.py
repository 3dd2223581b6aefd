"""Helpers for tests that need real concurrency: several threads, each on its own database connection."""

import threading

from django.db import connections


def race(*actions, timeout=30):
    """Run each `action(barrier)` in its own thread, on its own database connection, and return their
    outcomes in order: what the action returned ("ok" for None) or the exception it raised.

    An action calls `barrier.wait()` at the moment the others must have caught up with it, typically
    after reading and before writing, so that every thread acts on the same state at once.
    """
    barrier = threading.Barrier(len(actions), timeout=timeout)
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            result = action(barrier)
            outcomes[index] = "ok" if result is None else result
        except Exception as exc:  # noqa: BLE001 (returned to the test, which asserts on it)
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * 2)
    return outcomes
