"""An OPERATOR simulator: IGPX's auth and start-session API, its iframe, and signed callbacks.

    python -m sims.operator --port 8090 --ledger-url http://127.0.0.1:8080

With no flags it matches `make run`'s dev secrets, so the two work together as they are.
It serves POST /{version}/auth and /{version}/start-session as the OPERATOR does, the
iframe at /play/{session}, and, for tests, GET /_sim/stats, POST /_sim/revoke (every token
issued so far now gets a 401) and POST /_sim/faults ({"auth_status", "session_status",
"delay_s"}). Its bets, tokens and pending retries live in memory only.
"""
