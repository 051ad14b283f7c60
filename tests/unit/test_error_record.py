"""The error record: what a server wrote down survives it, damage never stops a start, one
process at a time, and a disk that refuses a line leaves the bet in memory, not lost."""

import zlib
from pathlib import Path

import pytest

from adapters.record_file import RecordFile, RecordInUseError
from ledger.doubts import Doubt
from ledger.record import ErrorRecord


def doubt(transaction_id: str, user: str = "p1") -> Doubt:
    return Doubt(transaction_id, user, "USD", "2.50", f"d-{transaction_id}")


def opened(path: Path) -> ErrorRecord:
    return ErrorRecord(RecordFile(path))


def reopened(record: ErrorRecord, path: Path) -> ErrorRecord:
    record.close()
    return opened(path)


def ids(record: ErrorRecord) -> list[str]:
    return [d.transaction_id for d in record.doubts()]


def test_a_doubt_written_down_outlives_the_process_until_settled(tmp_path: Path) -> None:
    path = tmp_path / "r.log"
    record = opened(path)
    assert record.add([doubt("a"), doubt("b")])
    record = reopened(record, path)
    assert record.doubts() == [doubt("a"), doubt("b")]
    record.settled("a")
    record = reopened(record, path)
    assert ids(record) == ["b"]
    assert record.doubts_of("p1")[0].settle.delivery == "d-b"
    record.close()


def test_once_nothing_is_open_the_record_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "r.log"
    record = opened(path)
    record.add([doubt("a")])
    assert path.stat().st_size > 0
    record.settled("a")
    assert path.read_bytes() == b""
    record.close()


def test_a_damaged_line_is_skipped_and_counted_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.log"
    record = opened(path)
    record.add([doubt("a"), doubt("b"), doubt("c")])
    record.close()
    lines = path.read_bytes().splitlines(keepends=True)
    flipped = lines[1].replace(b'"b"', b'"B"')  # one byte: its checksum no longer matches
    path.write_bytes(lines[0] + flipped + lines[2] + b"0000 {torn")
    record = opened(path)
    assert ids(record) == ["a", "c"]
    assert record.damaged == 2
    record.close()


def test_a_line_missing_a_field_is_skipped(tmp_path: Path) -> None:
    body = b'{"doubt":{"transaction_id":"x","user_id":"p1","currency":"USD"}}'
    (tmp_path / "r.log").write_bytes(b"%08x %s\n" % (zlib.crc32(body), body))
    record = opened(tmp_path / "r.log")
    assert record.doubts() == []
    assert record.damaged == 1
    record.close()


def test_a_second_process_on_the_same_record_is_refused_with_one_line(tmp_path: Path) -> None:
    record = opened(tmp_path / "r.log")
    with pytest.raises(RecordInUseError) as refused:
        opened(tmp_path / "r.log")
    assert "\n" not in refused.value.message
    assert "ERROR_RECORD" in refused.value.message
    record.close()
    opened(tmp_path / "r.log").close()  # free again once the first has closed it


class RefusingDisk:
    """A disk that refuses every write while full is set (ENOSPC, a file-size limit)."""

    def __init__(self) -> None:
        self.data, self.full = b"", False

    def read(self) -> bytes:
        return self.data

    def append(self, data: bytes) -> None:
        if self.full:
            raise OSError(28, "No space left on device")
        self.data += data

    def replace(self, data: bytes) -> None:
        if self.full:
            raise OSError(28, "No space left on device")
        self.data = data

    def close(self) -> None:
        """Nothing held."""


def test_a_refused_write_keeps_the_doubt_in_memory_until_the_disk_takes_it() -> None:
    disk = RefusingDisk()
    record = ErrorRecord(disk)
    disk.full = True
    assert not record.add([doubt("a")])
    assert not record.healthy
    assert ids(record) == ["a"]  # still settled from memory
    assert not record.retry()
    disk.full = False
    assert record.retry()
    assert record.healthy
    assert ids(ErrorRecord(disk)) == ["a"]  # on the disk now


def test_a_full_disk_stays_unhealthy_until_it_takes_a_line_again() -> None:
    disk = RefusingDisk()
    record = ErrorRecord(disk)
    disk.full = True
    assert not record.add([doubt("a")])
    disk.full = False
    record.settled("a")  # settled from memory; rewriting the record empty takes no space
    disk.full = True
    assert not record.retry()  # nothing to write, but the disk still refuses a line
    assert not record.healthy
    disk.full = False
    assert record.retry()
    assert ErrorRecord(disk).doubts() == []
    assert ErrorRecord(disk).damaged == 0  # the test line says nothing, and is no damage


def test_a_doubt_settled_while_the_disk_refused_it_never_reaches_the_disk() -> None:
    disk = RefusingDisk()
    record = ErrorRecord(disk)
    disk.full = True
    record.add([doubt("a"), doubt("b")])
    record.settled("a")
    disk.full = False
    assert record.retry()
    assert ids(ErrorRecord(disk)) == ["b"]
