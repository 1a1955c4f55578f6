"""Django settings of the jiqun system of record.

Everything comes from the environment so that the CLI, the tests and a server agree:

- ``JIQUN_HOME``: the data directory (the CLI sets it from ``--data-dir``); the SQLite database,
  the secret key and reports live there.
- ``DATABASE_URL``: use this database instead of SQLite (e.g. ``postgres://user@host:5432/jiqun``).
- ``JIQUN_DEBUG``: ``1`` turns on Django's debug mode (never in production).
- ``JIQUN_SECRET_KEY``: the secret key; otherwise one is generated once per data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from jiqun.paths import DATABASE_FILE, ensure_data_dir, resolve_data_dir
from jiqun.site.secrets import load_or_create_secret_key

DATA_DIR: Path = ensure_data_dir(resolve_data_dir())
DEBUG = os.environ.get("JIQUN_DEBUG", "") == "1"
SECRET_KEY = load_or_create_secret_key(DATA_DIR, os.environ.get("JIQUN_SECRET_KEY"))
ALLOWED_HOSTS = [h for h in os.environ.get("JIQUN_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "jiqun.registry",  # first, so that its admin templates (the language switch) take precedence
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jiqun.site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "jiqun.site.wsgi.application"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=0)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / DATABASE_FILE),
        "OPTIONS": {
            # WAL lets readers work during an import; FULL makes every commit durable, so a
            # killed importer leaves the registry exactly as the last commit left it.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                            "PRAGMA cache_size=-262144;",  # 256 MB page cache for large imports
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
