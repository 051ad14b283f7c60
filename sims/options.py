"""Command-line flags that fall back to environment variables, then to defaults; secrets hidden."""

import argparse
from collections.abc import Iterable, Mapping

Option = tuple[str, str, str, str]  # flag, variable, default, help


class Secret(str):
    """A password, key or token: its value where it is used, *** in any repr of settings."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret(***)"


def flags_over_env(
    prog: str, description: str | None, options: Iterable[Option], env: Mapping[str, str]
) -> argparse.ArgumentParser:
    """A parser whose every --flag defaults to its variable, else to its default."""
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for flag, variable, default, text in options:
        parser.add_argument(
            f"--{flag}", default=env.get(variable) or default, help=f"{text} [{variable}]"
        )
    return parser
