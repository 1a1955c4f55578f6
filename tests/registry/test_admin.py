"""The admin covers every registry table, in Chinese by default and English on request."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "jiqun" / "locale"


@pytest.fixture
def admin_client(registry: Path):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User
    from django.test import Client

    User.objects.filter(username="admin").delete()
    User.objects.create_superuser("admin", "admin@example.org", "pw-for-tests-only")
    client = Client(HTTP_HOST="localhost")
    client.login(username="admin", password="pw-for-tests-only")
    return client


def test_every_registry_model_is_registered(registry: Path) -> None:
    from django.apps import apps
    from django.contrib import admin

    import jiqun.site.urls  # noqa: F401 - registers the admin site

    models = apps.get_app_config("registry").get_models()
    assert all(admin.site.is_registered(m) for m in models)


def test_admin_pages_are_chinese_by_default_and_english_on_request(admin_client) -> None:  # type: ignore[no-untyped-def]
    from django.apps import apps

    for model in apps.get_app_config("registry").get_models():
        url = f"/admin/registry/{model._meta.model_name}/"
        page = admin_client.get(url)
        assert page.status_code == 200, url
    zh = admin_client.get("/admin/registry/enterprise/").content.decode()
    assert "选择 企业 来修改" in zh and "登记库" in zh
    assert 'name="language"' in zh  # the language switch
    admin_client.cookies["django_language"] = "en"
    en = admin_client.get("/admin/registry/enterprise/").content.decode()
    assert "Select enterprise to change" in en


def test_compiled_translations_match_the_po_file() -> None:
    po = (LOCALE / "zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, flags=re.MULTILINE)
    with (LOCALE / "zh_Hans/LC_MESSAGES/django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert pairs
    for source, translation in pairs:
        assert translation, f"untranslated: {source}"
        assert compiled.gettext(source) == translation, f"stale .mo for {source}: run msgfmt"
