"""The casino's own API: wallets, cashier, blocking, audit, reports, sessions, OpenAPI."""
