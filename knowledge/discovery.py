"""Find the knowledge-base files under the content roots, refusing symlinks that leave a root."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from knowledge.documents import LoadError

SUPPORTED_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".pdf", ".txt", ".yaml", ".yml", ".ics"}
SKIPPED_NAMES = {"README.md"}


def root_label(root: Path) -> str:
    """How a content root is recorded on its chunks: relative to the working directory when inside
    it (so that moving the checkout keeps the index valid), absolute otherwise."""
    resolved = root.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return resolved.as_posix()


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def content_root(path: Path, roots: Sequence[Path]) -> Path:
    """The configured root ``path`` lies in, or the path itself (a folder) or its folder (a file).

    The path is located where it is written, not where a symlink leads: a link inside a root is
    judged against that root.
    """
    absolute = Path(os.path.abspath(path))
    for root in roots:
        if _inside(absolute, Path(os.path.abspath(root))) or _inside(path.resolve(), root.resolve()):
            return root
    return path if path.is_dir() and not path.is_symlink() else path.parent


def _escape(path: Path, root: Path) -> LoadError | None:
    """A LoadError when ``path`` is a symlink (or sits under one) that leads out of ``root``."""
    if _inside(path.resolve(), root.resolve()):
        return None
    kind = "folder" if path.is_dir() else "file"
    return LoadError(
        path=str(path), message=f"symlink to a {kind} outside the content root {root}: refused, not followed"
    )


def _wanted(file: Path, base: Path) -> bool:
    return (
        file.suffix.lower() in SUPPORTED_SUFFIXES
        and file.name not in SKIPPED_NAMES
        and not any(part.startswith(".") for part in file.relative_to(base).parts)
    )


def _walk(root: Path, folder: Path) -> Iterator[tuple[Path, Path] | LoadError]:
    found: list[tuple[Path, Path] | LoadError] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            sub = here / name
            if sub.is_symlink():
                # os.walk does not descend into it; one that stays inside the root is indexed
                # where it really lives, one that leaves it is reported.
                escape = _escape(sub, root)
                if escape is not None and not name.startswith("."):
                    found.append(escape)
        for name in filenames:
            file = here / name
            if not _wanted(file, folder):
                continue
            if file.is_symlink():
                escape = _escape(file, root)
                if escape is not None:
                    found.append(escape)
                    continue
            if file.is_file():
                found.append((root, file))
    yield from sorted(found, key=lambda item: item.path if isinstance(item, LoadError) else str(item[1]))


def discover(
    paths: Iterable[Path], roots: Sequence[Path] = (), refused: list[LoadError] | None = None
) -> Iterator[tuple[Path, Path]]:
    """Yield ``(root, file)`` for every supported file under each path; symlinks that lead outside
    their content root are never followed.

    Args:
        paths: Files or folders.
        roots: Configured content roots; a path inside one is identified relative to it, so that
            ingesting ``content/resources`` alone gives the same document ids as ingesting ``content``.
        refused: Receives a ``LoadError`` for each symlink refused, to report it.
    """
    for path in paths:
        root = content_root(path, roots)
        found: Iterable[tuple[Path, Path] | LoadError]
        if (escape := _escape(path, root)) is not None:
            found = [escape]
        elif path.is_file():
            found = [(root, path)]
        else:
            found = _walk(root, path) if path.is_dir() else []
        for item in found:
            if isinstance(item, LoadError):
                if refused is not None:
                    refused.append(item)
            else:
                yield item
