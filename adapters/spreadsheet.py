"""CSV that a spreadsheet opens as data: a cell it would run as a formula is escaped.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
Excel, LibreOffice and Google Sheets show it as text (OWASP's advice for CSV injection).
A cell that is a plain decimal number (`-5.00`, `+3`) is left as it is: every spreadsheet
reads it as that number and nothing else, and a report's negative GGR must stay summable.
Every CSV the product writes goes through here.
"""

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

RISKY = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def cell(value: object) -> str:
    """One value as the text of a cell; None is empty."""
    text = "" if value is None else str(value)
    if text.startswith(RISKY) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class Writer:
    """csv.writer's rows, each cell escaped."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._csv = csv.writer(out, **options)

    def writerow(self, values: Iterable[object]) -> None:
        """One row."""
        self._csv.writerow([cell(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Every row, in order."""
        for values in rows:
            self.writerow(values)


class DictWriter:
    """csv.DictWriter's rows by column name (other keys ignored), each cell escaped."""

    def __init__(self, out: TextIO, fieldnames: Sequence[str], **options: Any) -> None:
        self.fieldnames = tuple(fieldnames)
        self._writer = Writer(out, **options)

    def writeheader(self) -> None:
        """The column names."""
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, object]) -> None:
        """One row; a missing column is empty."""
        self._writer.writerow(row.get(name) for name in self.fieldnames)

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Every row, in order."""
        for row in rows:
            self.writerow(row)
