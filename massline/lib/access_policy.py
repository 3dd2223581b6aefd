"""The declared access policy: for every URL pattern (by its name), who may use it.

Each app declares its rules in `<app>/tests/access_policy.py`: `RULES = {url name: Rule(...)}` and
`samples(world)`, the objects its URLs need. massline/web/tests/test_access_matrix.py collects every
app's table, fails for a URL pattern that has no rule, and asks every persona every rule: a new page
cannot escape it. A persona is "let in" when the answer is not 401, 403, 404 nor a redirect to the login
page (a 400 for an empty form is being let in: the input, not the person, was refused).
"""

import importlib
import importlib.util
from dataclasses import dataclass, field

from django.conf import settings

# Everyone who may knock (massline/org/testing.py builds them), "anonymous" being nobody signed in.
PERSONAS = (
    "anonymous",
    "citizen",
    "outsider",
    "officer_a",
    "officer_b",
    "unit_head_a",
    "dispatcher",
    "supervisor",
    "inspector",
    "admin_user",
)
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
OFFICIALS = frozenset(
    {"officer_a", "officer_b", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
)
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may use one URL: `allow` (persona names); the others must be refused.

    `kwargs` names an entry of the app's samples() (the URL's arguments) or is a dict; `method` and
    `data` are what the matrix sends (`api`: as JSON with the persona's API token).
    """

    allow: frozenset
    method: str = "GET"
    kwargs: object = None
    data: dict = field(default_factory=dict)
    api: bool = False
    note: str = ""


def _policy_modules():
    for app in settings.INSTALLED_APPS:
        if not app.startswith("massline."):
            continue
        name = f"{app}.tests.access_policy"
        if importlib.util.find_spec(f"{app}.tests") and importlib.util.find_spec(name):
            yield importlib.import_module(name)


def policy_table():
    """{url name: (Rule, its module)} of every app; a URL name declared twice is an error."""
    table = {}
    for module in _policy_modules():
        for name, rule in module.RULES.items():
            if name in table:
                raise ValueError(f"{name} has rules in {table[name][1].__name__} and {module.__name__}")
            table[name] = (rule, module)
    return table
