"""The review summary: what a pull request changes in the records, in Markdown for its job summary.

Both sides are read the way `briefings check` reads them (`sides`): each file through the strict
loader and the model. Records are compared as records, so a change of layout or comments alone is
no change, and a file that does not load or validate is named as such instead of stopping the
summary. What changed within a record is told by `details`; every value from the data goes through
`escape.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..load import load_bytes
from ..model import KINDS, Strict
from ..validate import check_record
from . import sides
from .details import describe, inert, label
from .sides import Key

# Sections in the order a reviewer reads them: what happened first, the reference records last.
_FIRST = ("events", "quotes", "sources", "places", "actors", "briefings")
ORDER: tuple[str, ...] = (*(kind for kind in _FIRST if kind in KINDS), *(kind for kind in KINDS if kind not in _FIRST))

INVALID = "(does not validate: run `briefings check`)"
OLD_INVALID = "(the old version did not validate)"

# Revisions shown as typed, in a code span: branch and tag names, HEAD~1, origin/main, v1.2^.
_PLAIN_REVISION = re.compile(r"[A-Za-z0-9._/~^@-]{1,100}")


def summarize(base: str, data: Path, repo: Path | None = None) -> str:
    """Markdown summary of the records changed under `data` between git revision `base` and the working tree.

    `repo` is the git repository holding `data` (by default, the one `data` is in). Raises ValueError
    for a revision git does not know, or when `data` is not a folder inside a git repository.
    """
    data = Path(data)
    if not data.is_dir():
        raise ValueError(f"no data folder at {data}")
    top = sides.toplevel(repo if repo is not None else data)
    try:
        prefix = data.resolve().relative_to(top).as_posix()
    except ValueError:
        raise ValueError(f"the data folder {data} is not inside the git repository at {top}") from None
    prefix = "" if prefix == "." else prefix
    commit = sides.resolve(base, top)
    old = sides.old_files(commit, prefix, top)
    new = sides.new_files(data, prefix)
    changes: list[_Change] = []
    for key in sorted(old.keys() | new.keys(), key=lambda key: (ORDER.index(key[0]), key[1])):
        change = _compare(key, old.get(key), new.get(key), commit, top)
        if change is not None:
            changes.append(change)
    since = commit[:7] if commit.startswith(base) else f"{_revision(base)} ({commit[:7]})"
    if not changes:
        return f"No content changes since {since}.\n"
    counts = {verb: sum(change.verb == verb for change in changes) for verb in ("added", "changed", "removed")}
    lines = [
        f"### Content changes since {since}",
        "",
        ", ".join(f"{count} {verb}" for verb, count in counts.items() if count),
    ]
    for kind in ORDER:
        of_kind = [change for change in changes if change.kind == kind]
        if not of_kind:
            continue
        lines += ["", f"#### {kind.capitalize()}", ""]
        for change in of_kind:
            lines.append(f"- {change.verb.capitalize()} **{inert(change.id)}** {change.label}")
            lines += [f"  - {detail}" for detail in change.details]
    return "\n".join(lines) + "\n"


def _revision(base: str) -> str:
    """How the summary names the revision: as code when it is a plain ref name, else escaped like data."""
    return f"`{base}`" if _PLAIN_REVISION.fullmatch(base) else inert(base)


@dataclass(frozen=True)
class _Change:
    kind: str
    id: str
    verb: str  # added, changed, removed
    label: str  # Markdown, escaped: what the record is, after the id
    details: list[str]  # Markdown, escaped: one line each


def _compare(
    key: Key, olds: list[sides.OldFile] | None, news: list[sides.NewFile] | None, commit: str, top: Path
) -> _Change | None:
    kind, ident = key
    if olds and news and len(olds) == len(news) == 1:
        oid, raw = olds[0].oid, news[0].raw
        if oid is not None and raw is not None and sides.blob_id(raw, oid) == oid:
            return None
    # A record id given by two files on one side is a problem `briefings check` reports.
    old_raw = sides.show(olds[0], commit, top) if olds and len(olds) == 1 else None
    old = _parse(key, old_raw, olds[0].path) if olds and len(olds) == 1 else None
    new = _parse(key, news[0].raw, news[0].path) if news and len(news) == 1 else None
    if not olds:
        return _Change(kind, ident, "added", label(new) if new else INVALID, [])
    if not news:
        return _Change(kind, ident, "removed", label(old) if old else OLD_INVALID, [])
    if old is not None and new is not None:
        if old == new:
            return None
        return _Change(kind, ident, "changed", label(new), describe(old, new))
    if old is None and new is None:
        new_raw = news[0].raw if len(news) == 1 else None
        if old_raw is not None and new_raw is not None and _lines(old_raw) == _lines(new_raw):
            return None  # the same invalid file, saved with other line endings
        return _Change(kind, ident, "changed", INVALID, [])
    if new is None:
        return _Change(kind, ident, "changed", f"{label(old)} {INVALID}", [])
    return _Change(kind, ident, "changed", f"{label(new)} {OLD_INVALID}", [])


def _lines(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n")


def _parse(key: Key, raw: bytes | None, path: str) -> Strict | None:
    """The record in `raw`, read as `briefings check` reads it; None if it does not load or validate."""
    if raw is None:
        return None
    doc, problems = load_bytes(raw, path)
    if doc is None or problems:
        return None
    record, problems = check_record(key[0], key[1], doc)
    return None if problems else record
