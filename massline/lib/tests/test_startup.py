"""The web server's start-up step: every view imported, the start-up objects frozen out of the collector."""

import gc

from massline.lib.startup import freeze_startup_objects


def test_start_up_objects_are_frozen_and_request_garbage_is_still_collected():
    gc.unfreeze()
    try:
        freeze_startup_objects()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the apps, models and every view module

        class Cycle:
            pass

        made = Cycle()
        made.me = made
        del made
        assert gc.collect() >= 1  # a request's cyclic garbage is still found
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
