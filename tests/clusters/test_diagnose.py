"""The diagnosis of the seed counties names the seeds' problems with their numbers."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import polars as pl
import pytest

from jiqun.clusters.criteria import check_criteria, criteria_defaults
from jiqun.clusters.diagnose import diagnose
from jiqun.clusters.problems import diagnose_problems, problem_defaults
from jiqun.clusters.profile import Profile
from jiqun.demo.build import generate_demo
from jiqun.errors import InputError

pytestmark = pytest.mark.slow
WAN = 10_000


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return generate_demo(seed=2026, firms=20_000).analysis_tables()


def test_shaodong_diagnosis_names_the_seed_problems_with_numbers(tables: dict[str, pl.DataFrame]) -> None:
    result = diagnose(tables, "430582", 2025, cluster="4119", rng=np.random.default_rng(7))
    (lighters,) = result.clusters
    found = {f.key: f for f in lighters.problems.found}
    assert {
        "short_chain",
        "duplicated_moulds",
        "thin_services",
        "service_monopoly",
        "financing_gap",
        "business_environment",
    } <= set(found)
    assert found["duplicated_moulds"].evidence["mould_sharing_saving"].value == pytest.approx(230 * WAN)
    assert found["financing_gap"].evidence["deposit_loan_gap"].value == pytest.approx(0.8)
    assert found["business_environment"].evidence["complaints"].value == 24
    measures = {m.key: m for m in lighters.problems.measures}
    assert measures["shared_moulds"].current == pytest.approx(230 * WAN)
    assert {"credit_guarantee", "administrative_efficiency", "intermediaries", "chain_attraction"} <= set(
        measures
    )
    assert lighters.stage.reached == "concentration"


def test_qinyang_diagnosis_names_both_ends_outside(tables: dict[str, pl.DataFrame]) -> None:
    result = diagnose(tables, "410882", 2025, cluster="2614")
    found = {f.key: f for f in result.clusters[0].problems.found}
    assert "both_ends_outside" in found
    evidence = found["both_ends_outside"].evidence
    assert (
        evidence["inputs_outside_province_share"].value >= 0.5
        and evidence["sales_outside_share"].value >= 0.5
    )


def test_measures_are_proposed_only_for_found_problems() -> None:
    healthy = Profile("x", ("1",), 2025)
    for key, value in {
        "local_sourcing_rate": 0.6,
        "suppliers_per_firm": 1.0,
        "firms_over_100m": 3,
        "deposit_loan_gap": 0.1,
    }.items():
        healthy.set(key, value, "", key)
    report = diagnose_problems(healthy)
    assert report.found == [] and report.measures == []
    statuses = {f.key: f.status for f in report.findings}
    assert statuses["short_chain"] == "absent" and statuses["duplicated_moulds"] == "not_judged"


def test_criteria_pass_or_fail_with_values(tables: dict[str, pl.DataFrame]) -> None:
    results, digest = check_criteria(tables, "430582", ["4119"], 2025)
    by_key = {r.key: r for r in results}
    assert by_key["output"].passed is False and by_key["output"].value < 40e8  # below 40亿元
    assert by_key["sme_share"].value is not None and by_key["sme_share"].passed is (
        by_key["sme_share"].value >= 0.7
    )
    assert by_key["area"].passed is None or isinstance(by_key["area"].passed, bool)
    assert len(digest) == 16


def test_unknown_cluster_is_an_input_error(tables: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(InputError) as caught:
        diagnose(tables, "430582", 2025, cluster="9999")
    assert caught.value.problems[0].column == "--cluster"


@pytest.mark.parametrize(
    ("name", "loader", "lists"),
    [
        ("problems.yaml", problem_defaults, ("problems", "measures")),
        ("criteria.yaml", criteria_defaults, ("criteria",)),
    ],
)
def test_every_key_is_documented(name: str, loader: object, lists: tuple[str, ...]) -> None:
    text = resources.files("jiqun.clusters").joinpath(name).read_text(encoding="utf-8")
    documented = set(re.findall(r"^#\s+(\w+)\s{2,}", text, flags=re.MULTILINE))
    config = loader()  # type: ignore[operator]
    used: set[str] = set()
    for key in lists:
        for item in config[key]:
            used |= set(item)
            for nested in ("when",):
                for condition in item.get(nested, []):
                    used |= set(condition)
            used |= set(item.get("target", {}))
    assert used <= documented, f"{name}: undocumented keys {sorted(used - documented)}"
