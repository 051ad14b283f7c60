"""The tamper-evidence chain: each link hashes one stored event's bytes with the link before."""

import hashlib

from eventsourcing.persistence import Notification

from adapters.event_log import Row

GENESIS = "0" * 64


def link(previous: str, event: Notification) -> str:
    """The next link, over the previous link and every stored field of the event."""
    row = (event.id, str(event.originator_id), event.originator_version, event.topic, event.state)
    return next_digest(bytes.fromhex(previous), row).hex()


def next_digest(previous: bytes, row: Row) -> bytes:
    """The next link as raw bytes (its hex is the link), hashed in one call."""
    position, originator_id, version, topic, state = row
    return hashlib.sha256(
        b"".join(
            (
                previous,
                position.to_bytes(8, "big"),
                originator_id.encode(),
                version.to_bytes(8, "big"),
                topic.encode(),
                len(state).to_bytes(8, "big"),
                state,
            )
        )
    ).digest()
