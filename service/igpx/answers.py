"""What the OPERATOR's answers mean: typed errors for each kind of failure, and the iframe URL."""

import re
from typing import Any

import orjson

from domain.errors import LedgerError

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")


class OperatorError(LedgerError):
    """Base of the OPERATOR's failures; code is what the casino's API answers with."""

    code = "OPERATOR_ERROR"


class OperatorNotConfiguredError(OperatorError):
    """The IGPX_* variables are not set: the casino cannot call the OPERATOR at all."""

    code = "OPERATOR_NOT_CONFIGURED"


class OperatorUnavailableError(OperatorError):
    """The OPERATOR could not be reached, did not answer in time, or answered 5xx."""

    code = "OPERATOR_UNAVAILABLE"


class OperatorRefusedError(OperatorError):
    """The OPERATOR answered 4xx: credentials refused, or a 401 again after one renewal."""

    code = "OPERATOR_REFUSED"


class OperatorBadAnswerError(OperatorError):
    """The OPERATOR answered success with something its protocol does not allow."""

    code = "OPERATOR_BAD_ANSWER"


def json_or_none(body: bytes) -> Any:
    """The decoded body, or None when it is not JSON (an error page, say)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def check(status: int, answer: Any, leaf: str) -> None:
    """Raise the OperatorError an HTTP status means; 2xx passes."""
    if 200 <= status < 300:
        return
    said = answer.get("error") if isinstance(answer, dict) else None
    code = f" {said}" if isinstance(said, str) and _CODE.fullmatch(said) else ""
    if status >= 500 or status in (408, 429):
        raise OperatorUnavailableError(f"the OPERATOR's {leaf} answered HTTP {status}{code}")
    if 400 <= status < 500:
        raise OperatorRefusedError(f"the OPERATOR refused {leaf}: HTTP {status}{code}")
    raise OperatorBadAnswerError(f"the OPERATOR's {leaf} answered HTTP {status}")


def iframe_url(answer: Any) -> str:
    """start-session's {"url"}, which must be an http(s) URL."""
    url = answer.get("url") if isinstance(answer, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise OperatorBadAnswerError("start-session answered without an http(s) url")
    return url
