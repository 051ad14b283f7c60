"""sims/ plays the outside: no module of it imports the ledger's own packages (DESIGN.md)."""

import ast
from pathlib import Path

SIMS = Path(__file__).resolve().parents[2] / "sims"
OURS = frozenset(
    {"domain", "ledger", "adapters", "projections", "service", "scripts", "benchmarks", "tests"}
)


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every absolute import, nested ones included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _crossings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(SIMS.parent)
    return [
        f"{where}:{line}: {name}" for line, name in _imported(tree) if name.split(".")[0] in OURS
    ]


def test_sims_imports_none_of_the_ledgers_packages() -> None:
    files = sorted(SIMS.rglob("*.py"))
    assert len(files) >= 15
    crossings = [c for path in files for c in _crossings(path)]
    assert crossings == []


def test_the_check_sees_both_import_forms() -> None:
    tree = ast.parse("import service.signature\ndef f():\n    from domain.money import quantum\n")
    assert _imported(tree) == [(1, "service.signature"), (3, "domain.money")]
