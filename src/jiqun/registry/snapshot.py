"""The registry as analysis tables (:mod:`jiqun.clusters.tables`): one read, polars out.

Money fields (Decimal yuan) become float yuan; foreign keys become codes. Optional ``regions``
limits the enterprise-level tables to enterprises of those counties and the county tables to
those counties (supply links are kept when either party is inside).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q

from jiqun.clusters.tables import SCHEMA, conform
from jiqun.registry import models as m

# analysis column → ORM lookup, per table (a column missing here is filled with nulls)
FIELDS: dict[str, tuple[Any, dict[str, str]]] = {
    "enterprises": (
        m.Enterprise,
        {
            "uscc": "uscc",
            "name": "name",
            "region": "region_id",
            "town": "town",
            "industry": "industry_id",
            "founded": "founded",
            "closed": "closed",
            "ownership": "ownership",
            "size_class": "size_class",
            "park": "park__name",
            "above_size": "above_size",
            "specialised": "specialised",
            "high_tech": "high_tech",
            "listed": "listed",
        },
    ),
    "enterprise_years": (
        m.EnterpriseYear,
        {
            "uscc": "enterprise_id",
            "year": "year",
            "revenue": "revenue",
            "industrial_output": "industrial_output",
            "employees": "employees",
            "exports": "exports",
            "export_currency": "export_currency",
            "rd_spending": "rd_spending",
            "invention_patents": "invention_patents",
            "utility_patents": "utility_patents",
            "new_products": "new_products",
            "tax": "tax",
            "total_assets": "total_assets",
            "liabilities": "liabilities",
            "land_mu": "land_mu",
        },
    ),
    "brands": (
        m.Brand,
        {"uscc": "enterprise_id", "kind": "kind", "level": "level", "name": "name", "year": "year"},
    ),
    "supply_links": (
        m.SupplyLink,
        {
            "supplier_uscc": "supplier_id",
            "supplier_name": "supplier_name",
            "supplier_region": "supplier_region_id",
            "buyer_uscc": "buyer_id",
            "buyer_name": "buyer_name",
            "buyer_region": "buyer_region_id",
            "product": "product",
            "amount": "amount",
            "year": "year",
        },
    ),
    "service_providers": (
        m.ServiceProvider,
        {"region": "region_id", "name": "name", "kind": "kind", "public_platform": "public_platform"},
    ),
    "equipment_purchases": (
        m.EquipmentPurchase,
        {
            "uscc": "enterprise_id",
            "year": "year",
            "item": "item",
            "kind": "kind",
            "amount": "amount",
            "shareable": "shareable",
        },
    ),
    "county_finance": (
        m.CountyFinance,
        {"region": "region_id", "year": "year", "deposits": "deposits", "loans": "loans"},
    ),
    "complaints": (
        m.Complaint,
        {
            "code": "code",
            "region": "region_id",
            "received": "received",
            "category": "category",
            "anonymous": "anonymous",
            "resolved": "resolved",
        },
    ),
    "key_projects": (
        m.KeyProject,
        {
            "region": "region_id",
            "name": "name",
            "investors": "investors",
            "cluster": "cluster",
            "industry": "industry_id",
            "stage": "stage",
            "planned_investment": "planned_investment",
            "completed_investment": "completed_investment",
            "expected_output": "expected_output",
            "jobs": "jobs",
            "land_mu": "land_mu",
            "start_year": "start_year",
        },
    ),
    "cluster_targets": (
        m.ClusterTarget,
        {
            "region": "region_id",
            "cluster": "cluster",
            "target_year": "target_year",
            "target_output": "target_output",
            "source": "source",
        },
    ),
    "parks": (
        m.Park,
        {
            "region": "region_id",
            "name": "name",
            "level": "level",
            "planned_area_mu": "planned_area_mu",
            "used_area_mu": "used_area_mu",
            "main_industries": "main_industries",
        },
    ),
}
ENTERPRISE_TABLES = {
    "enterprise_years": "enterprise__region_id",
    "brands": "enterprise__region_id",
    "equipment_purchases": "enterprise__region_id",
}


def registry_tables(regions: Iterable[str] | None = None) -> dict[str, pl.DataFrame]:
    """Every analysis table read from the registry (optionally for some counties only)."""
    wanted = list(regions) if regions is not None else None
    return conform({name: _read(name, wanted) for name in SCHEMA})


def _read(name: str, regions: list[str] | None) -> pl.DataFrame:
    model, fields = FIELDS[name]
    available = {c: lookup for c, lookup in fields.items() if _has(model, lookup)}
    rows = model.objects.all()
    if regions is not None:
        rows = rows.filter(_in_regions(name, regions))
    values = rows.values_list(*available.values()).iterator(chunk_size=20_000)
    columns = list(zip(*values, strict=True)) or [() for _ in available]
    data = {
        c: [float(v) if isinstance(v, Decimal) else v for v in column]
        for c, column in zip(available, columns, strict=True)
    }
    return pl.DataFrame(data, schema={c: SCHEMA[name][c] for c in available}, strict=False)


def _in_regions(name: str, regions: list[str]) -> Q:
    if name == "supply_links":
        return (
            Q(supplier__region_id__in=regions)
            | Q(buyer__region_id__in=regions)
            | Q(supplier_region_id__in=regions)
            | Q(buyer_region_id__in=regions)
        )
    if name in ENTERPRISE_TABLES:
        return Q(**{f"{ENTERPRISE_TABLES[name]}__in": regions})
    return Q(region_id__in=regions)


def _has(model: Any, lookup: str) -> bool:
    """Whether ``lookup`` (``field`` or ``fk__field`` or ``fk_id``) exists on ``model``."""
    head, _, rest = lookup.partition("__")
    names = {f.name for f in model._meta.get_fields()} | {
        getattr(f, "attname", "") for f in model._meta.get_fields()
    }
    if head not in names:
        return False
    if not rest:
        return True
    return _has(model._meta.get_field(head).related_model, rest)
