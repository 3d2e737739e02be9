"""The package's shape: no import cycle, a cheap ``import cvdata``, ``cvdata.load`` and
``cvdata.validate`` both modules and functions, one reader of the environment variables
(and the README's table of them), one finder of the project root."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, CVDATA_ENV, DATA_DIR, PROJECT, TABLES

import cvdata
from cvdata import _paths, env

PACKAGE = PROJECT / "src" / "cvdata"


# ------------------------------------------------------------------ the import graph


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs (at module level or inside a function), leaving out
    those under ``if TYPE_CHECKING:`` (for the type checker only)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (``root`` is the package)."""
    files = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    top = root.name
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                # `from . import x` and `from .a import b` import a submodule when there is one.
                targets = [module, *(f"{module}.{a.name}" for a in node.names)]
            for target in targets:
                if target in files and target != name and target.split(".")[0] == top:
                    graph[name].add(target)
    # Importing a package's module runs the package's __init__ (which imports lazily only).
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: each strongly connected group of more than one
    module (or a module importing itself), sorted (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE)
    assert "cvdata.validate" in graph["cvdata.load"]  # the graph is read at all
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    # The two cycles the package had: one import inside a function, one from a package.
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import x\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from .. import d\n")
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\nfrom pkg.sub import c\n")
    (pkg / "e.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    graph = import_graph(pkg)
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.d", "pkg.sub.c"]]
    assert graph["pkg.e"] == set()  # for the type checker only


# ------------------------------------------------------------------ import cvdata is cheap


def _modules_after(code: str) -> set[str]:
    """The heavy modules a fresh Python holds after running ``code``."""
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('pandas', 'plotly', 'numpy',"
        " 'cvdata.load') if m in sys.modules)))\n" + code
    )
    env = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=PROJECT
    )
    assert done.returncode == 0, done.stderr
    return set(eval(done.stdout.strip().splitlines()[-1]))


def test_import_cvdata_imports_no_pandas() -> None:
    assert _modules_after("import cvdata") == set()
    # ... until a name that needs it is used.
    assert "pandas" in _modules_after("import cvdata\ncvdata.CV")


def test_cvdata_help_imports_neither_pandas_nor_plotly() -> None:
    code = (
        "import sys\nsys.argv = ['cvdata', '--help']\nfrom cvdata.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    assert _modules_after(code) == set()
    assert _modules_after(code.replace("'--help'", "'export', '--help'")) == set()


def test_the_post_render_step_imports_the_real_package(tmp_path: Path) -> None:
    script = PROJECT / "scripts" / "postrender.py"
    assert "ModuleType" not in script.read_text(encoding="utf-8")  # no stand-in module
    code = (
        f"import os\nos.environ['QUARTO_PROJECT_ROOT'] = {str(tmp_path)!r}\n"
        "import runpy\ntry:\n"
        f"    runpy.run_path({str(script)!r})\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "import cvdata\nassert cvdata.__file__.endswith('__init__.py') and cvdata._LAZY\n"
    )
    assert _modules_after(code) == set()


# ------------------------------------------------------------------ load and validate


def test_load_and_validate_are_modules_and_functions() -> None:
    import cvdata.load
    import cvdata.validate

    assert callable(cvdata.validate.check) and callable(cvdata.load.load)
    assert cvdata.validate(DATA_DIR, as_of=AS_OF).ok
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    assert isinstance(cv, cvdata.CV) and len(cv.tables()) == TABLES
    assert sorted(cvdata.__all__) == sorted(cvdata._LAZY)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        cvdata.nothing  # noqa: B018


def test_validate_is_callable_when_its_module_is_imported_first() -> None:
    code = (
        "import cvdata.validate, cvdata\n"
        f"assert cvdata.validate.check and cvdata.validate({str(DATA_DIR)!r}, as_of='{AS_OF}').ok\n"
        f"assert cvdata.load({str(DATA_DIR)!r}, as_of='{AS_OF}').person is not None\n"
    )
    assert _modules_after(code) >= {"pandas"}


def test_only_load_check_takes_the_read_lock() -> None:
    # validate is below the transaction (which validates its staged copy with it).
    source = (PACKAGE / "validate.py").read_text(encoding="utf-8")
    assert "transaction" not in {
        n.module for n in _imports(ast.parse(source)) if isinstance(n, ast.ImportFrom)
    }


# ------------------------------------------------------------------ environment variables


def _named_variables(text: str) -> set[str]:
    return set(re.findall(r"\b(?:CVDATA|QUARTO)_[A-Z0-9_]*[A-Z0-9]\b", text))


def test_the_readme_table_of_variables_is_the_one_cvdata_env_makes() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert env.readme_table() in readme
    listed = [v.name for v in (*env.VARIABLES, *env.TOOL_VARIABLES)]
    assert len(listed) == len(set(listed))


def test_every_cvdata_variable_of_the_project_is_in_cvdata_env() -> None:
    known = {v.name for v in (*env.VARIABLES, *env.TOOL_VARIABLES)}
    named: set[str] = set()
    for folder in ("src", "scripts", "benchmarks", "tests"):
        for path in (PROJECT / folder).rglob("*"):
            if path.suffix in (".py", ".sh") and ".egg-info" not in str(path):
                named |= _named_variables(path.read_text(encoding="utf-8"))
    named |= _named_variables((PROJECT / "Makefile").read_text(encoding="utf-8"))
    # Names of Python constants and of Quarto's own settings, not variables cvdata reads.
    named -= {"CVDATA_ENV", "QUARTO_ENV", "QUARTO_PYTHON", "QUARTO_PROFILE"}
    named = {n for n in named if n.startswith("CVDATA_") or n in {v.name for v in env.VARIABLES}}
    assert named - known == set()


def test_only_cvdata_env_spells_a_variable_name() -> None:
    # The other modules use env's constants, so a name is written (and documented) once.
    spelled = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "env.py" or "vendor" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"(?:CVDATA|QUARTO)_[A-Z0-9_]+", node.value)
            ):
                spelled.setdefault(path.name, []).append(node.value)
    assert spelled == {}


def test_env_reads_only_the_variables_it_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env.AS_OF, "2026-01-02")
    assert env.get(env.AS_OF) == "2026-01-02"
    assert cvdata.resolve_as_of().isoformat() == "2026-01-02"
    with pytest.raises(KeyError, match="_TYPO is not one of"):
        env.get("CVDATA_" + "TYPO")


# ------------------------------------------------------------------ the project root


def test_one_project_root_finder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "site"
    (project / "notebooks").mkdir(parents=True)
    (project / "_quarto.yml").write_text("project:\n  type: website\n")
    monkeypatch.chdir(project / "notebooks")
    assert _paths.find_project_root() == project.resolve()
    assert _paths.find_project_root(step=True) == (project / "notebooks").resolve()
    monkeypatch.setenv(env.PROJECT_ROOT, str(tmp_path))  # not a project: not believed ...
    assert _paths.find_project_root() == project.resolve()
    assert _paths.find_project_root(step=True) == tmp_path.resolve()  # ... but by a step
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(env.PROJECT_ROOT)
    assert _paths.find_project_root() is None
    # The other places ask it: nobody else reads QUARTO_PROJECT_ROOT to find the project.
    readers = [
        p.name
        for p in PACKAGE.glob("*.py")
        if "env.get(env.PROJECT_ROOT)" in p.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == ["_paths.py"]
