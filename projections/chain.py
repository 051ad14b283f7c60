"""The tamper-evidence chain: each link hashes one stored event's bytes with the link before."""

import hashlib

from eventsourcing.persistence import Notification

GENESIS = "0" * 64


def link(previous: str, event: Notification) -> str:
    """The next link, over the previous link and every stored field of the event."""
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(previous))
    digest.update(event.id.to_bytes(8, "big"))
    digest.update(str(event.originator_id).encode())
    digest.update(event.originator_version.to_bytes(8, "big"))
    digest.update(event.topic.encode())
    digest.update(len(event.state).to_bytes(8, "big"))
    digest.update(event.state)
    return digest.hexdigest()
