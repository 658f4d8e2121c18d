"""What a build is made from, as digests: the builder and its libraries, the data, the hand-written pages.

A build whose digest matches the last build's stamp, with that build still intact, has nothing to do.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from .handwritten import GENERATED
from .model import kinds


class Digests(Protocol):
    """Where file digests come from: hashed once per build, or remembered across builds (the preview)."""

    def digest(self, path: str) -> str: ...


class Hashed:
    """Each file's SHA-256 for one build: noted when validation reads the file anyway, else hashed once.

    Validation takes it as its memory (see `validate.Remembered`), which remembers nothing else.
    """

    def __init__(self) -> None:
        self.known: dict[str, str] = {}
        self.records: dict[tuple[str, str], str] = {}
        """The digest of the file each record was made from, by (kind, id)."""

    def digest(self, path: str) -> str:
        name = os.path.normpath(path)
        found = self.known.get(name)
        if found is None:
            with open(name, "rb") as stream:
                found = self.known[name] = hashlib.file_digest(stream, "sha256").hexdigest()
        return found

    def note(self, path: Path, digest: str, read_since: int, /) -> None:
        self.known[os.path.normpath(path)] = digest

    def record(self, path: str, display: str, /) -> tuple[str, None]:
        return "", None

    def remember(self, display: str, digest: str, loaded: Any, /) -> None:
        self.records[loaded.kind, loaded.id] = digest

    def facts(self, loaded: object, /) -> None:
        return None

    def keep_only(self, displays: set[str], /) -> None:
        pass


def builder(digests: Digests) -> str:
    """A digest of the builder's code and templates and of the libraries it runs on: a different
    builder, or the same one on another version of a library, may make different pages.

    The template folders of kinds registered from elsewhere count as the builder's own templates.
    """
    roots = [(Path(__file__).parent, "builder")]
    roots += [(kind.templates, f"templates of {kind.folder}") for kind in kinds() if kind.templates]
    return _digest(roots, digests, _libraries())


# Whatever shapes the pages or the site made of them: loading, validation, templates, escaping, MkDocs.
_LIBRARIES = ("pyyaml", "pydantic", "pydantic-core", "jinja2", "markupsafe", "markdown", "mkdocs", "mkdocs-material")


@functools.cache
def _libraries() -> str:
    """The versions of Python, of each library in _LIBRARIES and of libyaml; looked up once per process."""
    versions = [f"python {platform.python_version()}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    try:
        from yaml import _yaml

        versions.append(f"libyaml {_yaml.get_version_string()}")
    except ImportError:
        versions.append("libyaml absent")
    return "\n".join(versions)


def inputs(data: Path, docs: Path, made_by: str, digests: Digests) -> str:
    """A digest of everything the pages are made from: the data, the hand-written pages, the builder."""
    return _digest([(data, "data"), (docs, "docs")], digests, made_by)


def _digest(roots: list[tuple[Path, str]], digests: Digests, start: str = "") -> str:
    digest = hashlib.sha256(start.encode())
    for root, name in roots:
        for relative, path, plain in _files(str(root), GENERATED if name == "docs" else ""):
            try:
                # A link or a special file is never read (it may be a pipe, or endless): the build refuses it.
                seen = digests.digest(path) if plain else "not a plain file"
            except OSError as error:
                seen = f"unreadable: {error.strerror}"
            # Names that are not UTF-8 are digested as their bytes; the build reports them.
            digest.update(f"{name}/{relative}\0{seen}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def files_under(root: str) -> Iterator[tuple[str, str, bool]]:
    """(relative path, path, whether it is a plain file) for every file under `root`, hidden ones aside."""
    return _files(root, "")


def _files(root: str, skipped: str) -> Iterator[tuple[str, str, bool]]:
    """(relative path, path, whether it is a plain file) for everything but folders under `root`.

    Hidden names, compiled Python and the top-level folder `skipped` are left out; the order is stable.
    """
    folders = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                # Plain strings, not Path objects: this runs over every file on every build.
                entries = sorted((entry.name, entry) for entry in listing)
        except OSError:
            yield prefix, folder, False
            continue
        for name, entry in entries:
            if name.startswith(".") or name.endswith(".pyc") or name in ("__pycache__", "" if prefix else skipped):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{prefix}{name}/", entry.path))
            else:
                yield f"{prefix}{name}", entry.path, entry.is_file(follow_symlinks=False)
