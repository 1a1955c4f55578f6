"""Keep the registry's reference tables (regions, industries, parks) in step with what rows use.

The codebooks (:mod:`jiqun.codes`) are the source of regions and industries; the registry keeps
a copy so that foreign keys hold. ``sync_*`` copies a whole codebook; ``prepare`` makes sure every
code a batch of rows refers to exists, adding provisional industries and new parks as needed.
"""

from __future__ import annotations

import polars as pl

from jiqun.codes.industries import Industry as IndustryCode
from jiqun.codes.industries import IndustryCodebook, provisional_industry
from jiqun.codes.regions import RegionCodebook
from jiqun.registry.models import Enterprise, Industry, Park, Region


def active_codebook() -> IndustryCodebook:
    """The shipped 门类/大类 plus every industry loaded into the registry (not provisional ones)."""
    loaded = [IndustryCode(i.code, i.level, i.parent_id or "", i.name_zh, i.name_en)
              for i in Industry.objects.filter(provisional=False)]
    return IndustryCodebook.builtin().merged_with(IndustryCodebook(loaded))


def sync_regions(book: RegionCodebook | None = None) -> int:
    """Copy every region of ``book`` (default: the shipped one) into the registry; returns count."""
    book = book or RegionCodebook.default()
    regions = sorted(book, key=lambda r: (len(r.parent), r.code))
    existing = set(Region.objects.values_list("code", flat=True))
    fresh = [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent or None,
                    longitude=r.longitude, latitude=r.latitude)
             for r in regions if r.code not in existing]
    for level in ("province", "prefecture", "county"):
        Region.objects.bulk_create([r for r in fresh if r.level == level], batch_size=500)
    return len(fresh)


def sync_industries(book: IndustryCodebook | None = None) -> int:
    """Copy every industry of ``book`` into the registry, replacing provisional rows."""
    book = book or active_codebook()
    existing = dict(Industry.objects.values_list("code", "provisional"))
    changed = 0
    for level in (1, 2, 3, 4):
        for item in book.at_level(level):
            if item.code in existing and not existing[item.code]:
                continue
            Industry.objects.update_or_create(code=item.code, defaults={
                "level": item.level, "parent_id": item.parent or None, "name_zh": item.name_zh,
                "name_en": item.name_en, "provisional": False})
            changed += 1
    return changed


def ensure_regions(codes: set[str]) -> None:
    """Add to the registry every region in ``codes`` (and its ancestors) that it lacks."""
    book = RegionCodebook.default()
    wanted = set()
    for code in codes:
        while code:
            wanted.add(code)
            region = book.get(code)
            code = region.parent if region else ""
    missing = wanted - set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    for code in sorted(missing, key=lambda c: (len(book.get(c).parent), c)):  # type: ignore[union-attr]
        r = book.get(code)
        Region.objects.create(code=r.code, name=r.name, level=r.level,  # type: ignore[union-attr]
                              parent_id=r.parent or None, longitude=r.longitude,  # type: ignore[union-attr]
                              latitude=r.latitude)  # type: ignore[union-attr]


def ensure_industries(codes: set[str]) -> None:
    """Add every industry in ``codes`` and its ancestors; unknown 小类/中类 become provisional."""
    book = active_codebook()
    present = set(Industry.objects.values_list("code", flat=True))
    for code in sorted(codes - present, key=len):
        for item in _with_ancestors(book, code):
            if item.code not in present:
                Industry.objects.create(code=item.code, level=item.level,
                                        parent_id=item.parent or None, name_zh=item.name_zh,
                                        name_en=item.name_en,
                                        provisional=book.get(item.code) is None)
                present.add(item.code)


def _with_ancestors(book: IndustryCodebook, code: str) -> list:
    item = book.get(code) or provisional_industry(book, code)
    chain = [item]
    while chain[-1].parent:
        parent = book.get(chain[-1].parent) or provisional_industry(book, chain[-1].parent)
        chain.append(parent)
    return list(reversed(chain))


def prepare(kind: str, frame: pl.DataFrame, dry_run: bool) -> pl.DataFrame:
    """Resolve the references of checked rows before writing (parks, parties, codes)."""
    regions = _codes(frame, ("region", "supplier_region", "buyer_region"))
    if not dry_run:
        ensure_regions(regions)
        ensure_industries(_codes(frame, ("industry",)))
    if kind == "enterprises":
        return _resolve_parks(frame, dry_run)
    if kind == "supply_links":
        return _resolve_parties(frame)
    return frame


def _codes(frame: pl.DataFrame, columns: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for name in columns:
        if name in frame.columns:
            found |= set(frame[name].drop_nulls().unique().to_list())
    return found


def _resolve_parks(frame: pl.DataFrame, dry_run: bool) -> pl.DataFrame:
    if "park" not in frame.columns:
        return frame.with_columns(pl.lit(None, pl.Int64).alias("park_id"))
    wanted = set(frame.select("region", "park").drop_nulls().iter_rows())
    ids = {(p.region_id, p.name): p.pk for p in Park.objects.filter(
        name__in={name for _, name in wanted})}
    for region, name in sorted(wanted - set(ids)):
        if not dry_run:
            ids[(region, name)] = Park.objects.create(region_id=region, name=name).pk
    keys = [ids.get((r, n)) if n else None for r, n in frame.select("region", "park").iter_rows()]
    return frame.with_columns(pl.Series("park_id", keys, pl.Int64))


def _resolve_parties(frame: pl.DataFrame) -> pl.DataFrame:
    """Link each party given by USCC to the registry enterprise, when the registry holds it."""
    usccs = sorted(_codes(frame, ("supplier_uscc", "buyer_uscc")))
    known: set[str] = set()
    for i in range(0, len(usccs), 900):
        known |= set(Enterprise.objects.filter(uscc__in=usccs[i:i + 900]).values_list("uscc", flat=True))
    registered = pl.Series(sorted(known), dtype=pl.String).implode()
    return frame.with_columns(
        pl.when(pl.col(f"{side}_uscc").is_in(registered)).then(pl.col(f"{side}_uscc"))
        .otherwise(None).alias(f"{side}_id")
        for side in ("supplier", "buyer")
    )
