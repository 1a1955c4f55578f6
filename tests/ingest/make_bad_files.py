"""Write the bad-file corpus (tests/ingest/bad_files/) and its manifest.

Each entry is a file a real bureau could send us and what jiqun must say about it: the row and
column of the first error (when the error is bound to one), and a fragment of its message.
Run ``python -m tests.ingest.make_bad_files`` to regenerate; the files are committed so that
they can be opened and read.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "bad_files"
GOOD = "91350200776049653A"
GOOD2 = "91350503MA31DKY80A"
ENT_HEADER = ["统一社会信用代码", "企业名称", "区县代码", "行业代码"]
FACT_HEADER = ["统一社会信用代码", "年份", "营业收入(万元)", "从业人员"]
GOOD_ENT = [GOOD, "甲示例公司", "321023", "3059"]


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ents(*rows: list[object]) -> bytes:
    return csv_bytes([ENT_HEADER, *rows])


def facts(*rows: list[object], header: list[str] = FACT_HEADER) -> bytes:
    return csv_bytes([header, *rows])


def _xlsx_with_cell(value: str, data_type: str) -> bytes:
    """An enterprise list whose industry code in row 2 is ``value`` of Excel type ``data_type``
    (``e`` an error value, ``f`` a formula; openpyxl saves formulas without a computed value)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "企业"
    sheet.append(ENT_HEADER)
    sheet.append(GOOD_ENT)
    cell = sheet.cell(row=2, column=4)
    cell.value, cell.data_type = value, data_type
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bad_zip() -> bytes:
    good = xlsx_bytes({"企业": [ENT_HEADER, GOOD_ENT]})
    return good[: len(good) // 2]


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return out.getvalue()


# name, file name, content, expected {row, column, message}. Facts files are imported after the
# good enterprise list (``needs_registry``) so that only the planted error is reported.
Case = tuple[str, str, Callable[[], bytes], dict[str, object]]
CASES: list[Case] = [
    ("undecodable bytes", "01_编码错误.csv", lambda: b"\x80\x81\x82,\xff\xfe\x80\n\x80,\x81\n",
     {"message": "无法识别文件编码"}),
    ("utf-16 without BOM", "02_utf16无BOM.csv",
     lambda: "统一社会信用代码,企业名称\n".encode("utf-16-le"), {"message": "无法识别文件编码"}),
    ("missing required column", "03_缺少必需列.csv",
     lambda: csv_bytes([["统一社会信用代码", "区县代码", "行业代码"], [GOOD, "321023", "3059"]]),
     {"row": 1, "column": "企业名称", "message": "缺少必需的列"}),
    ("wrong check character", "04_信用代码校验位错误.csv",
     lambda: ents([GOOD[:-1] + "B", "甲", "321023", "3059"]),
     {"row": 2, "column": "统一社会信用代码", "message": "统一社会信用代码有误"}),
    ("uscc wrong length", "05_信用代码长度错误.csv",
     lambda: ents([GOOD[:-2], "甲", "321023", "3059"]),
     {"row": 2, "column": "统一社会信用代码", "message": "统一社会信用代码有误"}),
    ("uscc forbidden letter", "06_信用代码含非法字符.csv",
     lambda: ents(["91350200776O49653A", "甲", "321023", "3059"]),
     {"row": 2, "column": "统一社会信用代码", "message": "统一社会信用代码有误"}),
    ("unknown region", "07_区划代码不存在.csv", lambda: ents([GOOD, "甲", "999999", "3059"]),
     {"row": 2, "column": "区县代码", "message": "行政区划代码无效"}),
    ("malformed region", "08_区划代码格式错误.csv", lambda: ents([GOOD, "甲", "3210", "3059"]),
     {"row": 2, "column": "区县代码", "message": "行政区划代码无效"}),
    ("unknown industry", "09_行业代码不存在.csv", lambda: ents([GOOD, "甲", "321023", "9899"]),
     {"row": 2, "column": "行业代码", "message": "行业代码无效"}),
    ("malformed industry", "10_行业代码格式错误.csv", lambda: ents([GOOD, "甲", "321023", "30A1"]),
     {"row": 2, "column": "行业代码", "message": "行业代码无效"}),
    ("negative revenue", "11_营业收入为负.csv", lambda: facts([GOOD, 2023, "-12.5", 10]),
     {"row": 2, "column": "营业收入(万元)", "message": "不能为负数", "needs_registry": True}),
    ("text in a number column", "12_数字列中有文字.csv", lambda: facts([GOOD, 2023, "约一千", 10]),
     {"row": 2, "column": "营业收入(万元)", "needs_registry": True}),
    ("approximate number", "13_约数.csv", lambda: facts([GOOD, 2023, "20多", 10]),
     {"row": 2, "column": "营业收入(万元)", "needs_registry": True}),
    ("two header rows", "14_两行表头.csv",
     lambda: csv_bytes([ENT_HEADER, ["信用代码", "名称", "区划代码", "行业"], GOOD_ENT]),
     {"row": 2, "message": "两行表头"}),
    ("duplicate rows", "15_重复行.csv", lambda: ents(GOOD_ENT, GOOD_ENT),
     {"row": 3, "message": "重复"}),
    ("duplicate key, different data", "16_同一企业同一年两行.csv",
     lambda: facts([GOOD, 2023, 10, 10], [GOOD, 2023, 11, 10]),
     {"row": 3, "message": "与第 2 行重复", "needs_registry": True}),
    ("empty file", "17_空文件.csv", lambda: b"", {"message": "文件为空"}),
    ("0-byte xlsx", "18_空工作簿.xlsx", lambda: b"", {"message": "文件为空"}),
    ("xlsx renamed .csv", "19_其实是xlsx.csv", lambda: xlsx_bytes({"企业": [ENT_HEADER, GOOD_ENT]}),
     {"message": "扩展名是 .csv"}),
    ("csv renamed .xlsx", "20_其实是csv.xlsx", lambda: ents(GOOD_ENT),
     {"message": "不是 Excel 工作簿"}),
    ("one good row, one bad", "21_一行好一行坏.csv",
     lambda: ents(GOOD_ENT, [GOOD2, "乙", "321023", "99"]),
     {"row": 3, "column": "行业代码"}),
    ("header only", "22_只有表头.csv", lambda: ents(), {"message": "没有数据行"}),
    ("only blank lines", "23_只有空行.csv", lambda: b"\n\n , ,\n\n", {"message": "没有任何内容"}),
    ("unclosed quote", "24_引号未闭合.csv",
     lambda: (",".join(ENT_HEADER) + '\n' + GOOD + ',"甲示例,321023,3059\n').encode(),
     {"message": "CSV 格式错误"}),
    ("row longer than header", "25_多出的列.csv", lambda: ents([*GOOD_ENT, "多余"]),
     {"row": 2, "message": "比表头的列还多"}),
    ("future year", "26_未来年份.csv", lambda: facts([GOOD, 2099, 10, 10]),
     {"row": 2, "column": "年份", "message": "超出范围", "needs_registry": True}),
    ("two-digit year", "27_两位年份.csv", lambda: facts([GOOD, "23", 10, 10]),
     {"row": 2, "column": "年份", "needs_registry": True}),
    ("money without unit", "28_金额无单位.csv",
     lambda: facts([GOOD, 2023, 10, 10], header=["统一社会信用代码", "年份", "营业收入", "从业人员"]),
     {"row": 2, "column": "营业收入", "needs_registry": True}),
    ("unknown unit in a cell", "29_单元格单位不明.csv", lambda: facts([GOOD, 2023, "12公斤", 10]),
     {"row": 2, "column": "营业收入(万元)", "needs_registry": True}),
    ("implausibly large", "30_数值大得离谱.csv",
     lambda: facts([GOOD, 2023, 5_000_000, 10],
                   header=["统一社会信用代码", "年份", "营业收入(亿元)", "从业人员"]),
     {"row": 2, "column": "营业收入(亿元)", "message": "不合常理", "needs_registry": True}),
    ("impossible date", "31_不存在的日期.csv",
     lambda: csv_bytes([[*ENT_HEADER, "成立日期"], [*GOOD_ENT, "2019-02-30"]]),
     {"row": 2, "column": "成立日期"}),
    ("ambiguous US date", "32_美式日期.csv",
     lambda: csv_bytes([[*ENT_HEADER, "成立日期"], [*GOOD_ENT, "05/01/2019"]]),
     {"row": 2, "column": "成立日期"}),
    ("unknown choice", "33_企业规模取值错误.csv",
     lambda: csv_bytes([[*ENT_HEADER, "企业规模"], [*GOOD_ENT, "巨型"]]),
     {"row": 2, "column": "企业规模", "message": "不认识的取值"}),
    ("bad yes/no", "34_是否列取值错误.csv",
     lambda: csv_bytes([[*ENT_HEADER, "是否规上"], [*GOOD_ENT, "可能"]]),
     {"row": 2, "column": "是否规上"}),
    ("facts of an unknown enterprise", "35_企业不在登记库.csv", lambda: facts([GOOD2, 2023, 10, 10]),
     {"row": 2, "column": "统一社会信用代码", "message": "登记库中没有这家企业", "needs_registry": True}),
    ("export currency clash", "36_出口币种矛盾.csv",
     lambda: facts([GOOD, 2023, "12万美元", "人民币"],
                   header=["统一社会信用代码", "年份", "出口额(万元)", "出口币种"]),
     {"row": 2, "column": "出口币种", "message": "不一致", "needs_registry": True}),
    ("unknown brand kind", "37_品牌类别错误.csv",
     lambda: csv_bytes([["统一社会信用代码", "品牌类别", "级别", "品牌名称"],
                        [GOOD, "网红品牌", "省级", "甲"]]),
     {"row": 2, "column": "品牌类别", "needs_registry": True}),
    ("supply party unnamed", "38_供货方不明.csv",
     lambda: csv_bytes([["供货方名称", "采购方信用代码", "金额(万元)", "年份"], ["", GOOD, 10, 2023]]),
     {"row": 2, "message": "供货方既没有信用代码", "needs_registry": True}),
    ("sheet without known headers", "39_无法识别的表头.xlsx",
     lambda: xlsx_bytes({"Sheet1": [["甲", "乙", "丙"], [1, 2, 3]]}), {"message": "未识别出表头"}),
    ("unsupported file type", "40_不支持的格式.pdf", lambda: b"%PDF-1.4\n", {"message": "不支持的文件类型"}),
    ("text too long", "41_名称过长.csv", lambda: ents([GOOD, "长" * 300, "321023", "3059"]),
     {"row": 2, "column": "企业名称", "message": "文字太长"}),
    ("fractional count", "42_人数有小数.csv", lambda: facts([GOOD, 2023, 10, "12.5"]),
     {"row": 2, "column": "从业人员", "needs_registry": True}),
    ("same field twice", "43_同一字段两列.csv",
     lambda: csv_bytes([[*ENT_HEADER, "名称"], [*GOOD_ENT, "甲"]]), {"row": 1, "message": "同一个字段"}),
    ("html saved as .xls", "44_网页另存为.xls",
     lambda: "<html><body><table><tr><td>统一社会信用代码</td></tr></table></body></html>".encode(),
     {"message": "无法读取 Excel 工作簿"}),
    ("truncated xlsx", "45_损坏的xlsx.xlsx", _bad_zip, {"message": "无法读取 Excel 工作簿"}),
    ("zip that is not a workbook", "46_不是工作簿的zip.xlsx", _zip_without_workbook,
     {"message": "无法读取 Excel 工作簿"}),
    ("bom utf-8 with gbk body", "47_编码混杂.csv",
     lambda: codecs.BOM_UTF8 + ents(GOOD_ENT).replace("甲示例公司".encode(), "甲示例公司".encode("gbk")),
     {"message": "无法解码"}),
    ("required value blank", "48_必填项为空.csv", lambda: ents([GOOD, "", "321023", "3059"]),
     {"row": 2, "column": "企业名称", "message": "不能为空"}),
    ("closing before founding", "49_注销早于成立.csv",
     lambda: csv_bytes([[*ENT_HEADER, "成立日期", "注销日期"], [*GOOD_ENT, "2019-05-01", "2018-01-01"]]),
     {"row": 2, "column": "注销日期", "message": "早于成立日期"}),
    ("usd in a yuan-only column", "50_营收用美元.csv", lambda: facts([GOOD, 2023, "12万美元", 10]),
     {"row": 2, "column": "营业收入(万元)", "message": "只能是人民币", "needs_registry": True}),
    ("excel error value", "51_Excel错误值.xlsx", lambda: _xlsx_with_cell("#N/A", "e"),
     {"row": 2, "column": "行业代码", "message": "Excel 错误值"}),
    ("formula saved without its value", "52_公式没有计算结果.xlsx",
     lambda: _xlsx_with_cell("=30*100+59", "f"),
     {"row": 2, "column": "行业代码", "message": "没有保存它的计算结果"}),
    ("industry code that lost its leading zero", "53_行业代码缺前导零.csv",
     lambda: ents(GOOD_ENT, [GOOD2, "乙", "321023", "190"]),
     {"row": 3, "column": "行业代码", "message": "去掉了开头的 0"}),
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    manifest = []
    for name, filename, make, expected in CASES:
        (HERE / filename).write_bytes(make())
        manifest.append({"case": name, "file": filename, **expected})
    (HERE / "MANIFEST.yaml").write_text(
        "# Bad-file corpus: generated by tests/ingest/make_bad_files.py; read by test_bad_files.py\n"
        + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main()
