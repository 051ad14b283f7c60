"""Read models that follow the event log exactly once: balances, entries, daily totals, chain."""
