"""Sample import files that ship with jiqun; they document the import format by example.

- ``园区.csv``: parks (UTF-8 with BOM; areas in 亩)
- ``企业名录.csv``: enterprises (GBK, with a title row above the header, dates typed four ways)
- ``企业年度数据.xlsx``: yearly facts (money in 万元, exports in 万美元, one full-width number)
- ``品牌.csv``: brands (the level is implied by the kind: 驰名商标 → national)
- ``供货关系.csv``: supply links (parties outside the registry kept by name and county)
- ``服务机构.csv``: service providers

The firms are fictional (names contain 示例, "example"); counties and industry codes are real.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_FILES = ("园区.csv", "企业名录.csv", "企业年度数据.xlsx", "品牌.csv", "供货关系.csv", "服务机构.csv")


def sample_files() -> list[Path]:
    """Paths of the bundled sample files, in import order."""
    root = resources.files("jiqun.samples")
    return [Path(str(root.joinpath(name))) for name in SAMPLE_FILES]
