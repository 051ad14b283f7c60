"""The OPERATOR's API, client side: auth for a token, then start-session."""
