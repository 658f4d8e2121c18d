"""The hand-written pages and assets under `docs/`: read safely, and where each will be published.

They come from pull requests like the data, so only plain files in plain folders are read: a link
or a special file could publish any file the builder can read. And no file may be published where
another is: a hand-written page must not silently replace a generated one, nor two generated files
one another.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .discover import printable
from .problems import DataError, Problem, problem
from .write import SAFE_NAME

GENERATED = "generated"


class ClashError(Exception):
    """Two files of the site planned at one place: one would silently replace the other."""


def read(docs: Path) -> dict[str, bytes]:
    """The hand-written pages and assets under `docs`, which the site serves beside the generated ones.

    Only plain files in plain folders are read: a link or a special file could publish any file the
    builder can read. Those, names that are not UTF-8 and files that cannot be read raise DataError,
    each problem at its path.
    """
    found: dict[str, bytes] = {}
    problems: list[Problem] = []
    folders = [(docs, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            where = _shown(docs, prefix.rstrip("/"))
            reason = error.strerror or "unknown error"
            problems.append(problem("unreadable", where, 1, 1, name=printable(folder.name), reason=reason))
            continue
        for entry in entries:
            if entry.name.startswith(".") or (not prefix and entry.name == GENERATED):
                continue
            path, name = f"{prefix}{entry.name}", printable(entry.name)
            if name != entry.name:
                problems.append(problem("bad-file-name", _shown(docs, path), 1, 1, name=name))
            elif not SAFE_NAME.fullmatch(entry.name):
                # The writer would refuse it later, in words about paths leaving the generated folder.
                problems.append(problem("bad-doc-name", _shown(docs, path), 1, 1, name=name))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((Path(entry.path), f"{path}/"))
            elif not entry.is_file(follow_symlinks=False):
                problems.append(problem("linked-doc", _shown(docs, path), 1, 1, name=name))
            else:
                content = _read_plain(entry.path)
                if isinstance(content, bytes):
                    found[path] = content
                else:
                    code, reason = content
                    problems.append(problem(code, _shown(docs, path), 1, 1, name=name, reason=reason))
    if problems:
        raise DataError(problems)
    return dict(sorted(found.items()))


def _read_plain(path: str) -> bytes | tuple[str, str]:
    """A plain file's bytes, or the code of the problem that keeps it from being read and why."""
    try:
        # Neither following a link nor waiting on a pipe, even one put in the file's place since the listing.
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "linked-doc", ""
        return "unreadable", error.strerror or "unknown error"
    with os.fdopen(descriptor, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return "linked-doc", ""
            return stream.read()
        except OSError as error:
            return "unreadable", error.strerror or "unknown error"


def _shown(docs: Path, path: str) -> str:
    return printable(f"{docs.as_posix()}/{path}" if path else docs.as_posix())


# MkDocs' Markdown extensions: the files it makes pages of, published at their own URL.
_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


def published_at(path: str) -> str:
    """The file MkDocs (with `use_directory_urls`, its default) makes of the file at `path` in its docs folder.

    A page `a/b.md` becomes `a/b/index.html` (its URL is `a/b/`), `a/index.md` and `a/README.md`
    become `a/index.html` (URL `a/`); any other file is copied to its own path.
    """
    if not path.endswith(_MARKDOWN):
        return path
    folder, _, file = path.rpartition("/")
    stem = file.rsplit(".", 1)[0]
    at = f"{folder}/" if folder else ""
    return f"{at}index.html" if stem in ("index", "README") else f"{at}{stem}/index.html"


def refuse_clashes(by_hand: list[str], generated: list[str], docs: Path = Path("docs")) -> None:
    """ClashError when two files would be published at one URL, or one where another needs a folder.

    Hand-written files and generated ones are compared alike: a hand-written page must not silently
    replace a generated one, nor two generated files one another.
    """
    named = [(_shown(docs, path), path) for path in by_hand]
    named += [(f"the generated {path}", path) for path in generated]
    owners: dict[str, str] = {}
    for name, path in named:
        where = published_at(path)
        if where in owners:
            url = where.removesuffix("index.html")
            raise ClashError(
                f"{owners[where]} and {name} would both be published at /{url}; rename or move one of them"
            )
        owners[where] = name
    folders: set[str] = set()
    for where in owners:
        folder = where.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    both = min(folders & owners.keys(), default=None)
    if both is not None:
        inside = min(name for where, name in owners.items() if where.startswith(f"{both}/"))
        raise ClashError(
            f"{owners[both]} would be published at /{both}, where {inside} needs a folder; rename or move one of them"
        )
