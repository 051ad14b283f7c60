"""The answer codes the ledger gives."""

from enum import StrEnum


class Code(StrEnum):
    """Every code an answer can carry; WIRE_CODES are the ones a callback may answer."""

    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    TRANSACTION_ROLLED_BACK = "TRANSACTION_ROLLED_BACK"
    PLAYER_BLOCKED = "PLAYER_BLOCKED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    DUPLICATE_REFERENCE = "DUPLICATE_REFERENCE"
    SELF_EXCLUDED = "SELF_EXCLUDED"  # a deposit refused while the player is self-excluded


WIRE_CODES = frozenset(list(Code)[: list(Code).index(Code.INTERNAL_ERROR) + 1])
