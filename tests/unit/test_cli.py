"""The sportsbook-ledger console command reaches every entry point's own main()."""

import importlib

import pytest

from scripts import cli


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_command_names_a_module_with_a_main(name: str) -> None:
    assert callable(importlib.import_module(cli.COMMANDS[name][0]).main), name


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert f"\n  {name} " in listed


def test_an_unknown_command_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["launch"]) == 2
    assert "replay" in capsys.readouterr().err


def test_arguments_reach_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        cli.main(["report", "--help"])
    assert ended.value.code == 0
    assert "--from" in capsys.readouterr().out
