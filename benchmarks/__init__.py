"""Benchmarks: the ledger against a conventional CRUD wallet, driven by one load generator."""
