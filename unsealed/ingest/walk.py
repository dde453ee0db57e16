"""Walk the sources given to ingest: every regular file, never following a link."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    """A file found under a source root (or a link/unreadable entry recorded as such)."""

    abspath: str
    root: str  # the source root as an absolute path
    path: str  # logical path below the root, '/'-separated
    size: int
    mtime_ns: int
    status: str = "ok"  # 'ok', or why it is not read: 'link', 'hostile', 'error'
    error: str | None = None


def resolve_roots(paths: list[str | os.PathLike]) -> list[Path]:
    """Absolute source roots; raises FileNotFoundError naming the first missing path."""
    roots = []
    for p in paths:
        path = Path(p)
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(f"no such file or folder: {p}")
        roots.append(Path(os.path.abspath(path)))
    return roots


def walk(root: Path) -> Iterator[SourceFile]:
    """Every file below ``root`` (or ``root`` itself when it is a file), sorted, links not followed."""
    if not root.is_dir() or root.is_symlink():
        # a single file is its own root's only member; its logical path is its name
        yield _entry(root, root.parent, root.name)
        return
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            yield SourceFile(str(folder), str(root), rel, 0, 0, "error", f"cannot list folder: {exc.strerror}")
            continue
        subfolders = []
        for entry in entries:
            rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(Path(entry.path))
            else:
                yield _entry(Path(entry.path), root, rel)
        stack.extend(reversed(subfolders))


def _entry(path: Path, root: Path, rel: str) -> SourceFile:
    try:
        st = path.lstat()
    except OSError as exc:
        return SourceFile(str(path), str(root), rel, 0, 0, "error", f"cannot read: {exc.strerror}")
    if path.is_symlink():
        target = os.readlink(path)
        resolved = (path.parent / target).resolve()
        inside = resolved == root.resolve() or root.resolve() in resolved.parents
        if inside:
            return SourceFile(str(path), str(root), rel, 0, st.st_mtime_ns, "link",
                              f"symbolic link to {target}: not followed (the target is ingested where it lies)")
        return SourceFile(str(path), str(root), rel, 0, st.st_mtime_ns, "hostile",
                          f"symbolic link out of the source to {target}: not followed")
    if not path.is_file():
        return SourceFile(str(path), str(root), rel, 0, st.st_mtime_ns, "unsupported",
                          "not a regular file (device, socket or pipe): not read")
    if not os.access(path, os.R_OK):
        return SourceFile(str(path), str(root), rel, st.st_size, st.st_mtime_ns, "error",
                          "cannot read: permission denied")
    return SourceFile(str(path), str(root), rel, st.st_size, st.st_mtime_ns)
