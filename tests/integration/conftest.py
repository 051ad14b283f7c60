"""Integration fixtures: a mixed history on each real store, checked against a plain model."""

import random
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.store import StoreSettings
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from projections.runner import BatchRunner
from tests.support.history import StepClock, mixed_commands, run_history
from tests.support.model import ContractModel
from tests.support.pg import fresh_database

World = tuple[Ledger, BatchRunner, ContractModel, list[Any]]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('projections')}/ledger.sqlite3"
    else:
        with fresh_database() as url:
            yield url


@pytest.fixture(scope="module")
def world(store_url: str) -> Iterator[World]:
    clock = StepClock()
    ledger = open_ledger(StoreSettings(store_url, pool_size=4), clock=clock)
    commands = mixed_commands(random.Random(7), players=12, rounds=400)
    answers, times = run_history(ledger, clock, commands)
    model = ContractModel()
    moves = []
    for cmd, answer, moment in zip(commands, answers, times, strict=True):
        expected, moved = model.apply(cmd)
        assert answer.error == expected, cmd
        moves += [(moment, move) for move in moved]
    runner = BatchRunner.of(ledger, batch_size=50)
    runner.catch_up()
    yield ledger, runner, model, moves
    ledger.close()
