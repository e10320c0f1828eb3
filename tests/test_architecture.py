"""Boundaries of the design: the core and the knowledge layer never touch a platform SDK."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = ("telegram", "slack_bolt", "slack_sdk")
CORE_PACKAGES = ("bot", "knowledge")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


CORE_FILES = sorted(path for package in CORE_PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_core_files_import_no_platform_sdk(path: Path) -> None:
    offending = {name for name in _imported_modules(path) if name.split(".")[0] in PLATFORM_SDKS}
    assert not offending, f"{path.relative_to(ROOT)} imports {sorted(offending)}"


def test_only_the_cli_reaches_into_adapters() -> None:
    users = [
        path.relative_to(ROOT).as_posix()
        for path in CORE_FILES
        if any(name.split(".")[0] == "adapters" for name in _imported_modules(path))
    ]
    assert users and all(user.startswith("bot/cli/") for user in users), users


def test_importing_the_core_loads_no_platform_sdk() -> None:
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in CORE_FILES
        if "migrations" not in path.parts
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {PLATFORM_SDKS!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
