"""WSGI entry point for serving the jiqun site."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiqun.site.settings")
application = get_wsgi_application()
