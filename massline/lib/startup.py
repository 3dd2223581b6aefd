"""What a web server process does once, after Django is set up and before it serves."""

import gc


def freeze_startup_objects():
    """Import every view now and move everything loaded so far out of the garbage collector's sight.

    The objects loaded at start-up (the apps, models, URLconf, views and forms) live as long as the
    process, yet each full collection walks all of them: measured on the monthly PDF report, that walk was
    a 150-200 ms pause at the 99th percentile of requests. `gc.freeze()` keeps them out of every later
    collection (the practice Python's documentation gives for pre-forked servers); garbage made by
    requests is still collected as before.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now, not on the first request)
    gc.collect()
    gc.freeze()
