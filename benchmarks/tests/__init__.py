"""Tests of the benchmark harness's CRUD wallet: the contract's exactly-once rules."""
