"""Simulators that play the outside over HTTP: the OPERATOR, a demo casino, make demo."""
