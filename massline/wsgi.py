"""WSGI entry point for production servers: granian (--interface wsgi) or gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from massline.lib.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
application = get_wsgi_application()

freeze_startup_objects()
