"""Exit 0 if the PostgreSQL server of MASSLINE_TEST_DATABASE_URL accepts connections; else say why, exit 1.

It connects to the server's `postgres` database: the test database itself is created by pytest-django.
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(os.environ["MASSLINE_TEST_DATABASE_URL"])
try:
    psycopg.connect(urlunsplit(url._replace(path="/postgres")), connect_timeout=3).close()
except psycopg.Error as exc:
    print(f"PostgreSQL is not usable: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
    sys.exit(1)
