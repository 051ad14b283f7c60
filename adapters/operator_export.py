"""The OPERATOR's export, read as a stream: CSV with a header row, or JSON lines.

Columns (extra ones ignored): transaction_id, action, user_id, currency, amount,
rollback_transaction_id, status, created_at. Amounts are read as exact decimals, never
floats; a row that cannot be read stops the reading with its line number. Nothing is held
whole: a line is read at most MAX_LINE bytes at a time (a longer one is refused), a CSV
field is capped by the csv module, a JSON line must be one flat object.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from domain.errors import InvalidRequestError
from domain.reconciliation import OperatorRow

COLUMNS = (
    "transaction_id", "action", "user_id", "currency", "amount",
    "rollback_transaction_id", "status", "created_at",
)  # fmt: skip
_REQUIRED = ("transaction_id", "action", "user_id", "currency", "amount", "status", "created_at")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,40}(?:\.[0-9]{1,40})?")
_MAX_FIELD = 256
MAX_LINE = 64 * 1024  # bytes of one physical line; a row is a few hundred


class ExportError(InvalidRequestError):
    """The export cannot be read; the message names the line and the field."""


def text_lines(export: BinaryIO, max_line: int = MAX_LINE) -> Iterator[str]:
    """The export's lines as text, one at a time; a line over max_line bytes is refused
    (an export without line breaks is not read whole into memory)."""
    number = 0
    while raw := export.readline(max_line + 1):
        number += 1
        if len(raw) > max_line and not raw.endswith(b"\n"):
            raise ExportError(f"line {number}: longer than {max_line} bytes")
        yield raw.decode("utf-8", "replace")


def read_rows(lines: Iterable[str]) -> Iterator[OperatorRow]:
    """Rows of a CSV or JSON-lines export, in file order (the format is told by line one)."""
    lines = iter(lines)
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return
    if first.lstrip().startswith("{"):
        yield from _json_lines(first, lines)
    else:
        yield from _csv(first, lines)


def _csv(header: str, lines: Iterator[str]) -> Iterator[OperatorRow]:
    reader = csv.DictReader(_chain(header, lines))
    try:
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise ExportError(f"line 1: the header lacks {', '.join(missing)}")
        for record in reader:
            yield _row(record, reader.line_num)
    except csv.Error as error:  # a field over the csv module's cap, a stray NUL, ...
        raise ExportError(f"line {reader.line_num}: not CSV ({error})") from None


def _json_lines(first: str, lines: Iterator[str]) -> Iterator[OperatorRow]:
    for number, line in enumerate(_chain(first, lines), start=1):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            raise ExportError(f"line {number}: not a JSON object")
        try:
            record = json.loads(line, parse_float=str, parse_int=str)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            raise ExportError(f"line {number}: not a JSON object") from None
        if not isinstance(record, dict):
            raise ExportError(f"line {number}: not a JSON object")
        yield _row(record, number)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _row(record: dict[str, Any], line: int) -> OperatorRow:
    fields = {c: _text(record, c, line) for c in COLUMNS}
    if not _DECIMAL.fullmatch(fields["amount"]):
        raise ExportError(f"line {line}: amount is not a plain decimal")
    return OperatorRow(
        transaction_id=_required(fields, "transaction_id", line),
        action=_required(fields, "action", line),
        user_id=_required(fields, "user_id", line),
        currency=_required(fields, "currency", line),
        amount=Decimal(fields["amount"]),
        rollback_transaction_id=fields["rollback_transaction_id"] or None,
        status=_required(fields, "status", line),
        created_at=_moment(fields["created_at"], line),
    )


def _text(record: dict[str, Any], name: str, line: int) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > _MAX_FIELD or "\x00" in value:
        raise ExportError(f"line {line}: {name} must be text of at most {_MAX_FIELD} characters")
    return value.strip()


def _required(fields: dict[str, str], name: str, line: int) -> str:
    if not fields[name]:
        raise ExportError(f"line {line}: {name} is empty")
    return fields[name]


def _moment(raw: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"line {line}: created_at is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
