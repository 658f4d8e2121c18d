"""What the site build keeps between runs, in the builder's cache folder for the site (`cache.folder`).

- `site/objects/ab/<sha256>`: the bytes of every file a build published, named by their SHA-256,
  which is checked before a file is used again. The published files are hard links to them, so the
  cache costs no space while the site exists, and a file whose inputs did not change keeps its inode.
- `site/pages.json`: what each page gave its last build (the digest of its output, its search
  entries as JSON text, its anchors, the links it resolved), by a key made of everything its HTML
  depends on (see `engine`), signed with the site's key like the parse cache: unsigned, damaged or
  foreign, it is ignored and the pages are rendered again.
- `site/last.json`: the stamp of the last published build: the digest of its inputs and of the site
  folder it made. A build whose inputs and site folder both match has nothing to do.

The cache only saves time: when it cannot be read or written, the build goes on without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import cache
from ..reserve import Ahead, make_folder

FORMAT = "briefings site cache 3"
OBJECTS = "objects"
PAGES = "pages.json"
LAST = "last.json"
# An object no record names is removed once it is this old: a build running beside this one may still use it.
SPARE_SECONDS = 3600

log = logging.getLogger("briefings")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Objects:
    """Files by the SHA-256 of their bytes; a file that no longer matches its name is never used."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # Objects hashed (here or by the process whose records these are) by identity: inode, size and time.
        # One that still has it is not read again; the folder is the user's alone.
        self.checked: dict[str, tuple[int, ...]] = {}

    def path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest

    def usable(self, digest: str) -> bool:
        """Whether the object exists and holds the bytes its name promises."""
        path = self.path(digest)
        try:
            status = path.stat()
        except OSError:
            return False
        identity = (status.st_ino, status.st_size, status.st_mtime_ns)
        if self.checked.get(digest) == identity:
            return True
        try:
            with path.open("rb") as stream:
                good = hashlib.file_digest(stream, "sha256").hexdigest() == digest
        except OSError:
            return False
        if good:
            self.checked[digest] = identity
        return good

    def put(self, data: bytes) -> str:
        """Keep `data`; returns its digest. A copy that cannot be kept is written where it is needed instead."""
        digest = digest_of(data)
        if not self.usable(digest):
            try:
                cache.write_atomically(self.path(digest), data)
                status = self.path(digest).stat()
            except OSError as error:
                log.warning("cannot keep %s in the site cache (%s)", digest[:12], error.strerror or error)
            else:
                self.checked[digest] = (status.st_ino, status.st_size, status.st_mtime_ns)
        return digest

    def put_file(self, source: str) -> str:
        with open(source, "rb") as stream:
            return self.put(stream.read())

    def place(self, digest: str, destination: str, made: set[str] | None = None, ahead: Ahead | None = None) -> None:
        """Put the object at `destination`: a hard link when the file system allows, else a copy.

        `made` holds the folders known to exist already, so that each is made once, taking those made
        ahead (`reserve`) first; without it, any missing folder is made.
        """
        if made is None:
            os.makedirs(os.path.dirname(destination), exist_ok=True)
        else:
            make_folder(os.path.dirname(destination), made, ahead)
        try:
            os.link(self.path(digest), destination)
        except OSError:
            Path(destination).write_bytes(self.path(digest).read_bytes())

    def forget_all_but(self, kept: set[str]) -> None:
        """Remove objects no record names, once they are old enough that no other build can be using them."""
        cutoff = time.time() - SPARE_SECONDS
        for path in self._all():
            try:
                if path.name not in kept and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass

    def _all(self) -> Iterator[Path]:
        try:
            for bucket in self.folder.iterdir():
                if bucket.is_dir() and not bucket.is_symlink():
                    yield from bucket.iterdir()
        except OSError:
            return


def read_signed(path: Path) -> dict[str, Any] | None:
    """The JSON object saved at `path` by `write_signed`, or None when it is missing, damaged or not ours."""
    return cache.read_signed(path, FORMAT, path.parent.parent)


def write_signed(path: Path, value: dict[str, Any]) -> None:
    """Save `value` signed with the site's key; a cache that cannot be saved is a warning, never a failure."""
    cache.write_signed(path, FORMAT, path.parent.parent, value)
