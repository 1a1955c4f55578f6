"""``jiqun report``: the cluster survey report of a county as Word, Excel and HTML."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Setup = Callable[[argparse.Namespace], Any]
FORMATS = ("docx", "xlsx", "html")


def add_report_command(sub: argparse._SubParsersAction, setup: Setup) -> None:
    """Register ``jiqun report``."""
    p = sub.add_parser(
        "report",
        help="生成产业集群调研报告（Word、Excel、HTML）：现状、问题、阶段与方向、对策建议",
        description="从登记库计算每一个数字，按种子文本（宝应调研报告）的结构生成报告；"
        "不指定 --cluster 时，该县识别出的每个集群各一份报告。",
    )
    p.add_argument("--region", required=True, help="县级行政区划代码（GB/T 2260），如 321023")
    p.add_argument("--cluster", help="只写这个集群（名称或行业代码）")
    p.add_argument("--year", type=int, help="年份（默认登记库中最新的年份）")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="报告语言（默认中文）")
    p.add_argument("--format", default="docx,xlsx,html", help="逗号分隔：docx,xlsx,html（默认全部）")
    p.add_argument("--out", type=Path, default=Path("."), help="输出目录（默认当前目录）")
    p.set_defaults(func=lambda args: _report(args, setup))


def parse_formats(text: str) -> tuple[str, ...]:
    """The formats named in ``--format``, checked."""
    from jiqun.errors import InputError

    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError.single(
            "不支持的报告格式", column="--format", value=text, expected="、".join(FORMATS)
        )
    return chosen


def _report(args: argparse.Namespace, setup: Setup) -> int:
    formats = parse_formats(args.format)
    setup(args)
    from jiqun.cli_clusters import county
    from jiqun.registry.models import Industry
    from jiqun.registry.snapshot import registry_tables

    region = county(args.region)
    # provisional classes carry a placeholder name; their code reads better than the placeholder
    names = dict(Industry.objects.filter(provisional=False).values_list("code", "name_zh"))
    paths = write_county_reports(
        registry_tables(),
        args.region,
        region.name,
        args.out,
        year=args.year,
        cluster=args.cluster,
        lang=args.lang,
        formats=formats,
        industry_names=names,
    )
    for path in paths:
        print(path)
    return 0


def write_county_reports(
    tables: Any,
    region: str,
    region_name: str,
    out: Path,
    *,
    year: int | None = None,
    cluster: str | None = None,
    lang: str = "zh",
    formats: Sequence[str] = FORMATS,
    industry_names: dict[str, str] | None = None,
) -> list[Path]:
    """Build the county's reports and write each in every format; returns the files written."""
    from jiqun.report.build import build_reports
    from jiqun.report.write import write_report

    reports = build_reports(
        tables,
        region,
        region_name,
        year,
        cluster=cluster,
        lang=lang,
        industry_names=industry_names,  # type: ignore[arg-type]
    )
    return [path for report in reports for path in write_report(report, out, formats)]
