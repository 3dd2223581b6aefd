"""cases never imports integrity: the retaliation watch and the accountability seam point one way."""

import ast
from pathlib import Path

import massline.cases


def test_cases_does_not_import_integrity():
    offenders = []
    for path in Path(massline.cases.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("massline.integrity")]
    assert not offenders
