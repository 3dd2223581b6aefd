"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from massline.lib.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
application = get_asgi_application()

freeze_startup_objects()
