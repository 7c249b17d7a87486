"""ASGI entry point. Refuses to start with the default secret in production."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
settings_module = __import__(settings.SETTINGS_MODULE, fromlist=["assert_production_ready"])
settings_module.assert_production_ready()
