"""Fill untranslated or fuzzy entries of .po files from a JSON mapping {msgid: msgstr}.

Usage: python scripts/po_fill.py translations.json [more.json ...] -- path/to/django.po [more.po ...]
A key "context\\u0004msgid" fills the entry with that msgctxt; plural entries take the same text for
every form (Chinese has one). Prints the msgids still untranslated, so the translator sees what is left.
"""

import json
import sys

import polib


def main():
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else 1
    mapping = {}
    for path in args[:split]:
        with open(path, encoding="utf-8") as f:
            mapping.update(json.load(f))
    for path in args[split:]:
        if path == "--":
            continue
        po = polib.pofile(path)
        po.metadata["Language"] = "zh_Hans"
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        for entry in po:
            if entry.obsolete:
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            text = mapping.get(key, mapping.get(entry.msgid) if not entry.msgctxt else None)
            if text is not None:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: text}
                else:
                    entry.msgstr = text
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgctxt = None
            done = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
            if not done or entry.fuzzy:
                print(f"{path}: untranslated: {key!r}")
        po.save(path)


if __name__ == "__main__":
    main()
