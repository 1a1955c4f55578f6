"""Industrial-chain templates (产业链模板): a chain's segments as documented data.

A *template* describes one industrial chain link by link: upstream materials and equipment,
midstream manufacturing, downstream products and sales, and the services around them (logistics,
testing, design, finance). Each *segment* lists the GB/T 4754-2017 classes (4-digit 小类) and the
product keywords that place a firm or a supply link in it, a short description, whether it is the
cluster's own core, and which segments it supplies — the edges of a chain map.

Templates are YAML files, one per chain, shipped in ``jiqun/chains/templates/``; users add or
replace them with their own files (:func:`load_templates`). A template may also be derived from the
firms' supply links (:func:`template_from_supply_links`). File layout::

    id: lighters                    # unique; a user template with a shipped id replaces it
    name_zh: 打火机
    name_en: Lighters
    aliases: [打火机产业集群]        # names bureaus use for the cluster
    description: …
    source: …                       # which seed sentence or public source it rests on
    includes: [other_id]            # optional: a cluster that bundles whole chains
    segments:
      - id: moulds
        name_zh: 模具
        name_en: Moulds
        stage: upstream             # upstream | midstream | downstream | services
        industries: {"3525": 模具制造}   # code → official name, or a list of codes
        keywords: [模具, 注塑模具]
        description: …
        core: false                 # true for the cluster's own segment(s); at least one
        supplies: [assembly]        # the segments it feeds

Rules, checked on loading (every problem names the file, the YAML line, the field and the value):

* ``id``, ``name_zh`` and ``segments`` (or ``includes``) are required; so are a segment's ``id``,
  ``name_zh``, ``stage`` and ``industries``. Unknown fields are refused (they are usually typos).
* Industry codes are 4-digit GB/T 4754-2017 classes. jiqun ships only the 门类/大类 levels, so by
  default a class is accepted when its 大类 exists; pass the full table
  (``codebook=IndustryCodebook.from_file(…)`` or the registry's) to check every class and the
  official names written next to the codes.
* Segment ids are unique within a template; ``supplies`` names segments of the same template.
* ``supplies`` must not loop (A → B → … → A): a chain map is drawn from upstream to downstream and
  Sankey charts refuse cycles. A feedback such as recycling is told in the description instead.
* An included template's segments are added with ids ``<template id>.<segment id>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

import polars as pl
import yaml

from jiqun.clusters.profile import config_hash
from jiqun.codes.industries import IndustryCodebook, check_industry
from jiqun.errors import InputError, Problem
from jiqun.money import format_money

Stage = Literal["upstream", "midstream", "downstream", "services"]
STAGES: tuple[Stage, ...] = get_args(Stage)
STAGE_NAMES: dict[Stage, str] = {"upstream": "上游", "midstream": "中游", "downstream": "下游",
                                 "services": "配套服务"}
TEMPLATE_FIELDS = ("id", "name_zh", "name_en", "aliases", "description", "source", "includes", "segments")
SEGMENT_FIELDS = ("id", "name_zh", "name_en", "stage", "industries", "keywords", "description", "core",
                  "supplies")
_CLASS_CODE = re.compile(r"\d{4}")


# --- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentEvidence:
    """What a derived segment rests on: the supply links between it and the core industries.

    Parameters
    ----------
    amount
        Value of the links, yuan: what the core bought from the segment (upstream, services) or
        sold to it (downstream).
    share
        ``amount`` as a share of all the core's purchases from outside the core industries
        (upstream, services) or of all its sales outside them (downstream).
    links
        Number of supply-link rows.
    firms
        Number of distinct counterpart firms of the segment's industry.
    """

    amount: float
    share: float
    links: int
    firms: int


@dataclass(frozen=True)
class Segment:
    """One link of an industrial chain.

    Parameters
    ----------
    id
        Unique within its template.
    name_zh, name_en
        The segment's name.
    stage
        ``upstream``, ``midstream``, ``downstream`` or ``services``.
    industries
        GB/T 4754-2017 classes (4-digit) whose firms belong to the segment.
    industry_names
        The official name of each class, aligned with ``industries`` ('' when not given).
    keywords
        Chinese product words that place a product (a supply link) in the segment.
    description
        What the segment is, in a sentence or two.
    core
        Whether the segment is the cluster's own core.
    supplies
        Ids of the segments this one feeds (the edges of the chain map).
    evidence
        For a derived segment, the supply links it rests on; ``None`` for a written one.
    """

    id: str
    name_zh: str
    stage: Stage
    industries: tuple[str, ...]
    name_en: str = ""
    industry_names: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    description: str = ""
    core: bool = False
    supplies: tuple[str, ...] = ()
    evidence: SegmentEvidence | None = None

    def product_score(self, product: str) -> tuple[bool, int]:
        """How well the segment's keywords fit ``product``: ``(False, 0)`` when none is in it.

        A Chinese product name puts its head noun last, so a keyword that ends the name beats a
        longer one inside it: 电子点火座模具 is a mould (模具), not an ignition part (电子点火).
        Among those, the longer keyword wins.
        """
        return max(((product.endswith(k), len(k)) for k in self.keywords if k and k in product),
                   default=(False, 0))


@dataclass(frozen=True)
class ChainTemplate:
    """An industrial chain as segments from upstream to downstream, plus services.

    Parameters
    ----------
    id
        Unique among the loaded templates.
    name_zh, name_en
        The chain's name.
    aliases
        Other names of the cluster (as bureaus write them).
    description
        What the chain is.
    source
        The seed sentence or public source the template rests on.
    segments
        The links, included templates' segments last.
    includes
        Ids of the templates whose segments this one bundles.
    file
        Where the template was read from ('' for a derived one).
    """

    id: str
    name_zh: str
    segments: tuple[Segment, ...]
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    includes: tuple[str, ...] = ()
    file: str = field(default="", compare=False)

    @property
    def industries(self) -> tuple[str, ...]:
        """Every industry code of the chain, sorted, each once."""
        return tuple(sorted({code for s in self.segments for code in s.industries}))

    @property
    def core_industries(self) -> tuple[str, ...]:
        """The industry codes of the core segments, sorted, each once."""
        return tuple(sorted({code for s in self.segments if s.core for code in s.industries}))

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """``(supplier segment id, supplied segment id)`` pairs, for a chain map."""
        return tuple((s.id, target) for s in self.segments for target in s.supplies)

    @property
    def hash(self) -> str:
        """The template's :func:`template_hash`."""
        return template_hash(self)

    def segment(self, segment_id: str) -> Segment:
        """The segment with this id (``KeyError`` if there is none)."""
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)

    def by_stage(self, stage: Stage) -> tuple[Segment, ...]:
        """The segments of one stage, in template order."""
        return tuple(s for s in self.segments if s.stage == stage)

    def segment_of(self, industry: str | None, product: str | None = None) -> Segment | None:
        """The segment a firm or a supply link belongs to.

        The industry code decides first. When several segments share the code (alumina and
        electrolytic aluminium are both 3216), the product's keywords choose among them
        (:meth:`Segment.product_score`), else a core segment, else the first. Without a matching
        code the product's keywords decide alone; ``None`` when nothing matches.
        """
        candidates = [s for s in self.segments if industry and industry in s.industries]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return _by_product(candidates, product) or next((s for s in candidates if s.core), candidates[0])
        return _by_product(self.segments, product)

    def as_dict(self) -> dict[str, Any]:
        """The template as plain data (JSON-ready; the file path left out)."""
        data = asdict(self)
        data.pop("file")
        return data


def _by_product(segments: Sequence[Segment], product: str | None) -> Segment | None:
    if not product:
        return None
    best = max(segments, key=lambda s: s.product_score(product), default=None)
    return best if best is not None and best.product_score(product)[1] else None


def template_hash(template: ChainTemplate) -> str:
    """SHA-256 (first 16 hex digits) of a template's content, for reproducible results."""
    return config_hash(template.as_dict())


# --- configuration -------------------------------------------------------------------------------


@cache
def chains_defaults() -> dict[str, Any]:
    """The shipped settings (``chains.yaml``)."""
    text = resources.files("jiqun.chains").joinpath("chains.yaml").read_text(encoding="utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


# --- reading YAML with line numbers -------------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """Safe YAML without number parsing: ``0610`` stays the code ``"0610"``."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table, filtered
        first: [(tag, rx) for tag, rx in resolvers
                if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    out = _Mapping()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(f"无法读取产业链模板：{exc}", file=str(path),
                                expected="UTF-8 编码的 YAML 文件") from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError.single(
            f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}", file=str(path),
            row=mark.line + 1 if mark else None, expected="合法的 YAML（缩进对齐、冒号后有空格、引号成对）",
        ) from exc


# --- parsing one file -----------------------------------------------------------------------------


@dataclass
class _Origin:
    """Where a segment was written: for messages about it after the template is assembled."""

    file: str
    index: int
    data: _Mapping

    def row(self, key: str | None = None) -> int:
        return _row(self.data, key)


@dataclass
class _Draft:
    """A parsed template before its includes are resolved and its links checked."""

    template: ChainTemplate
    file: str
    data: _Mapping
    origins: dict[str, _Origin] = field(default_factory=dict)


@dataclass
class _Problems:
    """The problems found in one file."""

    file: str
    found: list[Problem] = field(default_factory=list)

    def add(self, message: str, data: _Mapping, key: str | None, value: object = "",
            expected: str = "") -> None:
        self.found.append(Problem(message, file=self.file, row=_row(data, key), column=key or "",
                                  value=_shown(value), expected=expected))


def _row(data: _Mapping, key: str | None) -> int:
    """The YAML line of ``key`` in ``data``, else of the mapping itself."""
    return data.lines.get(key, data.line) if key else data.line


def _shown(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _raise(problems: list[Problem], summary: str) -> None:
    if problems:
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise InputError(f"{summary}：{problems[0].format()}{more}", problems)


def _text(data: _Mapping, key: str, where: str, out: _Problems, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            out.add(f"{where}缺少必填字段 {key}", data, key, expected=f"{key}: …（非空文字）")
        return ""
    if not isinstance(value, str):
        out.add(f"{where}的 {key} 应为一段文字", data, key, value, "文字")
        return ""
    return value.strip()


def _texts(data: _Mapping, key: str, where: str, out: _Problems) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        out.add(f"{where}的 {key} 应为文字列表", data, key, value, f"{key}: [甲, 乙]")
        return ()
    return tuple(v.strip() for v in value)


def _unknown_fields(data: _Mapping, allowed: tuple[str, ...], where: str, out: _Problems) -> None:
    for key in data:
        if key not in allowed:
            out.add(f"{where}有不认识的字段 {key}", data, key, key, "、".join(allowed))


def _parse_file(path: Path, codebook: IndustryCodebook | None) -> list[_Draft]:
    raw = _read_yaml(path)
    out = _Problems(str(path))
    items = raw if isinstance(raw, list) else [raw]
    drafts = []
    for item in items:
        if not isinstance(item, _Mapping):
            out.found.append(Problem("产业链模板应为 YAML 映射（id: …、segments: …）", file=out.file,
                                     row=1, value=_shown(item), expected="每个文件一个模板，或模板的列表"))
            continue
        draft = _parse_template(item, out, codebook)
        if draft is not None:
            drafts.append(draft)
    _raise(out.found, f"产业链模板 {path.name} 有误")
    return drafts


def _parse_template(data: _Mapping, out: _Problems, codebook: IndustryCodebook | None) -> _Draft | None:
    where = "模板"
    _unknown_fields(data, TEMPLATE_FIELDS, where, out)
    template_id = _text(data, "id", where, out, required=True)
    where = f"模板 {template_id}" if template_id else where
    name_zh = _text(data, "name_zh", where, out, required=True)
    includes = _texts(data, "includes", where, out)
    segments, origins = _parse_segments(data, where, out, codebook)
    if not includes and data.get("segments") in (None, []):
        out.add(f"{where}没有任何环节" if "segments" in data else f"{where}缺少必填字段 segments", data,
                "segments", expected="至少一个环节（segments: [- id: …]），或用 includes 组合其他模板")
    template = ChainTemplate(
        id=template_id, name_zh=name_zh, segments=tuple(segments),
        name_en=_text(data, "name_en", where, out), aliases=_texts(data, "aliases", where, out),
        description=_text(data, "description", where, out), source=_text(data, "source", where, out),
        includes=includes, file=out.file,
    )
    return _Draft(template, out.file, data, origins) if template_id else None


def _parse_segments(data: _Mapping, where: str, out: _Problems,
                    codebook: IndustryCodebook | None) -> tuple[list[Segment], dict[str, _Origin]]:
    items = data.get("segments")
    if items is None:
        return [], {}
    if not isinstance(items, list):
        out.add(f"{where}的 segments 应为环节列表", data, "segments", items, "segments: [- id: …]")
        return [], {}
    segments: list[Segment] = []
    origins: dict[str, _Origin] = {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, _Mapping):
            out.add(f"{where}的第 {index} 个环节应为映射（id: …、stage: …）", data, "segments", item)
            continue
        segment = _parse_segment(item, index, out, codebook)
        if segment is None:
            continue
        if segment.id in origins:
            out.add(f"环节 id 重复（第 {origins[segment.id].index} 个环节已用过）", item, "id", segment.id,
                    "模板内唯一的环节 id")
            continue
        segments.append(segment)
        origins[segment.id] = _Origin(out.file, index, item)
    return segments, origins


def _parse_segment(data: _Mapping, index: int, out: _Problems,
                   codebook: IndustryCodebook | None) -> Segment | None:
    where = f"第 {index} 个环节"
    _unknown_fields(data, SEGMENT_FIELDS, where, out)
    segment_id = _text(data, "id", where, out, required=True)
    where = f"第 {index} 个环节（{segment_id}）" if segment_id else where
    name_zh = _text(data, "name_zh", where, out, required=True)
    stage = _stage(data, where, out)
    codes, names = _industries(data, where, out, codebook)
    core = data.get("core", False)
    if not isinstance(core, bool):
        out.add(f"{where}的 core 应为 true 或 false", data, "core", core, "true / false")
        core = False
    name_en, description = _text(data, "name_en", where, out), _text(data, "description", where, out)
    keywords, supplies = _texts(data, "keywords", where, out), _texts(data, "supplies", where, out)
    if not (segment_id and name_zh and stage and codes):
        return None
    return Segment(id=segment_id, name_zh=name_zh, stage=stage, industries=codes, industry_names=names,
                   name_en=name_en, keywords=keywords, description=description, core=core, supplies=supplies)


def _stage(data: _Mapping, where: str, out: _Problems) -> Stage | None:
    value = data.get("stage")
    if value is None or value == "":
        out.add(f"{where}缺少必填字段 stage", data, "stage", expected="、".join(STAGES))
        return None
    if value not in STAGES:
        out.add(f"{where}的环节阶段不认识", data, "stage", value,
                "、".join(f"{s}（{STAGE_NAMES[s]}）" for s in STAGES))
        return None
    return cast(Stage, value)


def _industries(data: _Mapping, where: str, out: _Problems,
                codebook: IndustryCodebook | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    value = data.get("industries")
    if value is None or value == [] or value == {}:
        out.add(f"{where}缺少必填字段 industries", data, "industries",
                expected='industries: {"3059": 其他玻璃制品制造}（GB/T 4754-2017 小类）')
        return (), ()
    pairs = _code_pairs(value)
    if pairs is None:
        out.add(f"{where}的 industries 应为代码列表或“代码: 名称”映射", data, "industries", value,
                'industries: ["3059"] 或 {"3059": 其他玻璃制品制造}')
        return (), ()
    codes, names = [], []
    for code, name in pairs:
        problem = _code_problem(code, name, codebook)
        if problem:
            out.add(f"{where}的 industries {problem[0]}", data, "industries", code, problem[1])
        elif code not in codes:
            codes.append(code)
            names.append(name.strip() if isinstance(name, str) else "")
    return tuple(codes), tuple(names)


def _code_pairs(value: object) -> list[tuple[object, object]] | None:
    """``(code, name)`` pairs of an ``industries`` field (name ``None`` when not written)."""
    if isinstance(value, str):
        return [(value, None)]
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [(v, None) for v in value]
    return None


def _code_problem(code: object, name: object, codebook: IndustryCodebook | None) -> tuple[str, str] | None:
    """``(what is wrong, what is accepted)`` for one industry code of a template, or ``None``."""
    accepted = "GB/T 4754-2017 的 4 位小类代码（加引号），如 \"3059\"（其他玻璃制品制造）"
    if not isinstance(code, str) or not _CLASS_CODE.fullmatch(code):
        return "不是 4 位小类代码", accepted
    checked = check_industry(code, codebook)
    if checked.status not in ("known", "provisional"):
        return f"不是 GB/T 4754-2017 的行业代码（{checked.message}）", accepted
    if checked.status == "provisional" and codebook is not None and _holds_classes(codebook):
        return "不在所给的行业代码表中（该表载入了小类，却没有这个代码）", accepted
    if name is not None and not isinstance(name, str):
        return "名称应为文字", f'"{code}": 行业名称'
    known = codebook.get(code) if codebook is not None else None
    if checked.status == "known" and known and isinstance(name, str) and name.strip() \
            and name.strip() != known.name_zh:
        return f"写的名称“{name.strip()}”与代码表不符", f"{code} {known.name_zh}"
    return None


@cache
def _holds_classes(codebook: IndustryCodebook) -> bool:
    """Whether the book holds 小类 — then a class it lacks is unknown, not merely unloaded."""
    return any(i.level == 4 for i in codebook)


# --- assembling and checking templates ----------------------------------------------------------


def _shipped_paths() -> list[Path]:
    folder = resources.files("jiqun.chains").joinpath("templates")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


def _user_paths(paths: Sequence[Path | str]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise InputError.single("找不到产业链模板文件或目录", file=str(path),
                                    expected="存在的 .yaml 文件，或放 .yaml 文件的目录")
    return files


def _layer(files: Iterable[Path], codebook: IndustryCodebook | None) -> dict[str, _Draft]:
    """The drafts of one layer (shipped or user); one id may appear once per layer."""
    drafts: dict[str, _Draft] = {}
    for path in files:
        for draft in _parse_file(path, codebook):
            other = drafts.get(draft.template.id)
            if other is not None:
                raise InputError.single(
                    f"模板 id 重复：{other.file} 已定义 {draft.template.id}", file=draft.file,
                    row=_row(draft.data, "id"), column="id", value=draft.template.id,
                    expected="每个模板 id 只定义一次（用户模板与内置模板同 id 时替换内置模板）",
                )
            drafts[draft.template.id] = draft
    return drafts


def load_templates(paths: Sequence[Path | str] | None = None, *,
                   codebook: IndustryCodebook | None = None) -> dict[str, ChainTemplate]:
    """The shipped chain templates plus those in the user's files or directories.

    Parameters
    ----------
    paths
        YAML files, or directories whose ``*.yaml``/``*.yml`` files are read (not recursively).
        A user template whose id is a shipped one replaces it.
    codebook
        The industry codebook to check codes against; by default the shipped 门类/大类 (a 4-digit
        class is then accepted when its 大类 exists). Pass the full GB/T 4754-2017 table to check
        every class and the names written next to the codes.

    Returns
    -------
    dict
        Templates by id, shipped order first, then new user templates.

    Raises
    ------
    InputError
        A file is unreadable or malformed, or a template breaks a rule of the module docstring;
        every :class:`~jiqun.errors.Problem` names the file, YAML line, field and value.
    """
    if not paths and codebook is None:
        return dict(_shipped_templates())
    drafts = dict(_shipped_drafts(codebook))
    drafts.update(_layer(_user_paths(paths or ()), codebook))
    return _assembled(drafts)


@cache
def _shipped_drafts(codebook: IndustryCodebook | None) -> dict[str, _Draft]:
    return _layer(_shipped_paths(), codebook)


@cache
def _shipped_templates() -> dict[str, ChainTemplate]:
    return _assembled(_shipped_drafts(None))


def _assembled(drafts: Mapping[str, _Draft]) -> dict[str, ChainTemplate]:
    return {template_id: _assemble(draft, drafts, ())[0] for template_id, draft in drafts.items()}


def _assemble(draft: _Draft, drafts: Mapping[str, _Draft],
              trail: tuple[str, ...]) -> tuple[ChainTemplate, dict[str, _Origin]]:
    """The template with its included templates' segments, its links checked; and their origins."""
    template = draft.template
    segments = list(template.segments)
    origins = dict(draft.origins)
    for included_id in template.includes:
        part, part_origins = _assemble(_included(draft, included_id, drafts, trail), drafts,
                                       (*trail, template.id))
        for segment in part.segments:
            prefixed = _prefixed(segment, part.id)
            segments.append(prefixed)
            origins[prefixed.id] = part_origins[segment.id]
    out = replace(template, segments=tuple(segments))
    _check_links(out, draft, origins)
    return out, origins


def _included(draft: _Draft, included_id: str, drafts: Mapping[str, _Draft],
              trail: tuple[str, ...]) -> _Draft:
    data = draft.data
    row = _row(data, "includes")
    if included_id not in drafts:
        raise InputError.single(f"模板 {draft.template.id} 包含的模板不存在", file=draft.file, row=row,
                                column="includes", value=included_id, expected="、".join(sorted(drafts)))
    if included_id == draft.template.id or included_id in trail:
        raise InputError.single(f"模板 {draft.template.id} 的 includes 形成循环", file=draft.file, row=row,
                                column="includes", value=" → ".join((*trail, draft.template.id, included_id)),
                                expected="不互相包含的模板")
    return drafts[included_id]


def _prefixed(segment: Segment, prefix: str) -> Segment:
    return replace(segment, id=f"{prefix}.{segment.id}",
                   supplies=tuple(f"{prefix}.{target}" for target in segment.supplies))


def _check_links(template: ChainTemplate, draft: _Draft, origins: Mapping[str, _Origin]) -> None:
    problems: list[Problem] = []
    ids = {s.id for s in template.segments}
    for segment in template.segments:
        origin = origins[segment.id]
        problems += [
            Problem(f"第 {origin.index} 个环节（{segment.id}）supplies 指向不存在的环节", file=origin.file,
                    row=origin.row("supplies"), column="supplies", value=target,
                    expected="本模板的环节 id：" + "、".join(sorted(ids)))
            for target in segment.supplies if target not in ids
        ]
    if not problems:
        problems += _cycle_problems(template, origins)
    if not any(s.core for s in template.segments):
        problems.append(Problem(f"模板 {template.id} 没有核心环节", file=draft.file, row=draft.data.line,
                                column="core", expected="至少一个环节写 core: true（集群自身的环节）"))
    _raise(problems, f"产业链模板 {template.id} 有误")


def _cycle_problems(template: ChainTemplate, origins: Mapping[str, _Origin]) -> list[Problem]:
    cycle = _find_cycle({s.id: s.supplies for s in template.segments})
    if not cycle:
        return []
    origin = origins[cycle[0]]
    return [Problem("环节的 supplies 形成循环，产业链图无法从上游画到下游", file=origin.file,
                    row=origin.row("supplies"), column="supplies", value=" → ".join(cycle),
                    expected="无环的供给关系（回收利用等反馈写在 description 中）")]


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle of ``graph`` as a path that returns to its start, or ``[]``."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in graph:
        if start not in state and (found := visit(start)):
            return found
    return []


# --- choosing a template ---------------------------------------------------------------------------


def _normalised(name: str, suffixes: Sequence[str]) -> str:
    text = re.sub(r"\s+", "", name).casefold()
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _names_of(template: ChainTemplate) -> Iterator[str]:
    yield from (template.id, template.name_zh, template.name_en, *template.aliases)


def template_for(query: str | Iterable[str],
                 templates: Mapping[str, ChainTemplate] | None = None) -> ChainTemplate | None:
    """The template that best fits a cluster, by its name or by its industries.

    Parameters
    ----------
    query
        A cluster name (``"汽车零配件"``, ``"铝及铝加工产业集群"``) or industry codes.
        A name matches a template's id, names or aliases, ignoring spaces, case and the endings
        of ``chains.yaml`` (``产业集群`` …); failing an exact match, the longest alias contained
        in the name wins. Codes choose the template whose core segments share most of them, then
        whose segments share most, then the smallest template.
    templates
        The templates to choose from (default: :func:`load_templates`).

    Returns
    -------
    ChainTemplate or None
        ``None`` when no name matches, or no code is a core industry of any template.
    """
    pool = list((templates if templates is not None else load_templates()).values())
    if isinstance(query, str):
        return _by_name(query, pool)
    return _by_industries(set(query), pool)


def _by_name(name: str, pool: Sequence[ChainTemplate]) -> ChainTemplate | None:
    suffixes = chains_defaults()["name_suffixes"]
    wanted = _normalised(name, suffixes)
    if not wanted:
        return None
    for template in pool:
        if any(_normalised(n, suffixes) == wanted for n in _names_of(template) if n):
            return template
    contained = [(len(n), -i, t) for i, t in enumerate(pool) for n in (_normalised(a, suffixes)
                 for a in _names_of(t) if a) if len(n) >= 2 and n in wanted]
    return max(contained, key=lambda c: (c[0], c[1]))[2] if contained else None


def _by_industries(codes: set[str], pool: Sequence[ChainTemplate]) -> ChainTemplate | None:
    scored = [((len(codes & set(t.core_industries)), len(codes & set(t.industries)), -len(t.segments), -i), t)
              for i, t in enumerate(pool)]
    best = max(scored, key=lambda s: s[0], default=None)
    return best[1] if best is not None and best[0][0] > 0 else None


# --- templates derived from supply links ------------------------------------------------------------

_LINK_COLUMNS = ("supplier_uscc", "buyer_uscc", "product", "amount")
_ENTERPRISE_COLUMNS = ("uscc", "industry")


def template_from_supply_links(
    links: pl.DataFrame,
    enterprises: pl.DataFrame,
    core_industries: Iterable[str],
    *,
    min_share: float | None = None,
    year: int | None = None,
    codebook: IndustryCodebook | None = None,
) -> ChainTemplate:
    """A chain template read off the firms' supply links around the core industries.

    Upstream segments are the industries the core firms buy from, ranked by purchase value;
    downstream segments the industries they sell to, ranked by sales value. Suppliers in the
    service sections of ``chains.yaml`` (transport, finance, business and technical services …)
    become ``services`` segments. An industry is kept when its share reaches ``min_share`` of the
    core's purchases from (or sales to) firms outside the core industries — unregistered
    counterparts (no USCC or no industry) count in that total but never form a segment — and at
    most ``derive_max_segments`` are kept per stage. Each segment carries its evidence.

    Parameters
    ----------
    links
        The supply-link table (``supplier_uscc``, ``buyer_uscc``, ``product``, ``amount`` in yuan,
        optionally ``year``), as in :data:`jiqun.clusters.tables.SCHEMA`.
    enterprises
        The enterprise table (``uscc``, ``industry``).
    core_industries
        The cluster's own industry codes (GB/T 4754-2017 classes).
    min_share
        The share threshold (default ``derive_min_share`` of ``chains.yaml``).
    year
        Only the links of this year (default: all years together).
    codebook
        Names the derived segments' industries when it knows their classes; otherwise an upstream,
        core or services segment is named after its largest product and a downstream one after
        its 大类, each with the code.

    Returns
    -------
    ChainTemplate
        Upstream segments supply every core segment, services too; every core segment supplies
        every downstream segment.

    Raises
    ------
    InputError
        No core industry is given, a table lacks a column, or ``min_share`` is outside [0, 1].
    """
    cfg = chains_defaults()
    core = sorted({str(c) for c in core_industries})
    share = cfg["derive_min_share"] if min_share is None else float(min_share)
    _check_derive_inputs(links, enterprises, core, share)
    typed = _typed_links(links, enterprises, year)
    return ChainTemplate(
        id="derived-" + "-".join(core), name_zh=f"由供货关系推导的产业链（核心行业 {'、'.join(core)}）",
        name_en=f"Chain derived from supply links (core {', '.join(core)})",
        segments=_derived_segments(typed, core, share, cfg, codebook or IndustryCodebook.builtin()),
        description=_derived_description(typed, core, share),
        source=f"供货关系表：{typed.height} 条" + (f"（{year} 年）" if year is not None else "（全部年份）"),
    )


def _derived_segments(links: pl.DataFrame, core: list[str], share: float, cfg: Mapping[str, Any],
                      book: IndustryCodebook) -> tuple[Segment, ...]:
    """Upstream, core, downstream and services segments, each stage ranked and cut to size."""
    keep = cfg["derive_max_segments"]
    supplying = _ranked(links, "buyer", "supplier", core, share)
    services = [r for r in supplying if _is_service(r["industry"], cfg["service_sections"], book)]
    upstream = [r for r in supplying if r not in services]
    downstream = _ranked(links, "supplier", "buyer", core, share)[:keep]
    core_ids = tuple(f"core_{c}" for c in core)
    down_ids = tuple(f"down_{r['industry']}" for r in downstream)
    return (
        *(_derived(r, "upstream", "up", core_ids, book) for r in upstream[:keep]),
        *(_core_segment(c, links, down_ids, book) for c in core),
        *(_derived(r, "downstream", "down", (), book) for r in downstream),
        *(_derived(r, "services", "svc", core_ids, book) for r in services[:keep]),
    )


def _check_derive_inputs(links: pl.DataFrame, enterprises: pl.DataFrame, core: list[str],
                         share: float) -> None:
    if not core:
        raise InputError.single("没有给出核心行业", column="core_industries",
                                expected="至少一个 GB/T 4754-2017 小类代码")
    for name, frame, columns in (("supply_links", links, _LINK_COLUMNS),
                                 ("enterprises", enterprises, _ENTERPRISE_COLUMNS)):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError.single(f"分析表 {name} 缺少列：{'、'.join(missing)}", file=name,
                                    column=missing[0], expected="、".join(columns))
    if not 0 <= share <= 1:
        raise InputError.single("份额门槛应在 0 与 1 之间", column="min_share", value=str(share),
                                expected="0–1 之间的小数，如 0.05")


def _typed_links(links: pl.DataFrame, enterprises: pl.DataFrame, year: int | None) -> pl.DataFrame:
    """The links with ``supplier_industry`` and ``buyer_industry`` (null when unregistered)."""
    frame = links.select(
        *(pl.col(c).cast(pl.String) for c in ("supplier_uscc", "buyer_uscc", "product")),
        pl.col("amount").cast(pl.Float64),
        (pl.col("year").cast(pl.Int64) if "year" in links.columns else pl.lit(None, pl.Int64)).alias("year"),
    ).filter(pl.col("amount").is_not_null())
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    industry = enterprises.select(pl.col("uscc").cast(pl.String), pl.col("industry").cast(pl.String)) \
        .unique(subset="uscc", keep="first")
    for side in ("supplier", "buyer"):
        frame = frame.join(industry.rename({"uscc": f"{side}_uscc", "industry": f"{side}_industry"}),
                           on=f"{side}_uscc", how="left")
    return frame


def _ranked(links: pl.DataFrame, core_side: str, other_side: str, core: list[str],
            min_share: float) -> list[dict[str, Any]]:
    """Industries on ``other_side`` of the core's links, by amount, with share ≥ ``min_share``."""
    outside = links.filter(pl.col(f"{core_side}_industry").is_in(core)
                           & ~pl.col(f"{other_side}_industry").fill_null("").is_in(core))
    total = float(outside["amount"].sum() or 0.0)
    if total <= 0:
        return []
    grouped = (
        outside.filter(pl.col(f"{other_side}_industry").is_not_null())
        .group_by(pl.col(f"{other_side}_industry").alias("industry"))
        .agg(pl.col("amount").sum(), pl.len().alias("links"),
             pl.col(f"{other_side}_uscc").n_unique().alias("firms"),
             pl.col("product").filter(pl.col("product").is_not_null()).alias("products"),
             pl.col("amount").filter(pl.col("product").is_not_null()).alias("product_amounts"))
        .with_columns((pl.col("amount") / total).alias("share"))
        .filter(pl.col("share") >= min_share)
        .sort(["amount", "industry"], descending=[True, False])
    )
    return [{**row, "products": _top_products(row["products"], row["product_amounts"])}
            for row in grouped.iter_rows(named=True)]


def _top_products(products: list[str], amounts: list[float], n: int = 5) -> tuple[str, ...]:
    totals: dict[str, float] = {}
    for product, amount in zip(products, amounts, strict=True):
        totals[product] = totals.get(product, 0.0) + amount
    return tuple(p for p, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _is_service(code: str, sections: Sequence[str], book: IndustryCodebook) -> bool:
    section = book.section_of(code)
    return section is not None and section.code in sections


_DERIVED_ROLE = {"upstream": "向核心行业供货", "services": "为核心行业提供服务",
                 "downstream": "向核心行业采购"}


def _class_name(code: str, book: IndustryCodebook) -> str:
    known = book.get(code)
    return known.name_zh if known is not None else ""


def _industry_name(code: str, book: IndustryCodebook, products: Sequence[str]) -> str:
    """The class's name if the book knows it; else what it sells, else its 大类, with the code."""
    if _class_name(code, book):
        return _class_name(code, book)
    division = book.division_of(code)
    label = products[0] if products else (division.name_zh if division is not None else "行业")
    return f"{label}（{code}）"


def _derived(row: Mapping[str, Any], stage: Stage, prefix: str, supplies: tuple[str, ...],
             book: IndustryCodebook) -> Segment:
    code = row["industry"]
    # a downstream industry buys the core's products: its own are not in the links
    name = _industry_name(code, book, () if stage == "downstream" else row["products"])
    return Segment(
        id=f"{prefix}_{code}", name_zh=name, stage=stage, industries=(code,),
        industry_names=(_class_name(code, book),), keywords=row["products"],
        description=f"行业 {code}{_DERIVED_ROLE[stage]}：{format_money(row['amount'])}，"
                    f"占 {row['share']:.1%}，{row['firms']} 家企业、{row['links']} 条供货关系",
        supplies=supplies, evidence=SegmentEvidence(float(row["amount"]), float(row["share"]),
                                                    int(row["links"]), int(row["firms"])),
    )


def _core_segment(code: str, links: pl.DataFrame, supplies: tuple[str, ...],
                  book: IndustryCodebook) -> Segment:
    sold = links.filter(pl.col("supplier_industry") == code)
    products = _top_products(sold["product"].drop_nulls().to_list(),
                             sold.filter(pl.col("product").is_not_null())["amount"].to_list())
    return Segment(
        id=f"core_{code}", name_zh=_industry_name(code, book, products), stage="midstream",
        industries=(code,), industry_names=(_class_name(code, book),), keywords=products,
        description=f"核心行业 {code}", core=True, supplies=supplies,
    )


def _derived_description(links: pl.DataFrame, core: list[str], share: float) -> str:
    bought = links.filter(pl.col("buyer_industry").is_in(core)
                          & ~pl.col("supplier_industry").fill_null("").is_in(core))
    unknown = float(bought.filter(pl.col("supplier_industry").is_null())["amount"].sum() or 0.0)
    total = float(bought["amount"].sum() or 0.0)
    text = (f"由供货关系推导：核心行业向外采购与向外销售中，份额不低于 {share:.0%} 的行业"
            "列为上游、下游或配套服务环节。")
    if total > 0:
        text += f"采购中 {unknown / total:.0%} 来自未登记或行业不明的供应商，不形成环节。"
    return text
