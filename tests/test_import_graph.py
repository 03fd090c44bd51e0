"""The connector package imports without circles.

A circle between two modules works only while a function-level import
papers over it, and breaks the day someone hoists that import. The graph is
read from the source with :mod:`ast`: every import of a module of the
package by another, at module level and inside functions alike.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "accounting_connectors"


def _modules():
    """Dotted name -> path of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _targets(module, path, node, modules):
    """The package modules one import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    base = module.split(".")
    if path.name != "__init__.py":
        base.pop()  # a module's own package
    if node.level:
        base = base[:len(base) - node.level + 1]
    else:
        base = []
    prefix = ".".join(base + ([node.module] if node.module else []))
    out = []
    for alias in node.names:
        name = "%s.%s" % (prefix, alias.name) if prefix else alias.name
        out.append(name if name in modules else prefix)  # `from .x import f` imports x
    return [name for name in out if name in modules]


def import_graph():
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, path, node, modules):
                    if target != module:
                        edges.setdefault(target, node.lineno)
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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
    return found


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert len(graph) > 50
    # a relative import two levels up, and one of a module inside a function
    assert "accounting_connectors.shapes" in graph["accounting_connectors.jurnal.lookup"]
    assert "accounting_connectors.jurnal.returns" in graph["accounting_connectors.jurnal.posting"]


def test_the_checker_finds_a_circle_a_local_import_hides():
    source = "def f():\n    from . import b\n"
    tree = ast.parse(source)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    modules = {"p": None, "p.a": None, "p.b": None}
    assert _targets("p.a", pathlib.Path("p/a.py"), node, modules) == ["p.b"]
    assert cycles({"p.a": {"p.b": 2}, "p.b": {"p.a": 1}}) == [["p.a", "p.b"]]


def test_no_import_circle():
    graph = import_graph()
    assert cycles(graph) == [], "modules importing each other (with the importing line): %s" % {
        module: {t: line for t, line in graph[module].items() if t in component}
        for component in cycles(graph) for module in component}

