"""Content-addressed store of originals: each distinct content once, never modified.

A blob lives at ``blobs/ab/cd/<sha256>``, read-only. It is written to a temporary
file first, hashed while copying, then renamed into place, so a crash never leaves
a half-written blob under its final name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1024 * 1024


class BlobStore:
    """The folder of originals inside a case."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self._folders: set[Path] = set()  # fan-out folders known to exist: saves a mkdir per blob

    def path(self, sha256: str) -> Path:
        """Where the blob with this SHA-256 is (or would be) stored."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put_file(self, source: Path | str) -> tuple[str, int, bool]:
        """Copy ``source`` in, hashing as it streams. Returns (sha256, size, newly_stored)."""
        with open(source, "rb") as fh:
            return self.put_stream(fh)

    def put_stream(self, stream) -> tuple[str, int, bool]:
        """Store what a binary stream holds. Returns (sha256, size, newly_stored)."""
        if self.tmp not in self._folders:
            self.tmp.mkdir(parents=True, exist_ok=True)
            self._folders.add(self.tmp)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            sha = digest.hexdigest()
            return sha, size, self._place(tmp_name, sha)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)

    def adopt(self, file: Path | str) -> tuple[str, int, bool]:
        """Move a scratch file that we own (an archive member) into the store."""
        digest = hashlib.sha256()
        size = 0
        with open(file, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        sha = digest.hexdigest()
        final = self.path(sha)
        if final.exists():
            os.unlink(file)
            return sha, size, False
        self.tmp.mkdir(parents=True, exist_ok=True)
        tmp_name = self.tmp / f"adopt-{os.getpid()}-{sha}"
        shutil.move(os.fspath(file), tmp_name)  # same file system: a rename
        try:
            return sha, size, self._place(os.fspath(tmp_name), sha)
        finally:
            if tmp_name.exists():
                tmp_name.unlink()

    def _place(self, tmp_name: str, sha: str) -> bool:
        final = self.path(sha)
        if final.exists():
            return False
        if final.parent not in self._folders:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(final.parent)
        os.chmod(tmp_name, 0o444)
        # No fsync per blob: a killed process loses nothing the OS already holds, and the
        # catalog only refers to a blob after this rename. After a power cut, fsck tells.
        os.replace(tmp_name, final)
        return True

    def rehash(self, sha256: str) -> str | None:
        """SHA-256 of what is stored under ``sha256`` now, or None when it is missing."""
        path = self.path(sha256)
        try:
            with open(path, "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def __iter__(self) -> Iterator[str]:
        for first in sorted(self.root.glob("??")):
            for second in sorted(first.glob("??")):
                for blob in sorted(second.iterdir()):
                    yield blob.name
