"""Test set-up: Django on a throwaway data directory, no network, a clean registry per test."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"

_SESSION_HOME = tempfile.mkdtemp(prefix="jiqun-test-")
os.environ["JIQUN_HOME"] = _SESSION_HOME
os.environ.pop("DATABASE_URL", None)  # the in-process registry is SQLite; PostgreSQL tests use their own

from jiqun.site.bootstrap import configure  # noqa: E402 - after the environment is set

configure(_SESSION_HOME)


def _guarded_connect(original):  # type: ignore[no-untyped-def]
    def connect(self, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = host == "localhost"
            if not local:
                raise RuntimeError(f"network access during tests is forbidden: {address}")
        return original(self, address)
    return connect


socket.socket.connect = _guarded_connect(socket.socket.connect)  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db() -> Path:
    """Django on the session data directory, migrated, codebooks synced."""
    from jiqun.site.bootstrap import migrate

    migrate()
    return Path(_SESSION_HOME)


REGISTRY_TABLES = ["SupplyLink", "Brand", "EnterpriseYear", "EquipmentPurchase", "Enterprise",
                   "ServiceProvider", "CountyFinance", "KeyProject", "ClusterTarget", "Complaint",
                   "Park", "ImportRun"]


@pytest.fixture
def registry(django_db: Path):  # type: ignore[no-untyped-def]
    """An empty registry (regions and industries kept) for one test."""
    from jiqun.registry import models as m

    _clear(m)
    yield django_db
    _clear(m)


def _clear(m) -> None:  # type: ignore[no-untyped-def]
    for name in REGISTRY_TABLES:
        getattr(m, name).objects.all().delete()
    m.Industry.objects.filter(provisional=True).delete()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared reference data not found at {SHARED_DATA} (required in CI)")
        pytest.skip(f"shared reference data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def pg_url() -> str:
    """URL of the throwaway PostgreSQL that scripts/test starts; required in CI."""
    url = os.environ.get("JIQUN_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("JIQUN_TEST_PG_URL is not set in CI: scripts/test could not start PostgreSQL")
        pytest.skip("no PostgreSQL (run through scripts/test to get one)")
    return url


@pytest.fixture(scope="module")
def small_demo_registry(django_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The small demo (seed 4, 3,000 firms) imported once per test module, cleared afterwards."""
    from jiqun.demo.build import generate_demo, write_bureau_files
    from jiqun.ingest.importer import import_files
    from jiqun.registry import models

    _clear(models)
    import_files(write_bureau_files(generate_demo(seed=4, firms=3_000), tmp_path_factory.mktemp("bureau")))
    yield
    _clear(models)
