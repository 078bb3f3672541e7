"""No two modules of `federation/` import each other, even through others.

Every import counts: at the top of a module, inside a function (a lazy import
still ties the two modules together) and `importlib.import_module("literal")`.
An edge goes to the module named: `from federation.services import accounts`
is an edge to `federation.services.accounts`, `from federation.models import
User` one to `federation.models` (the package's `__init__`). And, as Python
runs a package's `__init__` before any of its modules, an edge goes to every
package the module lies in that the importer does not lie in itself:
`from federation.services.groups.search import like_pattern` in
`federation.services.events.board` is an edge to `federation.services.groups`
too (the importer's own packages are already being imported). A package that
re-exports its submodules imports them; a submodule that imported its own
package back would close a circle, so siblings import each other directly,
and a package re-exports only modules that need no capability importing it.

A lower layer that needs an upper one takes a parameter, a hook or a signal
instead of importing it (see the README's Layout section).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "federation"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted((root / PACKAGE).rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `name` is or lies in (an attribute
    import like `federation.models.User` resolves to `federation.models`)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                targets.add(submodule if submodule in known else module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets.add(node.args[0].value)
    resolved = {_resolve(target, known) for target in targets if target.split(".")[0] == PACKAGE}
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
    initialised = {
        package
        for target in resolved
        if target
        for package in (".".join(target.split(".")[:i]) for i in range(1, target.count(".") + 1))
        if package in known and package not in own
    }
    return {target for target in resolved | initialised if target and target != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:
        # Iterative, so a long chain cannot exhaust Python's recursion limit.
        nonlocal counter
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    lines = [f"{len(component)} modules import each other:"]
    for name in component:
        inside = sorted(graph[name] & members)
        lines.append(f"  {name} -> {', '.join(inside)}")
    return "\n".join(lines)


def test_the_graph_sees_lazy_relative_and_submodule_imports(tmp_path):
    package = tmp_path / PACKAGE
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def f():\n    from .. import c\n")
    (package / "c.py").write_text("import importlib\nimportlib.import_module('federation.d')\n")
    (package / "d.py").write_text("from federation.sub import b as again\n")
    (package / "e.py").write_text("import federation.c\nfrom federation.sub import NAME\nimport flask\n")
    graph = import_graph(tmp_path)
    assert graph["federation"] == {"federation.sub.b", "federation.sub"}
    assert graph["federation.sub.b"] == {"federation.c"}
    assert graph["federation.c"] == {"federation.d"}
    assert graph["federation.d"] == {"federation.sub.b", "federation.sub"}
    assert graph["federation.e"] == {"federation.c", "federation.sub"}
    assert cycles(graph) == [["federation.c", "federation.d", "federation.sub.b"]]


def test_importing_a_module_imports_the_packages_it_lies_in(tmp_path):
    """caps.one imports caps.two's helper module only, but Python runs
    caps/two/__init__ first, which re-exports a page that imports caps.one:
    importing caps.one first fails half-initialised. The graph sees it."""
    package = tmp_path / PACKAGE
    for folder in ("caps/one", "caps/two"):
        (package / folder).mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "caps" / "__init__.py").write_text("")
    (package / "caps" / "one" / "__init__.py").write_text("from federation.caps.two.helper import h\n")
    (package / "caps" / "two" / "__init__.py").write_text("from federation.caps.two.page import p\n")
    (package / "caps" / "two" / "helper.py").write_text("def h():\n    pass\n")
    (package / "caps" / "two" / "page.py").write_text("from federation.caps.one import h as p\n")
    graph = import_graph(tmp_path)
    assert graph["federation.caps.one"] == {"federation.caps.two.helper", "federation.caps.two"}
    assert graph["federation.caps.two.page"] == {"federation.caps.one"}  # its own packages: none
    assert cycles(graph) == [["federation.caps.one", "federation.caps.two", "federation.caps.two.page"]]


def test_no_module_of_the_package_imports_itself_through_others():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n\n".join(describe(component, graph) for component in found)


UPPER = (
    "federation.blueprints",
    "federation.forms",
    "federation.schemas",
    "federation.cli",
    "federation.demo",
)
# (modules, what they must not import)
LAYERS = [
    (
        ("federation.models",),
        ("federation.services", "federation.permissions", "federation.security") + UPPER,
    ),
    (("federation.services",), UPPER),
    (
        (
            "federation.permissions",
            "federation.security",
            "federation.errors",
            "federation.extensions",
            "federation.tasks",
        ),
        ("federation.services", "federation.login") + UPPER,
    ),
]


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_lower_layers_never_import_upper_ones():
    """Models know no service; services know no view, form or schema; the
    rules, errors, extensions and the queue know no service. A lower layer
    that needs an upper one takes a parameter or a hook."""
    graph = import_graph()
    wrong = [
        f"{name} -> {target}"
        for modules_, forbidden in LAYERS
        for name, targets in sorted(graph.items())
        if _within(name, modules_)
        for target in sorted(targets)
        if _within(target, forbidden) or target == PACKAGE
    ]
    assert not wrong, "\n".join(wrong)
