"""Chain templates: the shipped ones against the seeds, user templates, bad files, derivation."""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
import yaml

from jiqun.chains.templates import (
    STAGES,
    ChainTemplate,
    chains_defaults,
    load_templates,
    template_for,
    template_from_supply_links,
    template_hash,
)
from jiqun.codes.industries import Industry, IndustryCodebook
from jiqun.errors import InputError

SHIPPED = {"lighters", "glass_crafts", "chlor_alkali", "gfrp", "aluminium", "cement", "auto_parts",
           "textiles", "agrifood", "textile_agrifood", "logistics"}
MANUFACTURING = SHIPPED - {"logistics", "textile_agrifood"}


@pytest.fixture(scope="module")
def templates() -> dict[str, ChainTemplate]:
    return load_templates()


@pytest.fixture(scope="module")
def seeds() -> dict:
    text = resources.files("jiqun.demo").joinpath("seed_figures.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _economy_names() -> dict[str, str]:
    """Official names of the 100 classes of the demo economy (checked against the standard there)."""
    text = resources.files("jiqun.demo").joinpath("economy_data.yaml").read_text(encoding="utf-8")
    return {i["code"]: i["name"] for i in yaml.safe_load(text)["industries"]}


# --- the shipped templates -------------------------------------------------------------------------


def test_every_chain_of_the_seeds_has_a_complete_template(templates: dict[str, ChainTemplate]) -> None:
    assert set(templates) == SHIPPED
    for t in templates.values():
        assert t.name_zh and t.name_en and t.aliases and t.description and t.source, t.id
        assert t.core_industries, t.id
        for s in t.segments:
            assert s.stage in STAGES
            assert s.name_zh and s.name_en and s.description and s.keywords, (t.id, s.id)
            assert all(s.industry_names), (t.id, s.id)  # every shipped code carries its official name
    for template_id in MANUFACTURING:
        stages = {s.stage for s in templates[template_id].segments}
        assert stages == set(STAGES), template_id


def test_chain_maps_are_drawable(templates: dict[str, ChainTemplate]) -> None:
    for t in templates.values():
        ids = {s.id for s in t.segments}
        assert len(ids) == len(t.segments)
        assert all(a in ids and b in ids for a, b in t.edges), t.id
        for s in t.segments:
            if s.stage in ("upstream", "services") or s.core:
                assert s.supplies, f"{t.id}.{s.id} feeds nothing"
        fed = {b for _, b in t.edges}
        assert all(s.id in fed for s in t.segments if s.stage == "downstream"), t.id


def test_shipped_codes_are_classes_with_consistent_official_names(
        templates: dict[str, ChainTemplate]) -> None:
    book = IndustryCodebook.builtin()
    economy = _economy_names()
    seen: dict[str, str] = {}
    for t in templates.values():
        for s in t.segments:
            for code, name in zip(s.industries, s.industry_names, strict=True):
                assert re.fullmatch(r"\d{4}", code) and code[:2] in book, (t.id, code)
                assert seen.setdefault(code, name) == name, f"{code} is named {seen[code]} and {name}"
                if code in economy:
                    assert name == economy[code], f"{t.id}: {code} {name} ≠ {economy[code]}"
    assert len(set(seen) & set(economy)) >= 40  # the cross-check covers a good part of the codes


def test_every_planted_seed_code_falls_in_its_template(templates: dict[str, ChainTemplate],
                                                       seeds: dict) -> None:
    shaodong, baoying, qinyang = seeds["shaodong"], seeds["baoying"], seeds["qinyang"]
    lighters = template_for("打火机", templates)
    assert lighters is not None and lighters.id == "lighters"
    assert lighters.segment_of(shaodong["lighter_industry"]).core
    assert lighters.segment_of("5431").stage == "services"  # the planted freight firms

    crafts = template_for("玻璃（水晶）工艺制品", templates)
    assert crafts is not None and crafts.segment_of(baoying["craft_industry"]).core
    for firm in baoying["supporting"]:
        segment = crafts.segment_of(firm["industry"], firm["product"])
        assert segment is not None and segment.stage == "upstream", firm
        assert firm["word"] in segment.keywords or firm["product"] in segment.keywords, firm

    for cluster, codes in (("化工", qinyang["chemical_industries"]),
                           ("铝及铝加工", qinyang["aluminium_industries"]),
                           ("玻璃钢及玻璃", [qinyang["gfrp_industry"]])):
        template = template_for(cluster, templates)
        assert template is not None and set(codes) <= set(template.core_industries), cluster
    for project in qinyang["projects"]:
        template = template_for(project["cluster"], templates)
        assert template is not None and project["industry"] in template.industries, project["name"]

    for cluster in seeds["xiangzhou"]["clusters"]:
        template = template_for(cluster["name"], templates)
        assert template is not None, cluster["name"]
        assert set(cluster["industries"]) <= set(template.core_industries), cluster["name"]
        assert template_for(cluster["industries"], templates) == template  # by codes: the same template


def test_shaodong_lighter_chain_has_several_upstream_links(templates: dict[str, ChainTemplate],
                                                           seeds: dict) -> None:
    lighters = templates["lighters"]
    upstream = lighters.by_stage("upstream")
    assert len(upstream) >= 6
    codes = {c for s in upstream for c in s.industries}
    assert {"3525", "2929", "2231", "3399"} <= codes  # moulds, plastic parts, cartons, metal parts
    for mould in seeds["shaodong"]["mould_types"]:  # the seed's duplicated mould purchases
        assert lighters.segment_of(None, mould).id == "moulds", mould
    assert lighters.segment_of(None, "电子点火座").id == "ignition"
    service_codes = {c for s in lighters.by_stage("services") for c in s.industries}
    assert {"5431", "7452", "7491", "6621"} <= service_codes  # freight, testing, design, finance


# --- finding a template and a segment ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("汽车零配件", "auto_parts"), ("机电汽配产业集群", "auto_parts"), ("汽车零部件", "auto_parts"),
    ("铝及铝加工", "aluminium"), ("化工", "chlor_alkali"), ("玻璃钢及玻璃", "gfrp"),
    ("纺织服装和农副产品加工", "textile_agrifood"), ("现代物流产业群", "logistics"), ("打火机", "lighters"),
    ("玻璃工艺品", "glass_crafts"), ("宝应玻璃水晶工艺品", "glass_crafts"), ("建材", "cement"),
    ("Auto parts", "auto_parts"), ("粮油加工", "agrifood"), ("纺织服装", "textiles"),
])
def test_template_for_a_cluster_name(templates: dict[str, ChainTemplate], name: str, expected: str) -> None:
    found = template_for(name, templates)
    assert found is not None and found.id == expected


def test_template_for_says_none_rather_than_guess(templates: dict[str, ChainTemplate]) -> None:
    assert template_for("生物医药", templates) is None
    assert template_for(["8411"], templates) is None  # hospitals are no chain's core
    assert template_for("", templates) is None


def test_template_for_industries_prefers_the_closest_chain(templates: dict[str, ChainTemplate]) -> None:
    assert template_for(["1711", "1811"], templates).id == "textiles"  # not the bundle that also holds them
    assert template_for(["4119", "5431"], templates).id == "lighters"
    assert template_for(["5431", "5821", "5990"], templates).id == "logistics"


def test_segment_of_uses_the_product_where_codes_are_shared(templates: dict[str, ChainTemplate]) -> None:
    aluminium = templates["aluminium"]
    assert aluminium.segment_of("3216", "冶金级氧化铝").id == "alumina"
    assert aluminium.segment_of("3216", "铝锭").id == "smelting"
    assert aluminium.segment_of("3216").id == "smelting"  # no product: the core segment
    assert aluminium.segment_of("3252", "高档铝型材").id == "extrusion"
    assert aluminium.segment_of("3252", "铝板带").id == "rolling"
    assert aluminium.segment_of("9999", "铝合金门窗").id == "windows"  # unknown code: the product decides
    assert aluminium.segment_of("9999") is None
    bundle = templates["textile_agrifood"]
    assert bundle.segment_of("1331").id == "agrifood.edible_oil"
    assert ("textiles.spinning", "textiles.weaving") in bundle.edges


def test_template_hash_identifies_the_content(templates: dict[str, ChainTemplate]) -> None:
    lighters = templates["lighters"]
    assert template_hash(lighters) == load_templates()["lighters"].hash
    assert len(lighters.hash) == 16
    changed = replace(lighters, segments=lighters.segments[:-1])
    assert template_hash(changed) != lighters.hash
    assert template_hash(replace(lighters, file="elsewhere.yaml")) == lighters.hash


# --- user templates ---------------------------------------------------------------------------------

VALID = """\
id: mushrooms
name_zh: 食用菌
name_en: Edible mushrooms
aliases: [香菇产业集群]
segments:
  - id: substrate
    name_zh: 菌棒原料
    stage: upstream
    industries: {"0142": 食用菌种植}
    keywords: [菌棒]
    supplies: [processing]
  - id: processing
    name_zh: 食用菌加工
    stage: midstream
    industries: ["1372"]
    keywords: [干香菇]
    core: true
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _as(template_id: str, alias: str) -> str:
    return VALID.replace("id: mushrooms", f"id: {template_id}").replace("[香菇产业集群]", f"[{alias}]")


def test_user_templates_add_and_replace(tmp_path: Path, templates: dict[str, ChainTemplate]) -> None:
    _write(tmp_path, "mushrooms.yaml", VALID)
    _write(tmp_path, "lighters.yml", _as("lighters", "打火机"))
    _write(tmp_path, "textiles.yaml", _as("textiles", "纺织服装"))
    _write(tmp_path, "notes.txt", "not a template")
    loaded = load_templates([tmp_path])
    assert set(loaded) == SHIPPED | {"mushrooms"}
    assert loaded["lighters"].name_zh == "食用菌" and loaded["lighters"].file.endswith("lighters.yml")
    assert template_for("打火机", loaded) == loaded["lighters"]
    assert template_for("香菇产业集群", loaded).id == "mushrooms"
    assert loaded["cement"] == templates["cement"]
    bundle = loaded["textile_agrifood"]  # an including template sees the user's version of its part
    assert {s.id for s in bundle.segments if s.id.startswith("textiles.")} == \
        {"textiles.substrate", "textiles.processing"}
    assert ("textiles.substrate", "textiles.processing") in bundle.edges
    assert loaded["agrifood"] == templates["agrifood"]
    single = load_templates([tmp_path / "mushrooms.yaml"])
    assert single["mushrooms"].segment("processing").industries == ("1372",)
    assert single["lighters"] == templates["lighters"]


def test_leading_zeros_survive_unquoted_codes(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.yaml", VALID.replace('{"0142": 食用菌种植}', "[0142]"))
    assert load_templates([path])["mushrooms"].segment("substrate").industries == ("0142",)


BAD_CASES = [
    # (case, replace this, with this, field, bad value, (text on the reported line, its occurrence))
    ("unknown code", '["1372"]', '["1372", "9999"]', "industries", "9999", ('"9999"', 1)),
    ("not a class", '["1372"]', '["137"]', "industries", "137", ('["137"]', 1)),
    ("unknown stage", "stage: midstream", "stage: middle", "stage", "middle", ("stage: middle", 1)),
    ("duplicate id", "id: processing", "id: substrate", "id", "substrate", ("- id: substrate", 2)),
    ("unknown supply", "supplies: [processing]", "supplies: [packing]", "supplies", "packing",
     ("supplies: [packing]", 1)),
    ("missing field", "    name_zh: 食用菌加工\n", "", "name_zh", "", ("- id: processing", 1)),
    ("unknown field", "    core: true", "    core: true\n    suplies: [substrate]", "suplies", "suplies",
     ("suplies:", 1)),
    ("not a bool", "core: true", "core: maybe", "core", "maybe", ("core: maybe", 1)),
]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


@pytest.mark.parametrize(("case", "old", "new", "field", "value", "where"), BAD_CASES,
                         ids=[c[0] for c in BAD_CASES])
def test_bad_template_names_file_line_field_and_value(tmp_path: Path, case: str, old: str, new: str,
                                                      field: str, value: str, where: tuple[str, int]) -> None:
    text = VALID.replace(old, new)
    assert text != VALID
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(InputError) as caught:
        load_templates([path])
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == \
        (str(path), _line_of(text, *where), field, value), case
    assert problem.expected
    assert re.search(r"[\u4e00-\u9fff]", problem.message)  # said in Chinese
    assert "bad.yaml" in str(caught.value)


def test_a_cycle_in_supplies_is_refused(tmp_path: Path) -> None:
    text = VALID.replace("    core: true\n", "    core: true\n    supplies: [substrate]\n")
    path = _write(tmp_path, "loop.yaml", text)
    with pytest.raises(InputError) as caught:
        load_templates([path])
    problem = caught.value.problems[0]
    assert problem.column == "supplies" and "→" in problem.value and "循环" in problem.message
    assert problem.row == _line_of(text, "supplies: [processing]")


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    text = VALID.replace("    stage: upstream", "    stage: [upstream")
    path = _write(tmp_path, "broken.yaml", text)
    with pytest.raises(InputError) as caught:
        load_templates([path])
    problem = caught.value.problems[0]
    assert problem.file == str(path) and "YAML" in problem.message
    assert problem.row is not None and problem.row >= _line_of(text, "[upstream")


def test_template_level_problems(tmp_path: Path) -> None:
    no_core = _write(tmp_path, "a.yaml", VALID.replace("    core: true\n", ""))
    with pytest.raises(InputError, match="核心环节"):
        load_templates([no_core])
    no_core.unlink()
    bad_include = _write(tmp_path, "b.yaml", "id: both\nname_zh: 两链\nincludes: [textiles, nowhere]\n")
    with pytest.raises(InputError) as caught:
        load_templates([bad_include])
    problem = caught.value.problems[0]
    assert (problem.column, problem.value, problem.row) == ("includes", "nowhere", 3)
    bad_include.unlink()
    loop = [_write(tmp_path, f"{one}.yaml", f"id: {one}\nname_zh: 甲\nincludes: [{other}]\n")
            for one, other in (("p", "q"), ("q", "p"))]
    with pytest.raises(InputError, match="includes 形成循环"):
        load_templates(loop)
    for path in loop:
        path.unlink()
    twice = [_write(tmp_path, name, VALID) for name in ("x.yaml", "y.yaml")]
    with pytest.raises(InputError, match="重复"):
        load_templates(twice)
    with pytest.raises(InputError, match="找不到"):
        load_templates([tmp_path / "missing.yaml"])


def _full_table(templates: dict[str, ChainTemplate]) -> IndustryCodebook:
    """A code table with 小类: those of the shipped templates (their official names) and two more."""
    named = {c: n for t in templates.values() for s in t.segments
             for c, n in zip(s.industries, s.industry_names, strict=True)}
    named |= {"1372": "食用菌加工", "0142": "食用菌种植"}
    groups = [Industry(c[:3], 3, c[:2], f"中类 {c[:3]}") for c in sorted({c[:3] for c in named})]
    classes = [Industry(code, 4, code[:3], name) for code, name in named.items()]
    return IndustryCodebook.builtin().merged_with(IndustryCodebook(groups + classes))


def test_a_full_code_table_checks_every_class_and_name(tmp_path: Path,
                                                       templates: dict[str, ChainTemplate]) -> None:
    full = _full_table(templates)
    assert load_templates(codebook=full) == templates  # the shipped names agree with the table
    good = _write(tmp_path, "good.yaml", VALID)
    assert load_templates([good], codebook=full)["mushrooms"]
    good.unlink()
    unknown = _write(tmp_path, "unknown.yaml", VALID.replace('["1372"]', '["1379"]'))
    assert load_templates([unknown])  # only the 大类 can be checked without the full table
    with pytest.raises(InputError) as caught:
        load_templates([unknown], codebook=full)
    assert caught.value.problems[0].value == "1379"
    unknown.unlink()
    misnamed = _write(tmp_path, "misnamed.yaml", VALID.replace("食用菌种植", "蘑菇种植"))
    with pytest.raises(InputError, match="与代码表不符"):
        load_templates([misnamed], codebook=full)


def test_chains_yaml_is_documented() -> None:
    text = resources.files("jiqun.chains").joinpath("chains.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in chains_defaults():
        index = next(i for i, line in enumerate(lines) if re.match(rf"{key}\s*:", line))
        assert lines[index - 1].startswith("#"), f"chains.yaml: {key} has no comment above it"


# --- derived from supply links ----------------------------------------------------------------------

ENTERPRISES = pl.DataFrame({
    "uscc": ["L1", "L2", "M1", "M2", "P1", "F1", "C1", "W1", "E1"],
    "industry": ["4119", "4119", "3525", "3525", "2929", "5431", "2231", "5135", "5292"],
})
LINKS = pl.DataFrame({
    "supplier_uscc": ["M1", "M2", "P1", "P1", "F1", "C1", None, "L1", "L2", "L1", "L2"],
    "buyer_uscc": ["L1", "L2", "L1", "L2", "L1", "L2", "L1", "W1", "W1", "E1", "L1"],
    "product": ["注塑模具", "冲压模具", "外壳", "外壳", "货物托运", "纸箱", "打火机配件",
                "打火机", "打火机", "打火机", "打火机"],
    # purchases from outside the core: 150 + 150 + 200 + 300 + 100 + 20 + 80 = 1000;
    # the last row (2024) is a purchase inside the core
    "amount": [150.0, 150.0, 200.0, 300.0, 100.0, 20.0, 80.0, 400.0, 200.0, 200.0, 50.0],
    "year": [2025] * 10 + [2024],
})


def test_derived_template_ranks_upstream_and_downstream() -> None:
    derived = template_from_supply_links(LINKS, ENTERPRISES, {"4119"})
    upstream = derived.by_stage("upstream")
    assert [s.id for s in upstream] == ["up_2929", "up_3525"]  # by purchase value; cartons (2%) below 5%
    assert [(s.evidence.amount, s.evidence.share, s.evidence.links, s.evidence.firms) for s in upstream] == \
        [(500.0, 0.5, 2, 1), (300.0, 0.3, 2, 2)]
    assert upstream[1].keywords == ("冲压模具", "注塑模具")
    assert [s.id for s in derived.by_stage("services")] == ["svc_5431"]  # freight is a service
    assert derived.segment("svc_5431").evidence.share == pytest.approx(0.1)
    downstream = derived.by_stage("downstream")
    assert [(s.id, s.evidence.share) for s in downstream] == [("down_5135", 0.75), ("down_5292", 0.25)]
    core = derived.segment("core_4119")
    assert core.core and core.supplies == ("down_5135", "down_5292") and core.name_zh == "打火机（4119）"
    assert all(s.supplies == ("core_4119",) for s in (*upstream, *derived.by_stage("services")))
    assert derived.segment_of("3525").id == "up_3525" and derived.core_industries == ("4119",)
    assert downstream[0].name_zh == "批发业（5135）" and upstream[0].name_zh == "外壳（2929）"
    assert "8%" in derived.description  # the unregistered supplier's share is said, not made a segment


def test_derived_template_threshold_and_year() -> None:
    loose = template_from_supply_links(LINKS, ENTERPRISES, ["4119"], min_share=0.01)
    assert "up_2231" in {s.id for s in loose.segments}
    only_2024 = template_from_supply_links(LINKS, ENTERPRISES, ["4119"], year=2024)
    assert [s.id for s in only_2024.segments] == ["core_4119"]  # its only link is inside the core
    assert chains_defaults()["derive_min_share"] == 0.05


def test_derived_template_refuses_bad_input() -> None:
    with pytest.raises(InputError, match="缺少列"):
        template_from_supply_links(LINKS.drop("amount"), ENTERPRISES, ["4119"])
    with pytest.raises(InputError, match="核心行业"):
        template_from_supply_links(LINKS, ENTERPRISES, [])
    with pytest.raises(InputError, match="份额"):
        template_from_supply_links(LINKS, ENTERPRISES, ["4119"], min_share=5)


def test_derived_template_keeps_the_largest_links_only() -> None:
    suppliers = [f"S{i}" for i in range(12)]
    codes = [f"{3410 + i}" for i in range(12)]  # twelve industries, each above the 5% threshold
    enterprises = pl.DataFrame({"uscc": ["L1", *suppliers], "industry": ["4119", *codes]})
    links = pl.DataFrame({"supplier_uscc": suppliers, "buyer_uscc": ["L1"] * 12, "product": ["零件"] * 12,
                          "amount": [100.0 + i for i in range(12)]})
    upstream = template_from_supply_links(links, enterprises, ["4119"]).by_stage("upstream")
    keep = chains_defaults()["derive_max_segments"]
    assert [s.industries[0] for s in upstream] == codes[::-1][:keep]
