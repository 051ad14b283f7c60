"""A conventional CRUD casino wallet on PostgreSQL, speaking the ledger's HTTP protocol."""
