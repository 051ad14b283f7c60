"""The OPERATOR's auth token as the casino keeps it: its lifetime, and when to renew it."""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from service.igpx.answers import OperatorBadAnswerError
from service.settings import Secret

# Renew when less than this share of the lifetime is left, and never later than
# RENEW_BEFORE_S before expiry: an hour-long token is renewed 30 s early, a 10 s one 1 s early.
RENEW_SHARE = 0.1
RENEW_BEFORE_S = 30.0


class BadTokenAnswerError(OperatorBadAnswerError):
    """The auth answer has no usable token or expires_in; the message never holds the token."""


def lifetime_seconds(expires_in: Any) -> float:
    """expires_in as a positive number of seconds; the OPERATOR sends text or a number."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, str | int | float):
        raise BadTokenAnswerError("expires_in is not a number of seconds")
    try:
        seconds = float(Decimal(str(expires_in).strip()))
    except InvalidOperation:
        raise BadTokenAnswerError("expires_in is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise BadTokenAnswerError("expires_in must be a positive number of seconds")
    return seconds


def renew_margin(lifetime: float) -> float:
    """How long before expiry a token stops being used."""
    return min(RENEW_BEFORE_S, lifetime * RENEW_SHARE)


@dataclass(frozen=True)
class Token:
    """A bearer token and the moment (on the client's clock) it should be renewed."""

    value: Secret
    renew_at: float

    @classmethod
    def from_answer(cls, answer: Any, now: float) -> "Token":
        """Read {"token", "expires_in"}; anything else is a BadTokenAnswerError."""
        if not isinstance(answer, dict):
            raise BadTokenAnswerError("the auth answer is not a JSON object")
        value = answer.get("token")
        if not isinstance(value, str) or not value:
            raise BadTokenAnswerError("the auth answer has no token")
        lifetime = lifetime_seconds(answer.get("expires_in"))
        return cls(Secret(value), now + lifetime - renew_margin(lifetime))

    def usable(self, now: float) -> bool:
        """True until the renewal moment."""
        return now < self.renew_at
