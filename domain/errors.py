"""The one error hierarchy: every error the ledger raises on purpose is a LedgerError.

Each carries a code, the word its answer shows; each audience (the OPERATOR's callbacks,
the casino API, the back office) turns it into an answer in one place of its own.
"""

from domain.codes import Code


class LedgerError(Exception):
    """Base of the ledger's errors: a code to branch on and a sentence for people."""

    code: str = Code.INTERNAL_ERROR

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidRequestError(LedgerError):
    """The request is not what the protocol says: shape, field, type or parameter."""

    code = Code.INVALID_REQUEST


class InvalidAmountError(LedgerError):
    """The amount is not an exact, finite, non-negative decimal the currency allows."""

    code = Code.INVALID_AMOUNT


class UnsupportedCurrencyError(LedgerError):
    """The currency is not one the ledger was configured to accept."""

    code = Code.UNSUPPORTED_CURRENCY


class UnsupportedLanguageError(LedgerError):
    """The language is not one the ledger was configured to accept."""

    code = "UNSUPPORTED_LANGUAGE"


class NotFoundError(LedgerError):
    """Nothing is known under the id asked for."""

    code = "NOT_FOUND"


class ReadModelBehindError(LedgerError):
    """Nothing found, but the read models have not caught up with the ledger yet: a "not
    found" now might be untrue, so the client is asked to retry."""

    code = "READ_MODEL_BEHIND"


class DeclinedError(LedgerError):
    """A business rule declined the request: the code is the decline's."""


class SettingsError(LedgerError):
    """A setting is missing or unusable; the message names the variable, never its value."""

    code = "BAD_SETTING"
