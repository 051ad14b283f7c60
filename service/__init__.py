"""The HTTP service: OPERATOR callbacks, the casino's API, and the ops routes."""
