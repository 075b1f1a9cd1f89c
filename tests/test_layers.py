"""Dependencies point one way (README, "Architecture"): routes → services → search → access,
validity, models; the rule modules and the ingestion package never reach up. Read from the
source, so a new import in the wrong direction fails here before it becomes a cycle."""
import ast
import os

import pytest

APP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app")


def _modules(*parts):
    base = os.path.join(APP, *parts)
    if base.endswith(".py"):
        return [base]
    return [os.path.join(folder, name) for folder, _, names in os.walk(base) for name in names if name.endswith(".py")]


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _reaching(paths, forbidden):
    return sorted(f"{os.path.relpath(path, APP)} imports {name}" for path in paths for name in _imports(path)
                  if any(name == f or name.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize("where, forbidden", [
    (("search",), ("app.services", "app.routes", "app.cli")),
    (("access.py",), ("app.services", "app.routes", "app.search", "flask")),
    (("validity.py",), ("app.services", "app.routes", "app.search", "flask")),
    (("errors.py",), ("app.services", "app.routes", "app.search", "app.models")),
    (("ingest",), ("app.services", "app.routes", "app.search", "app.models", "flask")),
    (("vntext.py",), ("app.services", "app.routes", "app.search", "app.models", "flask")),
    (("services",), ("app.routes", "app.cli")),
    (("models",), ("app.services", "app.routes", "app.search")),
])
def test_no_module_reaches_against_the_direction_of_the_layers(where, forbidden):
    assert _reaching(_modules(*where), forbidden) == []
