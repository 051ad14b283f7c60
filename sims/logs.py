"""The simulators' logs: structlog events as JSON lines on standard output."""

import logging
import sys

import structlog

log = structlog.get_logger("sims")


def configure(level: int = logging.INFO) -> None:
    """One JSON object a line, with its level and a UTC ISO time; quieter levels dropped."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
