"""A short summary of what the registry holds (counts, years, the largest counties)."""

from __future__ import annotations

from django.db.models import Count, Sum

from jiqun.registry import models as m

TOP_COUNTIES = 10


def registry_summary() -> dict[str, object]:
    """Counts of every table, the years covered, and the counties with most enterprises."""
    counts = {
        "enterprises": m.Enterprise.objects.count(),
        "enterprise_years": m.EnterpriseYear.objects.count(),
        "parks": m.Park.objects.count(),
        "brands": m.Brand.objects.count(),
        "supply_links": m.SupplyLink.objects.count(),
        "service_providers": m.ServiceProvider.objects.count(),
        "regions": m.Region.objects.count(),
        "industries": m.Industry.objects.count(),
    }
    years = sorted(m.EnterpriseYear.objects.values_list("year", flat=True).distinct())
    return {"counts": counts, "years": years, "by_county": _by_county(years[-1] if years else None)}


def _by_county(year: int | None) -> list[dict[str, object]]:
    rows = (m.Enterprise.objects.values("region_id", "region__name")
            .annotate(n=Count("uscc")).order_by("-n", "region_id")[:TOP_COUNTIES])
    out = []
    for row in rows:
        revenue = None
        if year is not None:
            revenue = m.EnterpriseYear.objects.filter(
                enterprise__region_id=row["region_id"], year=year).aggregate(s=Sum("revenue"))["s"]
        out.append({"code": row["region_id"], "name": row["region__name"],
                    "enterprises": row["n"], "year": year,
                    "revenue": str(revenue) if revenue is not None else None})
    return out
