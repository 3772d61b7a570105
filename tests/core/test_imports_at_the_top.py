"""Imports sit at the top of a module. One inside a function needs a comment on it saying why
(a cycle it would close, a package that imports its views only when the app registers them, a
client only one setting needs): an import hidden in a function hides a dependency, and with it
the cycles between packages that the import contracts (pyproject.toml) are there to show."""

import ast
from pathlib import Path

SDP = Path(__file__).resolve().parents[2] / "sdp"


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def imports_inside_functions(source: str) -> list[tuple[int, bool]]:
    """(line, explained) of each import inside a function: explained when a comment is on its
    line, or on the line right above it or above the run of imports it belongs to."""
    tree = ast.parse(source)
    lines = source.splitlines()
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        ancestor = parents.get(node)
        while ancestor is not None and not isinstance(ancestor, FUNCTIONS):
            ancestor = parents.get(ancestor)
        if ancestor is None:
            continue
        parent = parents[node]
        block = next(
            block
            for block in (getattr(parent, name, None) for name in ("body", "orelse", "finalbody"))
            if isinstance(block, list) and any(statement is node for statement in block)
        )
        index = next(i for i, statement in enumerate(block) if statement is node)
        while index and isinstance(block[index - 1], ast.Import | ast.ImportFrom):
            index -= 1
        above = lines[block[index].lineno - 2].strip()
        found.append((node.lineno, "#" in lines[node.lineno - 1] or above.startswith("#")))
    return sorted(found)


def test_every_import_inside_a_function_says_why():
    unexplained = [
        f"{path.relative_to(SDP.parent)}:{line}"
        for path in sorted(SDP.rglob("*.py"))
        for line, explained in imports_inside_functions(path.read_text())
        if not explained
    ]
    assert not unexplained, (
        "Move these imports to the top of their module, or say on the line above why they "
        "cannot be there:\n" + "\n".join(unexplained)
    )


def test_the_check_sees_an_unexplained_import_and_a_comment_on_a_run_of_imports():
    source = """
import os


def plain():
    import json

    return json


def explained():
    # Here: a cycle (a -> b -> a).
    from a import b
    from a import c

    return b, c


def trailing():
    import csv  # only this report needs it

    return csv
"""
    assert imports_inside_functions(source) == [(6, False), (13, True), (14, True), (20, True)]
