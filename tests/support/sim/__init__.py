"""A deterministic simulation of the writer: virtual time, a store that fails on cue, killed
processes; the same seed always interleaves the same way (tests/unit/test_writer_sim.py)."""
