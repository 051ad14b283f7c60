"""Stable identities: aggregate ids derived from the ids the outside world uses."""

from functools import lru_cache
from uuid import UUID, uuid5

# A stream id is asked for several times per command (deciding, saving, caching); SHA-1
# each time was a tenth of a command's CPU. Ids are pure functions of their inputs.
_cached = lru_cache(maxsize=1 << 12)  # a batch asks again; each entry is tracked by the GC

_PLAYERS = UUID("0b3c1f44-6a52-4d57-9f0e-2a8e3c1d7b01")
_OPERATOR_TRANSACTIONS = UUID("0b3c1f44-6a52-4d57-9f0e-2a8e3c1d7b02")
_CASHIER_TRANSACTIONS = UUID("0b3c1f44-6a52-4d57-9f0e-2a8e3c1d7b03")


@_cached
def player_id(user_id: str) -> UUID:
    """The Player stream of a casino user id."""
    return uuid5(_PLAYERS, user_id)


@_cached
def operator_transaction_id(transaction_id: str) -> UUID:
    """The OperatorTransaction stream of an OPERATOR transaction id; also its CLIENT id."""
    return uuid5(_OPERATOR_TRANSACTIONS, transaction_id)


@_cached
def cashier_transaction_id(reference: str) -> UUID:
    """The CashierTransaction stream of a cashier reference; also its CLIENT id."""
    return uuid5(_CASHIER_TRANSACTIONS, reference)
