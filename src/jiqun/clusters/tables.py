"""The analysis tables: the registry as polars frames with fixed columns and types.

Money is in yuan (float64, exact for amounts below 2^53 fen), areas in 亩. A table may lack
optional columns (they are added as nulls) but every key column must be there.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from jiqun.errors import InputError

S, F, N, B, D = pl.String, pl.Float64, pl.Int64, pl.Boolean, pl.Date

SCHEMA: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "enterprises": {
        "uscc": S,
        "name": S,
        "region": S,
        "town": S,
        "industry": S,
        "founded": D,
        "closed": D,
        "ownership": S,
        "size_class": S,
        "park": S,
        "above_size": B,
        "specialised": B,
        "high_tech": B,
        "listed": B,
    },
    "enterprise_years": {
        "uscc": S,
        "year": N,
        "revenue": F,
        "industrial_output": F,
        "employees": F,
        "exports": F,
        "export_currency": S,
        "rd_spending": F,
        "invention_patents": F,
        "utility_patents": F,
        "new_products": F,
        "tax": F,
        "total_assets": F,
        "liabilities": F,
        "land_mu": F,
    },
    "brands": {"uscc": S, "kind": S, "level": S, "name": S, "year": N},
    "supply_links": {
        "supplier_uscc": S,
        "supplier_name": S,
        "supplier_region": S,
        "buyer_uscc": S,
        "buyer_name": S,
        "buyer_region": S,
        "product": S,
        "amount": F,
        "year": N,
    },
    "service_providers": {"region": S, "name": S, "kind": S, "public_platform": B},
    "equipment_purchases": {"uscc": S, "year": N, "item": S, "kind": S, "amount": F, "shareable": B},
    "county_finance": {"region": S, "year": N, "deposits": F, "loans": F},
    "complaints": {"code": S, "region": S, "received": D, "category": S, "anonymous": B, "resolved": D},
    "key_projects": {
        "region": S,
        "name": S,
        "investors": S,
        "cluster": S,
        "industry": S,
        "stage": S,
        "planned_investment": F,
        "completed_investment": F,
        "expected_output": F,
        "jobs": F,
        "land_mu": F,
        "start_year": N,
    },
    "cluster_targets": {"region": S, "cluster": S, "target_year": N, "target_output": F, "source": S},
    "parks": {
        "region": S,
        "name": S,
        "level": S,
        "planned_area_mu": F,
        "used_area_mu": F,
        "main_industries": S,
    },
}
KEYS: dict[str, tuple[str, ...]] = {
    "enterprises": ("uscc", "region", "industry"),
    "enterprise_years": ("uscc", "year"),
    "brands": ("uscc", "kind", "level"),
    "supply_links": ("year",),
    "service_providers": ("region", "kind"),
    "equipment_purchases": ("uscc", "year", "amount"),
    "county_finance": ("region", "year"),
    "complaints": ("region", "received", "category"),
    "key_projects": ("region", "name"),
    "cluster_targets": ("region", "cluster", "target_year"),
    "parks": ("region", "name"),
}


def conform(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every table of :data:`SCHEMA` with exactly its columns and types (missing tables empty).

    Supply-link parties that are registered enterprises get their region from the enterprise
    table, so that "bought inside the county" can always be told.
    """
    out = {name: _conform_one(name, tables.get(name)) for name in SCHEMA}
    out["supply_links"] = _party_regions(out["supply_links"], out["enterprises"])
    return out


def _conform_one(name: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    schema = SCHEMA[name]
    if frame is None:
        return pl.DataFrame(schema=schema)
    missing = [k for k in KEYS[name] if k not in frame.columns]
    if missing:
        raise InputError.single(
            f"分析表 {name} 缺少列：{'、'.join(missing)}",
            file=name,
            column=missing[0],
            expected="、".join(schema),
        )
    return frame.select(
        [
            (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t, strict=False).alias(c)
            for c, t in schema.items()
        ]
    )


def _party_regions(links: pl.DataFrame, enterprises: pl.DataFrame) -> pl.DataFrame:
    region_of = enterprises.select("uscc", "region")
    for side in ("supplier", "buyer"):
        links = links.join(
            region_of.rename({"uscc": f"{side}_uscc", "region": f"{side}_known"}),
            on=f"{side}_uscc",
            how="left",
        )
        links = links.with_columns(pl.coalesce(f"{side}_known", f"{side}_region").alias(f"{side}_region"))
        links = links.drop(f"{side}_known")
    return links
