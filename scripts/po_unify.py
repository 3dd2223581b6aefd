"""Make every app's zh_Hans catalog agree with what Django shows: Django merges the apps' catalogs and the
app listed first in INSTALLED_APPS wins a msgid, so a later app's different translation never appears.

Usage: DEBUG=true python scripts/po_unify.py   (then `make messages`). Prints each entry it changed.
Where the meanings really differ, give the later string a context (pgettext) instead.
"""

import os
from pathlib import Path

import django
import polib

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.utils import translation  # noqa: E402

with translation.override("zh-hans"):
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if not config.name.startswith("massline.") or not path.exists():
            continue
        po = polib.pofile(str(path))
        changed = 0
        for entry in po:
            if entry.obsolete or entry.msgctxt or entry.msgid_plural or not entry.msgstr:
                continue
            shown = translation.gettext(entry.msgid)
            if shown != entry.msgid and shown != entry.msgstr:
                print(f"{config.label}: {entry.msgid!r}: {entry.msgstr!r} -> {shown!r}")
                entry.msgstr = shown
                changed += 1
        if changed:
            po.save(str(path))
