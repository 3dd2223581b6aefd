"""WSGI entry point for production servers: granian (--interface wsgi) or gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
application = get_wsgi_application()
