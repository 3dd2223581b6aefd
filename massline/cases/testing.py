"""Test helpers of the cases app that other apps' tests use too (open311 submits through intake)."""


def intake_inserts_together(monkeypatch):
    """Make racing `case_submit` calls insert only once all of them have looked for their idempotency key
    and found none: the moment a double submission collides. Returns the function each
    `massline.lib.testing.race` action calls first, with its barrier."""
    from massline.cases.services import intake

    original = intake._create
    shared = {}

    def create_after_all_checked(**kwargs):
        shared["barrier"].wait()
        return original(**kwargs)

    monkeypatch.setattr(intake, "_create", create_after_all_checked)
    return lambda barrier: shared.__setitem__("barrier", barrier)
