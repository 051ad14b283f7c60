"""Adapters between the ledger and the outside: the event store settings and recorders."""
