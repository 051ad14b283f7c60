"""A tiny demo casino: its page shows the player's balance and the OPERATOR's sportsbook iframe.

    ADMIN_TOKEN=... python -m sims.casino --ledger-url http://127.0.0.1:8080 --port 8000

Its server calls the ledger with the admin token (GET /api/wallets/{player}, POST
/api/sportsbook/sessions); the browser only ever calls the casino.
"""
