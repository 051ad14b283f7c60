"""The ledger application: the writer, the aggregate cache, opening the store."""
