"""The chain commands of the jiqun CLI: ``jiqun chain …`` and ``jiqun projects …``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Setup = Callable[[argparse.Namespace], Any]


def add_chain_commands(sub: argparse._SubParsersAction, parser_class: type, setup: Setup) -> None:
    """Register ``chain`` (templates, show, attract, multipliers, impact) and ``projects``."""
    chain = sub.add_parser("chain", help="产业链：模板、链条分析、补链招商、投入产出测算")
    commands = chain.add_subparsers(dest="chain_command", required=True, parser_class=parser_class)

    templates = commands.add_parser("templates", help="列出产业链模板，或显示一个模板的环节")
    templates.add_argument("--template", help="模板编号或名称（如 lighters、打火机）")
    _template_files(templates)
    templates.add_argument("--format", choices=["text", "json"], default="text")
    templates.set_defaults(func=_templates)

    show = commands.add_parser("show", help="一个县一个集群的产业链：各环节企业、本地配套率、缺链/断链/弱链")
    _cluster_args(show)
    show.set_defaults(func=lambda args: _show(args, setup))

    attract = commands.add_parser(
        "attract", help="补链招商：按缺链程度、关联密度和吸引力排序的行业与县外企业"
    )
    _cluster_args(attract)
    attract.add_argument("--top", type=int, default=10, help="文本输出显示的行业和企业数（默认 10）")
    attract.set_defaults(func=lambda args: _attract(args, setup))

    multipliers = commands.add_parser(
        "multipliers", help="投入产出表的产出、增加值和就业乘数（里昂惕夫逆矩阵）"
    )
    _io_args(multipliers)
    multipliers.set_defaults(func=_multipliers)

    impact = commands.add_parser("impact", help="一个项目或补链环节新增产值的带动效应（产出、增加值、就业）")
    _io_args(impact)
    impact.add_argument("--sector", required=True, help="投入产出表中的部门代码")
    impact.add_argument("--output", required=True, type=float, help="新增产值（亿元）")
    impact.add_argument(
        "--basis",
        choices=["final_demand", "output"],
        default="final_demand",
        help="新增产值视为新增最终需求（默认）或该部门总产出的增加",
    )
    impact.set_defaults(func=_impact)

    projects = sub.add_parser("projects", help="重点项目：分阶段汇总与集群目标跟踪")
    pcommands = projects.add_subparsers(dest="projects_command", required=True, parser_class=parser_class)
    pipeline = pcommands.add_parser("pipeline", help="重点项目按集群和阶段（签约→开工→在建→投产→达产）汇总")
    _region_args(pipeline)
    pipeline.add_argument("--cluster", help="只看这个集群的项目")
    _template_files(pipeline)
    pipeline.set_defaults(func=lambda args: _pipeline(args, setup))
    track = pcommands.add_parser("track", help="集群产值目标跟踪：已有轨迹、趋势预测加项目贡献、差距")
    _region_args(track)
    track.add_argument("--cluster", required=True, help="集群名称（与集群目标表中的名称一致）")
    _template_files(track)
    track.add_argument("--lang", choices=["zh", "en"], default="zh")
    track.set_defaults(func=lambda args: _track(args, setup))


def _region_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", required=True, help="县级行政区划代码（GB/T 2260），如 430582")
    p.add_argument("--year", type=int, help="年份（默认登记库中最新的年份）")
    p.add_argument("--format", choices=["text", "json"], default="text")


def _cluster_args(p: argparse.ArgumentParser) -> None:
    _region_args(p)
    p.add_argument(
        "--cluster",
        required=True,
        help="集群名称或核心行业代码（如 打火机、4119）；没有对应模板时由供应链关系推导",
    )
    p.add_argument("--template", help="直接指定产业链模板编号（如 lighters）")
    _template_files(p)


def _template_files(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--templates",
        action="append",
        type=Path,
        default=[],
        help="自定义产业链模板 YAML 文件或目录（可重复；同编号覆盖内置模板）",
    )


def _io_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--io", type=Path, help="投入产出表文件（CSV 或 XLSX，部门×部门）")
    p.add_argument("--example", action="store_true", help="使用随包附带的示意表（仅供演示，不是统计数据）")
    p.add_argument("--format", choices=["text", "json"], default="text")


def _emit(data: Any, fmt: str, text: Callable[[], str]) -> None:
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text())


def _templates(args: argparse.Namespace) -> int:
    from jiqun.chains.templates import load_templates, template_for
    from jiqun.chains.text import template_text, templates_text
    from jiqun.errors import InputError

    templates = load_templates(args.templates or None)
    if args.template is None:
        _emit([t.as_dict() for t in templates.values()], args.format, lambda: templates_text(templates))
        return 0
    found = templates.get(args.template) or template_for(args.template, templates)
    if found is None:
        raise InputError.single(
            "没有这个产业链模板", column="--template", value=args.template, expected="、".join(templates)
        )
    _emit(found.as_dict(), args.format, lambda: template_text(found))
    return 0


def _registry(args: argparse.Namespace, setup: Setup) -> tuple[dict[str, Any], str, int]:
    setup(args)
    from jiqun.cli_clusters import county
    from jiqun.clusters.diagnose import latest_year
    from jiqun.registry.snapshot import registry_tables

    region = county(args.region)
    tables = registry_tables()
    return tables, region.name, args.year or latest_year(tables)


def resolve_template(
    tables: dict[str, Any], cluster: str, template_id: str | None, files: list[Path], year: int
) -> Any:
    """The template of a cluster: named, matched by name or core code, else derived from supply links."""
    from jiqun.chains.templates import load_templates, template_for, template_from_supply_links
    from jiqun.errors import InputError

    templates = load_templates(files or None)
    if template_id:
        if template_id not in templates:
            raise InputError.single(
                "没有这个产业链模板", column="--template", value=template_id, expected="、".join(templates)
            )
        return templates[template_id]
    query: str | list[str] = [cluster] if cluster.isdigit() else cluster
    found = template_for(query, templates)
    if found is not None:
        return found
    if cluster.isdigit() and len(cluster) == 4 and _has_firms(tables, cluster):
        return template_from_supply_links(tables["supply_links"], tables["enterprises"], {cluster}, year=year)
    raise InputError.single(
        "没有与该集群对应的产业链模板",
        column="--cluster",
        value=cluster,
        expected="模板名称或别名（jiqun chain templates 可列出），或四位核心行业代码以便由供应链推导",
    )


def _has_firms(tables: dict[str, Any], industry: str) -> bool:
    """Whether the registry has firms of the industry (a chain can only be derived around them)."""
    import polars as pl

    return tables["enterprises"].filter(pl.col("industry") == industry).height > 0


def _show(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.chains.analysis import analyse_chain
    from jiqun.chains.text import chain_text

    tables, region_name, year = _registry(args, setup)
    template = resolve_template(tables, args.cluster, args.template, args.templates, year)
    result = analyse_chain(tables, args.region, template, year)
    _emit(result.to_dict(), args.format, lambda: chain_text(result, region_name))
    return 0


def _attract(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.chains.analysis import analyse_chain
    from jiqun.chains.attract import attraction
    from jiqun.chains.text import attraction_text

    tables, _, year = _registry(args, setup)
    template = resolve_template(tables, args.cluster, args.template, args.templates, year)
    result = attraction(tables, analyse_chain(tables, args.region, template, year), template)
    _emit(result.to_dict(), args.format, lambda: attraction_text(result, args.top))
    return 0


def _io_table(args: argparse.Namespace) -> Any:
    from jiqun.chains.io import example_table, load_io_table
    from jiqun.errors import DataStateError

    if args.io is not None:
        return load_io_table(args.io)
    if args.example:
        return example_table()
    raise DataStateError(
        "未加载投入产出表，无法计算乘数：用 --io 文件 读入本地的部门×部门投入产出表（CSV 或 XLSX），"
        "或用 --example 查看随包附带的示意表（不是统计数据，不能用于实际测算）"
    )


def _multipliers(args: argparse.Namespace) -> int:
    from jiqun.chains.io import multipliers

    frame = multipliers(_io_table(args))

    def text() -> str:
        lines = ["部门 产出乘数 增加值乘数 就业乘数（人/亿元）"]
        for row in frame.iter_rows(named=True):
            jobs = "" if row["employment"] is None else f"{row['employment'] * 1e8:.0f}"
            va = "" if row["value_added"] is None else f"{row['value_added']:.3f}"
            lines.append(f"{row['code']} {row['name']} {row['output']:.3f} {va} {jobs}")
        return "\n".join(lines)

    _emit(frame.to_dicts(), args.format, text)
    return 0


def _impact(args: argparse.Namespace) -> int:
    from jiqun.chains.io import project_impact
    from jiqun.money import format_money

    result = project_impact(_io_table(args), args.sector, args.output * 1e8, basis=args.basis)

    def text() -> str:
        lines = [
            f"新增产值 {format_money(args.output * 1e8)}（部门 {args.sector}）的带动效应：",
            f"  总产出 {format_money(result.total_output)}，"
            f"其中间接带动 {format_money(result.total_indirect_output)}",
        ]
        if result.total_value_added is not None:
            lines.append(f"  增加值 {format_money(result.total_value_added)}")
        if result.total_jobs is not None:
            lines.append(f"  就业 {result.total_jobs:,.0f} 人")
        return "\n".join(lines)

    _emit(result.as_dict(), args.format, text)
    return 0


def _project_links(tables: dict[str, Any], region: str, files: list[Path]) -> dict[str, str]:
    """Each project's chain link: the segment of its cluster's template its industry falls in."""
    import polars as pl

    from jiqun.chains.templates import load_templates, template_for

    templates = load_templates(files or None)
    out = {}
    projects = tables["key_projects"].filter(pl.col("region") == region)
    for name, cluster, industry in projects.select("name", "cluster", "industry").rows():
        template = template_for(cluster, templates) if cluster else None
        segment = template.segment_of(industry, name) if template else None
        if segment is not None:
            out[name] = f"{template.name_zh} · {segment.name_zh}"
    return out


def _pipeline(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.chains.projects import pipeline
    from jiqun.chains.text import pipeline_text

    tables, _, _ = _registry(args, setup)
    result = pipeline(tables, args.region, args.cluster)
    links = _project_links(tables, args.region, args.templates)
    _emit({**result.to_dict(), "links": links}, args.format, lambda: pipeline_text(result, links))
    return 0


def _track(args: argparse.Namespace, setup: Setup) -> int:
    from jiqun.chains.projects import track_target
    from jiqun.chains.templates import load_templates, template_for

    tables, _, _ = _registry(args, setup)
    template = template_for(args.cluster, load_templates(args.templates or None))
    industries = template.core_industries if template else None
    result = track_target(tables, args.region, args.cluster, industries)
    _emit(result.to_dict(), args.format, lambda: result.statement(args.lang))
    return 0
