"""Every third-party library the code imports is declared in pyproject.toml, and capped below its next major
version: a clean ``pip install`` gets what the code needs, and a new major release cannot break an install."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("shared", "server", "tui")
NEVER_CAPPED = {"tzdata"}  # data versioned by release year: a newer one is only ever more correct
TEST_ONLY = "test"


def normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def requirement_name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found, requirement
    return normal(found.group())


def declared() -> set[str]:
    """The install's dependencies and its extras (``postgres``), not what only the tests need."""
    spec = project()
    extras = spec["optional-dependencies"]
    assert isinstance(extras, dict)
    requirements = [*spec["dependencies"], *(r for extra, rs in extras.items() if extra != TEST_ONLY for r in rs)]  # type: ignore[misc]
    return {requirement_name(r) for r in requirements}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file (under ``if TYPE_CHECKING:`` too: still a dependency)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def third_party_imports() -> dict[str, set[str]]:
    """Each imported third-party module, with the files that import it."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for module in imported_modules(path):
                if module not in sys.stdlib_module_names and module not in PACKAGES:
                    found.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_library_is_declared() -> None:
    owners = packages_distributions()
    wanted = declared()
    imports = third_party_imports()
    assert {"textual", "sqlalchemy", "websockets"} <= imports.keys()  # the scan sees real imports
    undeclared = {
        module: sorted(files)
        for module, files in imports.items()
        if not {normal(d) for d in owners.get(module, [])} & wanted
    }
    assert undeclared == {}, "imported but not in pyproject.toml's dependencies (or an extra): " + repr(undeclared)


def test_every_core_dependency_is_capped_below_its_next_major_version() -> None:
    dependencies = project()["dependencies"]
    assert isinstance(dependencies, list)
    uncapped = [d for d in dependencies if "<" not in d and requirement_name(d) not in NEVER_CAPPED]
    assert uncapped == []
