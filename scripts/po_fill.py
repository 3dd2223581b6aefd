"""Fill untranslated or fuzzy entries of .po files from a JSON mapping {msgid: msgstr}.

Usage: python scripts/po_fill.py translations.json path/to/django.po [more.po ...]
Prints the msgids still untranslated, so the translator sees what is left.
"""

import json
import sys

import polib


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        mapping = json.load(f)
    for path in sys.argv[2:]:
        po = polib.pofile(path)
        po.metadata["Language"] = "zh_Hans"
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        for entry in po:
            if entry.obsolete:
                continue
            if entry.msgid in mapping:
                entry.msgstr = mapping[entry.msgid]
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = None
            if not entry.msgstr or entry.fuzzy:
                print(f"{path}: untranslated: {entry.msgid!r}")
        po.save(path)


if __name__ == "__main__":
    main()
