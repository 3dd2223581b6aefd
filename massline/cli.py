"""The `massline` command: a thin wrapper around Django's management commands.

`massline demo`, `massline audit verify`, `massline runserver` … are Django commands; this wrapper
sets the settings module and turns an unreachable database or a wrong setting into one clear line.
"""

import os
import sys

_HYPHENATED = {"import-cases": "import_cases"}


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "massline"
    # Commands documented with a hyphen map to Django's module names (massline import-cases …).
    if len(argv) > 1 and argv[1] in _HYPHENATED:
        argv[1] = _HYPHENATED[argv[1]]
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"massline: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    except OperationalError as exc:
        from django.conf import settings

        db = settings.DATABASES["default"]
        where = db.get("HOST") or db.get("NAME")
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        print(
            f"massline: cannot use the database at {where} ({first_line}). "
            "Check DATABASE_URL and that the database server is running.",
            file=sys.stderr,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
