"""Whatever bytes an upload holds, reading it gives rows or an ExportError naming the line,
never another exception (the API's 400, never a 500)."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.operator_export import MAX_LINE, ExportError, read_rows, text_lines

HEADER = (
    b"transaction_id,action,user_id,currency,amount,rollback_transaction_id,status,created_at\n"
)
PIECES = st.sampled_from([
    b",", b"\n", b"\r\n", b'"', b"{", b"}", b"[", b"]", b":", b"\x00", b"\xff", b"bet", b"1.5",
    b"accepted", b"2026-11-27", b'"transaction_id"', b"x" * 300, b"[" * 5000, b"-", b"1e9",
])  # fmt: skip


def read(data: bytes) -> None:
    message = "line "
    try:
        for _ in read_rows(text_lines(io.BytesIO(data), max_line=4096)):
            pass
    except ExportError as error:
        message = error.message
    assert message.startswith("line ")


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60), st.booleans())
def test_any_csv_like_upload_reads_or_names_its_line(pieces: list[bytes], header: bool) -> None:
    read((HEADER if header else b"") + b"".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60))
def test_any_json_lines_like_upload_reads_or_names_its_line(pieces: list[bytes]) -> None:
    read(b'{"transaction_id": ' + b"".join(pieces))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_at_all(data: bytes) -> None:
    read(data)


def test_a_line_is_never_read_whole_past_its_cap() -> None:
    lines = text_lines(io.BytesIO(b"a\n" + b"x" * (MAX_LINE + 1)))
    assert next(lines) == "a\n"
    with pytest.raises(ExportError, match=f"line 2: longer than {MAX_LINE} bytes"):
        next(lines)
