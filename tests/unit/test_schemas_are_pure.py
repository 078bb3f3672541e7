"""API schemas only read the objects they dump: no request globals, no
services, no queries (the view data comes from services, per page)."""
import ast
from pathlib import Path

import pytest

SCHEMAS = sorted((Path(__file__).resolve().parents[2] / "federation" / "schemas").glob("*.py"))
ALLOWED = ("marshmallow", "federation.models", "federation.schemas", "federation.config",
           "__future__", "datetime", "zoneinfo")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_module_imports_nothing_impure(path):
    tree = ast.parse(path.read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
    assert all(name.startswith(ALLOWED) for name in imported), imported
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not names & {"g", "db", "current_user", "request"}
