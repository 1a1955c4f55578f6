"""The cluster commands of the jiqun CLI: ``jiqun clusters identify`` and ``jiqun diagnose``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import numpy as np

Setup = Callable[[argparse.Namespace], Any]


def add_cluster_commands(sub: argparse._SubParsersAction, parser_class: type, setup: Setup) -> None:
    """Register ``clusters identify`` and ``diagnose`` on the CLI's subparsers."""
    p = sub.add_parser("clusters", help="识别县域产业集群")
    commands = p.add_subparsers(dest="clusters_command", required=True, parser_class=parser_class)
    identify = commands.add_parser(
        "identify", help="识别一个县的产业集群（区位熵、强度等级、星级、关联行业）"
    )
    _common(identify)
    identify.set_defaults(func=lambda args: _identify(args, setup))
    diagnose = sub.add_parser(
        "diagnose", help="诊断县域产业集群：画像、发展阶段、辐射层级、问题与对策、认定条件"
    )
    _common(diagnose)
    diagnose.add_argument("--cluster", help="只诊断这个集群（名称或行业代码）")
    diagnose.set_defaults(func=lambda args: _diagnose(args, setup))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", required=True, help="县级行政区划代码（GB/T 2260），如 430582")
    p.add_argument("--year", type=int, help="年份（默认登记库中最新的年份）")
    p.add_argument("--seed", type=int, default=20261127, help="LISA 置换检验的随机种子（默认 20261127）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="文字输出的语言（默认中文）")


def county(code: str) -> Any:
    """The registry's county with this code; an unknown code is an InputError on ``--region``."""
    from jiqun.errors import InputError
    from jiqun.registry.models import Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InputError.single(
            "不认识的行政区划代码", column="--region", value=code, expected="现行六位县级代码，如 430582"
        )
    return region


def _load(args: argparse.Namespace, setup: Setup) -> tuple[dict[str, Any], dict[str, str], str, int]:
    setup(args)
    from jiqun.clusters.diagnose import latest_year
    from jiqun.registry.models import Industry
    from jiqun.registry.snapshot import registry_tables

    region = county(args.region)
    tables = registry_tables()
    # provisional classes carry a placeholder name; their code reads better than the placeholder
    names = dict(Industry.objects.filter(provisional=False).values_list("code", "name_zh"))
    return tables, names, region.name, args.year or latest_year(tables)


def _identify(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.clusters.identify import identify_clusters
    from jiqun.clusters.text import identification_text

    tables, names, region_name, year = _load(args, setup)
    found = identify_clusters(
        tables, args.region, year, industry_names=names, rng=np.random.default_rng(args.seed)
    )
    _print(found, args.format, lambda: identification_text(found, region_name, args.lang))
    return 0


def _diagnose(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.clusters.diagnose import diagnose
    from jiqun.clusters.text import diagnosis_text

    tables, names, region_name, year = _load(args, setup)
    result = diagnose(
        tables,
        args.region,
        year,
        cluster=args.cluster,
        industry_names=names,
        rng=np.random.default_rng(args.seed),
    )
    _print(result, args.format, lambda: diagnosis_text(result, region_name, args.lang))
    return 0


def _print(result: Any, fmt: str, text: Callable[[], str]) -> None:
    from dataclasses import asdict

    if fmt == "json":
        print(json.dumps(asdict(result), ensure_ascii=False, indent=2, default=str))
    else:
        print(text())
