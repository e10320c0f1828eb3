"""Discovery: supported files only, and symlinks leaving the content root refused, never followed."""

from __future__ import annotations

from pathlib import Path

from knowledge.discovery import discover
from knowledge.documents import LoadError
from tests.knowledge.conftest import write


def _split(paths: list[Path], roots: list[Path], base: Path) -> tuple[list[str], list[LoadError]]:
    refused: list[LoadError] = []
    files = [file.relative_to(base).as_posix() for _, file in discover(paths, roots, refused=refused)]
    return files, refused


def test_discover_skips_readme_hidden_and_unknown_files(tmp_path: Path) -> None:
    for name in ("a.md", "README.md", ".hidden/b.md", "c.docx", "d.yaml", "e.ics"):
        write(tmp_path / name, "x")
    files, errors = _split([tmp_path], [], tmp_path)
    assert files == ["a.md", "d.yaml", "e.ics"] and errors == []


def test_symlinks_out_of_the_root_are_refused_files_and_folders(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write(root / "resources" / "real.md", "x")
    secret = write(tmp_path / "outside" / "secret.md", "the secret")
    (root / "resources" / "secret.md").symlink_to(secret)
    (root / "leak").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "resources" / "alias.md").symlink_to(root / "resources" / "real.md")  # stays inside: fine

    files, errors = _split([root], [root], root)
    assert files == ["resources/alias.md", "resources/real.md"]
    assert sorted(Path(error.path).name for error in errors) == ["leak", "secret.md"]
    assert all("outside the content root" in error.message for error in errors)
    assert all("secret" not in error.message.split("root")[0] for error in errors)


def test_a_symlink_given_by_name_is_refused_too(tmp_path: Path) -> None:
    root = tmp_path / "content"
    secret = write(tmp_path / "secret.md", "the secret")
    write(root / "a.md", "x")
    (root / "b.md").symlink_to(secret)
    files, [error] = _split([root / "b.md"], [root], root)
    assert files == [] and "symlink" in error.message
