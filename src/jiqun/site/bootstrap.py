"""Start Django against a data directory, from the CLI, a notebook or the tests."""

from __future__ import annotations

import os
from pathlib import Path

from jiqun.paths import ENV_HOME, ensure_data_dir, resolve_data_dir

SETTINGS_MODULE = "jiqun.site.settings"


def configure(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Point Django at ``data_dir`` (or the resolved default) and set it up once.

    Returns the data directory in use. Calling again with another directory after Django is set
    up is refused, since settings cannot change inside a process.
    """
    import django
    from django.conf import settings

    path = ensure_data_dir(resolve_data_dir(data_dir))
    if settings.configured:
        return Path(settings.DATA_DIR)
    os.environ[ENV_HOME] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
    return path


def migrate(verbosity: int = 0) -> None:
    """Bring the schema up to date and, on a new database, load the reference codebooks."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    from jiqun.registry.models import Region
    from jiqun.registry.reference import sync_industries, sync_regions

    if not Region.objects.exists():
        sync_regions()
        sync_industries()
