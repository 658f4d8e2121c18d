"""What the builder keeps between runs: the parse cache and the stamp of the last build.

Both live in the user's cache folder (`BRIEFINGS_CACHE`, else `$XDG_CACHE_HOME/briefings`, else
`~/.cache/briefings`), one folder per site, never in the repository: a pull request can add any file
to the repository, and must not be able to hand the builder a parse or a stamp of its own making.
Anything there that cannot be read, was written by another version of the loader, or fails its
checksum is ignored, and the build simply does the work again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import yaml

from . import load

PARSED = "parsed.json"
STAMP = "last-build.json"
_FORMAT = "briefings parse cache 1"
# A site not built for this long has moved or gone: its folder is removed when another site saves.
UNUSED_DAYS = 30


def folder(docs: Path) -> Path:
    """The cache folder of the site whose pages go under `docs`."""
    base = os.environ.get("BRIEFINGS_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "briefings"
    )
    site = hashlib.sha256(str(docs.resolve()).encode()).hexdigest()[:16]
    return Path(base, site)


def _loader_version() -> str:
    # What a file loads to depends on the loader's code and on libyaml: a change to either is a new cache.
    digest = hashlib.sha256(Path(load.__file__).read_bytes())
    digest.update(yaml.__version__.encode())
    return digest.hexdigest()


def _plain(value: Any) -> bool:
    """Whether `value` is something the loader can produce: text, nothing, lists and text-keyed mappings."""
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    return False


class ParseCache:
    """Loaded data by the SHA-256 of the file's bytes, so a rebuild parses only the files that changed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.stored: dict[str, Any] = {}
        self.used: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, path: Path) -> ParseCache:
        """The cache stored at `path`; empty when there is none, or it is damaged or not this loader's."""
        cache = cls(path)
        try:
            header, _, body = path.read_bytes().partition(b"\n")
            expected = {"format": _FORMAT, "loader": _loader_version(), "sha256": hashlib.sha256(body).hexdigest()}
            if json.loads(header) == expected:
                entries = json.loads(body)
                cache.stored = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            pass
        return cache

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        """The data the file with this key loaded to, if it loaded cleanly before."""
        data = self.stored.get(key)
        if not isinstance(data, dict) or not _plain(data):
            return None
        self.used[key] = data
        return data

    def put(self, key: str, data: dict[str, Any]) -> None:
        self.used[key] = data

    def begin(self) -> None:
        """Start another build with this cache: what the last one used can be found again."""
        self.stored.update(self.used)
        self.used = {}

    def save(self) -> None:
        """Store what this build used, and only that, when it differs from what was stored."""
        if self.path is None or self.used.keys() == self.stored.keys():
            return
        body = json.dumps(self.used, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = {"format": _FORMAT, "loader": _loader_version(), "sha256": hashlib.sha256(body).hexdigest()}
        write_atomically(self.path, json.dumps(header).encode() + b"\n" + body)
        forget_unused(self.path.parent)


def read_stamp(path: Path) -> dict[str, object] | None:
    """The stamp of the last build, or None when it cannot be read or is not ours."""
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or set(stamp) != {"inputs", "build", "pages"}:
        return None
    return {"inputs": stamp["inputs"], "build": stamp["build"], "pages": stamp["pages"]}


def write_stamp(path: Path, stamp: dict[str, object]) -> None:
    write_atomically(path, json.dumps(stamp).encode("utf-8"))


def forget_unused(site: Path) -> None:
    """Remove the cache folders of other sites that have not been built for UNUSED_DAYS."""
    cutoff = time.time() - UNUSED_DAYS * 86_400
    try:
        others = [folder for folder in site.parent.iterdir() if folder != site and folder.is_dir()]
        for folder in others:
            if folder.stat().st_mtime < cutoff and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass


def write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    temporary.write_bytes(content)
    os.replace(temporary, path)
