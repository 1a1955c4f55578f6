"""URLs of the jiqun site: the admin (Chinese by default) and the language switch."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("jiqun cluster registry")
admin.site.site_title = _("jiqun")
admin.site.index_title = _("Registry administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
