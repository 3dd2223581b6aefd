"""The site's shell: the public home, the staff home for officials, login and logout, the language
switch; the admin site for administrators only (every admin URL is one rule: Django's own checks)."""

from massline.lib.access_policy import EVERYONE, OFFICIALS, Rule

RULES = {
    "web:home": Rule(EVERYONE),
    "web:staff_home": Rule(OFFICIALS),
    "web:login": Rule(EVERYONE),
    "web:logout": Rule(EVERYONE, method="POST"),
    "set_language": Rule(EVERYONE, method="POST", data={"language": "en", "next": "/"}),
    "admin:*": Rule(frozenset({"admin_user"}), kwargs={}, note="admin:index stands for the admin site"),
}


def samples(world):
    return {}
