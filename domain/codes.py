"""The answer codes the ledger gives, and the errors that carry them."""

from enum import StrEnum


class Code(StrEnum):
    """Every code an answer can carry; the first eight are the OPERATOR's wire codes."""

    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    TRANSACTION_ROLLED_BACK = "TRANSACTION_ROLLED_BACK"
    PLAYER_BLOCKED = "PLAYER_BLOCKED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    DUPLICATE_REFERENCE = "DUPLICATE_REFERENCE"


class LedgerError(Exception):
    """Base of the ledger's errors: each carries the code its answer shows."""

    code: Code = Code.INTERNAL_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequestError(LedgerError):
    """The body is not what the protocol says: shape, field or type."""

    code = Code.INVALID_REQUEST


class InvalidAmountError(LedgerError):
    """The amount is not an exact, finite, non-negative decimal the currency allows."""

    code = Code.INVALID_AMOUNT


class UnsupportedCurrencyError(LedgerError):
    """The currency is not one the ledger was configured to accept."""

    code = Code.UNSUPPORTED_CURRENCY
