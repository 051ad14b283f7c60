"""structlog as JSON lines on stdout: one event per callback, never a secret or a body."""

import logging
import sys

import orjson
import structlog

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


def configure(level: str = "info") -> None:
    """JSON lines with an ISO UTC time and the level; stdlib warnings go to stderr."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_LEVELS[level]),
        logger_factory=_Unfailing,
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


class _Unfailing(structlog.BytesLogger):
    """A line the disk refuses (full, a file-size limit) is dropped and counted: a log line
    must never be what fails a callback."""

    dropped = 0

    def __init__(self, *_: object) -> None:
        super().__init__(sys.stdout.buffer)

    def msg(self, message: bytes) -> None:
        try:
            super().msg(message)
        except OSError:
            _Unfailing.dropped += 1

    log = debug = info = warn = warning = error = critical = exception = fatal = failure = msg


def dropped_lines() -> int:
    """Log lines the disk refused since the process started."""
    return _Unfailing.dropped


log = structlog.get_logger("ledger")
