"""Every CSV the product writes escapes what a spreadsheet would run as a formula."""

import csv
import io
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from adapters.spreadsheet import RISKY, DictWriter, Writer, cell

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("adapters", "domain", "ledger", "projections", "scripts", "service")


def test_a_formula_gets_a_leading_quote() -> None:
    for formula in ('=HYPERLINK("http://x","y")', "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(A1)",
                    "\tx", "\rx", "-", "+", "=", "@"):  # fmt: skip
        assert cell(formula) == "'" + formula


def test_plain_numbers_and_ordinary_text_are_left_alone() -> None:
    for plain in ("-5.00", "+3", "-0", "12.34", "b-1", "p1", "", "'already", "2026-11-27"):
        assert cell(plain) == plain
    assert cell(None) == ""


@given(st.text())
def test_no_cell_starts_a_formula_and_the_text_is_kept(text: str) -> None:
    escaped = cell(text)
    assert escaped in (text, "'" + text)
    number = re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?", text) is not None
    assert number or not escaped.startswith(RISKY)


def test_the_writers_escape_every_cell_and_read_back() -> None:
    out = io.StringIO()
    Writer(out).writerow(["=1+1", "-2.50", None])
    dicts = DictWriter(out, ["a", "b"])
    dicts.writeheader()
    dicts.writerow({"a": "@x", "b": "-1.00", "ignored": "=no"})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "-2.50", ""], ["a", "b"], ["'@x", "-1.00"],
    ]  # fmt: skip


def test_no_csv_is_written_but_through_the_spreadsheet_helper() -> None:
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in PRODUCT
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "spreadsheet.py" and writers.search(path.read_text())
    ]
    assert offenders == []
