"""Who may use each URL of integrity tip-offs (see massline/lib/access_policy.py and
massline/integrity/staff_views.py).

The public pages are for everyone: a tip-off is anonymous, the receipt code (not an account) is the
reporter's key, and the reporter's POSTs without a page token are refused with a 400 (the input, not the
person). The staff pages are for discipline inspectors whose jurisdiction covers the tip's unit, and for
nobody else: administrators, supervisors and dispatchers get 403 by design, anonymous visitors the login
page. The matrix signs the inspector in without unlocking the key, so the pages of a tip send them to
the list to unlock it (a redirect that is not the login page: they were let in, the tip stays sealed).
"""

from massline.lib.access_policy import EVERYONE, Rule

INSPECTORS = frozenset({"inspector"})


def _staff(kwargs=None, method="GET"):
    return Rule(INSPECTORS, method=method, kwargs=kwargs)


RULES = {
    "integrity:submit": Rule(EVERYONE),
    "integrity:receipt": Rule(EVERYONE),
    "integrity:reporter_reply": Rule(EVERYONE, method="POST", note="400 without a page token"),
    "integrity:reporter_evidence": Rule(EVERYONE, method="POST", note="400 without a page token"),
    "integrity_staff:index": _staff(),
    "integrity_staff:key_setup": _staff(),
    "integrity_staff:key_unlock": _staff(method="POST"),
    "integrity_staff:key_lock": _staff(method="POST"),
    "integrity_staff:key_recover": _staff(),
    "integrity_staff:detail": _staff("tip"),
    "integrity_staff:message": _staff("tip", method="POST"),
    "integrity_staff:status": _staff("tip", method="POST"),
    "integrity_staff:conclude": _staff("tip", method="POST"),
    "integrity_staff:reveal_request": _staff("tip", method="POST"),
    "integrity_staff:reveal_decide": _staff("tip_reveal", method="POST"),
    "integrity_staff:identity": _staff("tip"),
    "integrity_staff:attachment": _staff("tip_attachment"),
    "integrity_staff:attachment_original": _staff("tip_attachment"),
}


def samples(world):
    import io

    from PIL import Image

    from massline.integrity import services
    from massline.org.testing import PERSONA_PASSWORD

    inspector = world.users["inspector"]
    # A tip-off reaches only inspectors with a key: the county inspector sets one up first.
    services.inspector_key_setup(user=inspector, password=PERSONA_PASSWORD)
    png = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(png, format="PNG")
    tip, _receipt = services.tip_submit(
        unit=world.org.unit_a,
        official="张局长",
        position="局长",
        what="用公款吃喝 at the Lotus restaurant",
        when="2026-05",
        where="莲花酒楼",
        identity=services.Identity(name="举报人"),
        uploads=[("a.png", png.getvalue())],
    )
    private = services.inspector_key_unlock(user=inspector, password=PERSONA_PASSWORD)
    reveal = services.identity_reveal_request(
        tip=tip, user=inspector, private_key=private, reason="To protect the reporter from retaliation."
    )
    return {
        "tip": {"reference": tip.reference},
        "tip_attachment": {"reference": tip.reference, "attachment_id": tip.attachments.first().pk},
        "tip_reveal": {"reference": tip.reference, "reveal_id": reveal.pk},
    }
