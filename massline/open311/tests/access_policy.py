"""Open311 is open to every client; writes and the updates feed need an api_key (checked by the key,
not by who is signed in), so every persona is let through to the key check."""

from massline.lib.access_policy import EVERYONE, Rule

RULES = {
    "open311:discovery": Rule(EVERYONE, kwargs={"fmt": "json"}),
    "open311:services": Rule(EVERYONE, kwargs={"fmt": "json"}),
    "open311:service": Rule(EVERYONE, kwargs={"code": "lights", "fmt": "json"}),
    "open311:requests": Rule(EVERYONE, kwargs={"fmt": "json"}),
    "open311:request": Rule(EVERYONE, kwargs="open311_request"),
    "open311:token": Rule(frozenset(), kwargs={"token": "no-such-token", "fmt": "json"}, note="404 for all"),
    "open311:updates": Rule(frozenset(), kwargs={"fmt": "json"}, note="403 without an api_key"),
    "open311:": Rule(frozenset(), kwargs={"path": "nothing-here.json"}, note="404: not an endpoint"),
}


def samples(world):
    from massline.cases.models import Case

    case = Case.objects.filter(is_public=True).order_by("pk").first()
    return {"open311_request": {"request_id": case.public_id, "fmt": "json"}}
