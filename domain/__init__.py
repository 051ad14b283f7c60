"""The ledger's domain: money, commands, aggregates and the rules that decide between them."""
