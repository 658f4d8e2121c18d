"""The review summary: what a pull request changes in the records, in Markdown for its job summary.

Both sides are read the way `briefings check` reads them: the base revision from git (`git ls-tree`
and `git show`, never a shell), the working tree from disk, each file through the strict loader and
the model. Records are compared as records, so a change of layout or comments alone is no change,
and a file that does not load or validate is named as such instead of stopping the summary. Every
value from the data goes through `escape.text`.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from . import escape
from .load import MAX_FILE_BYTES, load_text
from .model import KINDS, ControlChange, Event, Figure, Quote, StatusStep, Strict
from .render import format_figure
from .validate import check_record

# Sections in the order a reviewer reads them: what happened first, the reference records last.
_FIRST = ("events", "quotes", "sources", "places", "actors", "briefings")
ORDER: tuple[str, ...] = (*(kind for kind in _FIRST if kind in KINDS), *(kind for kind in KINDS if kind not in _FIRST))

INVALID = "(does not validate: run `briefings check`)"
OLD_INVALID = "(the old version did not validate)"

_EXTENSIONS = (".yaml", ".yml")
_BOM = b"\xef\xbb\xbf"
# Variables that would point git at another repository than the one asked about (a git hook sets some).
_GIT_LOCATORS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
)
# Revisions shown as typed, in a code span: branch and tag names, HEAD~1, origin/main, v1.2^.
_PLAIN_REVISION = re.compile(r"[A-Za-z0-9._/~^@-]{1,100}")
# Text fields too long to print in a one-line change; they are named, not shown.
_LONG_TEXT = frozenset({"summary", "note", "text"})
# Lists of sentences, diffed item by item and shown by their start.
_TEXT_LISTS = {"highlights": "highlight", "watch": "watch item"}
_SHORT = 80


def summarize(base: str, data: Path, repo: Path | None = None) -> str:
    """Markdown summary of the records changed under `data` between git revision `base` and the working tree.

    `repo` is the git repository holding `data` (by default, the one `data` is in). Raises ValueError
    for a revision git does not know, or when `data` is not a folder inside a git repository.
    """
    data = Path(data)
    if not data.is_dir():
        raise ValueError(f"no data folder at {data}")
    top = _toplevel(repo if repo is not None else data)
    try:
        prefix = data.resolve().relative_to(top).as_posix()
    except ValueError:
        raise ValueError(f"the data folder {data} is not inside the git repository at {top}") from None
    prefix = "" if prefix == "." else prefix
    commit = _commit(base, top)
    old = _old_files(commit, prefix, top)
    new = _new_files(data, prefix)
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
            lines.append(f"- {change.verb.capitalize()} **{_t(change.id)}** {change.label}")
            lines += [f"  - {detail}" for detail in change.details]
    return "\n".join(lines) + "\n"


# --- git -------------------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path) -> bytes:
    env = {name: value for name, value in os.environ.items() if name not in _GIT_LOCATORS}
    try:
        result = subprocess.run(
            ["git", "--literal-pathspecs", *args], cwd=cwd, env=env, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise ValueError("git is not installed, or not on the PATH") from None
    except NotADirectoryError:
        raise ValueError(f"{cwd} is not a folder") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise ValueError(message)
    return result.stdout


def _revision(base: str) -> str:
    """How the summary names the revision: as code when it is a plain ref name, else escaped like data."""
    return f"`{base}`" if _PLAIN_REVISION.fullmatch(base) else _t(base)


def _toplevel(folder: Path) -> Path:
    try:
        out = _git(["rev-parse", "--show-toplevel"], folder)
    except ValueError as error:
        raise ValueError(f"{folder} is not inside a git repository: {error}") from None
    return Path(os.fsdecode(out.rstrip(b"\n"))).resolve()


def _commit(base: str, top: Path) -> str:
    """The commit `base` names, or a ValueError that says what to give instead."""
    if not base or base.startswith("-") or any(c in base for c in "\0\n"):
        raise ValueError(f"{base!r} is not a git revision: give a commit, branch or tag, such as HEAD~1 or origin/main")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
    except ValueError:
        raise ValueError(
            f"unknown git revision {base!r} in {top}: give a commit, branch or tag, such as HEAD~1 or "
            "origin/main (a shallow clone may need more history, e.g. actions/checkout with fetch-depth: 0)"
        ) from None
    return out.decode("ascii").strip()


# --- the two sides ---------------------------------------------------------------------------

Key = tuple[str, str]
"""(kind, id) of a record."""


@dataclass(frozen=True)
class _OldFile:
    path: str  # inside the repository, as git names it
    oid: str | None  # None for something that is not a plain file (a link), which never validates


@dataclass(frozen=True)
class _NewFile:
    path: str
    raw: bytes | None  # None when it cannot be a record: a link, unreadable, too large


def _record_key(parts: Sequence[str]) -> Key | None:
    """The (kind, id) of a file at `parts` below the data folder, or None if it is no record file."""
    if len(parts) < 2 or parts[0] not in KINDS or not parts[-1].endswith(_EXTENSIONS):
        return None
    if any(part.startswith(".") or part.lower().startswith("readme") for part in parts[1:]):
        return None
    return parts[0], parts[-1].rsplit(".", 1)[0]


def _old_files(commit: str, prefix: str, top: Path) -> dict[Key, list[_OldFile]]:
    out = _git(["ls-tree", "-r", "-z", "--full-name", commit, "--", prefix or "."], top)
    files: dict[Key, list[_OldFile]] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, what, oid = meta.decode("ascii").split(" ")
        path = os.fsdecode(raw_path)
        relative = path[len(prefix) + 1 :] if prefix else path
        if prefix and not path.startswith(prefix + "/"):
            continue
        key = _record_key(relative.split("/"))
        if key is not None and what == "blob":
            files.setdefault(key, []).append(_OldFile(path, oid if mode in ("100644", "100755") else None))
    return files


def _new_files(data: Path, prefix: str) -> dict[Key, list[_NewFile]]:
    files: dict[Key, list[_NewFile]] = {}
    for kind in KINDS:
        folder = data / kind
        if not folder.is_dir():
            continue
        for where, subfolders, names in os.walk(folder):
            subfolders.sort()
            for name in sorted(names):
                file = Path(where, name)
                relative = file.relative_to(data).as_posix()
                key = _record_key(relative.split("/"))
                if key is not None:
                    shown = f"{prefix}/{relative}" if prefix else relative
                    files.setdefault(key, []).append(_NewFile(shown, _read(file)))
    return files


def _read(file: Path) -> bytes | None:
    try:
        if file.is_symlink() or not file.is_file():
            return None
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return raw if len(raw) <= MAX_FILE_BYTES else None


def _blob_id(raw: bytes, like: str) -> str:
    """The id git gives a file holding `raw`, in the hash of `like` (SHA-1, or SHA-256 repositories)."""
    digest = hashlib.sha1 if len(like) == 40 else hashlib.sha256
    return digest(b"blob %d\0" % len(raw) + raw).hexdigest()


def _parse(key: Key, raw: bytes | None, path: str) -> Strict | None:
    """The record in `raw`, read as `briefings check` reads it; None if it does not load or validate."""
    if raw is None or len(raw) > MAX_FILE_BYTES:
        return None
    try:
        text = raw.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None
    doc, problems = load_text(text, path)
    if doc is None or problems:
        return None
    record, problems = check_record(key[0], key[1], doc)
    return None if problems else record


# --- comparing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    kind: str
    id: str
    verb: str  # added, changed, removed
    label: str  # Markdown, escaped: what the record is, after the id
    details: list[str]  # Markdown, escaped: one line each


def _compare(
    key: Key, olds: list[_OldFile] | None, news: list[_NewFile] | None, commit: str, top: Path
) -> _Change | None:
    kind, ident = key
    if olds and news and len(olds) == len(news) == 1:
        oid, raw = olds[0].oid, news[0].raw
        if oid is not None and raw is not None and _blob_id(raw, oid) == oid:
            return None
    # A record id given by two files on one side is a problem `briefings check` reports.
    old_raw = _show(olds[0], commit, top) if olds and len(olds) == 1 else None
    old = _parse(key, old_raw, olds[0].path) if olds and len(olds) == 1 else None
    new = _parse(key, news[0].raw, news[0].path) if news and len(news) == 1 else None
    if not olds:
        return _Change(kind, ident, "added", _label(new) if new else INVALID, [])
    if not news:
        return _Change(kind, ident, "removed", _label(old) if old else OLD_INVALID, [])
    if old is not None and new is not None:
        if old == new:
            return None
        return _Change(kind, ident, "changed", _label(new), _describe(old, new))
    if old is None and new is None:
        new_raw = news[0].raw if len(news) == 1 else None
        if old_raw is not None and new_raw is not None and _lines(old_raw) == _lines(new_raw):
            return None  # the same invalid file, saved with other line endings
        return _Change(kind, ident, "changed", INVALID, [])
    if new is None:
        return _Change(kind, ident, "changed", f"{_label(old)} {INVALID}", [])
    return _Change(kind, ident, "changed", f"{_label(new)} {OLD_INVALID}", [])


def _lines(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n")


def _show(file: _OldFile, commit: str, top: Path) -> bytes | None:
    if file.oid is None:
        return None
    return _git(["show", f"{commit}:{file.path}"], top)


def _label(record: Strict | None) -> str:
    """What a record is, after its id: a title, a name, or who said what."""
    if isinstance(record, Quote):
        if record.kind == "paraphrase":
            return f"— {_t(record.speaker)}, paraphrased: {_t(_start(record.text))}"
        return f"— {_t(record.speaker)}: “{_t(_start(record.text))}”"
    for name in ("title", "name"):
        value = getattr(record, name, None)
        if value:
            return f"— {_t(value)}"
    return ""


def _describe(old: Strict, new: Strict) -> list[str]:
    if isinstance(old, Event) and isinstance(new, Event):
        details = _fields(old, new, skip={"status", "control", "figures"})
        details += _status("status", old.status, new.status)
        details += _controls(old.control, new.control)
        details += _figures(old.figures, new.figures)
        return details
    return _fields(old, new)


def _fields(old: BaseModel, new: BaseModel, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """One line per changed field, in the model's order, named as editors write them."""
    details: list[str] = []
    for name, info in type(new).model_fields.items():
        before, after = getattr(old, name), getattr(new, name)
        if name in skip or before == after:
            continue
        field = info.alias or name
        if isinstance(before, list) and isinstance(after, list):
            details += _list_change(field, before, after)
        elif isinstance(before, BaseModel) and isinstance(after, BaseModel):
            inner = [name for name in type(after).model_fields if getattr(before, name) != getattr(after, name)]
            details.append(f"{field} changed ({', '.join(inner)})")
        elif field in _LONG_TEXT or isinstance(before, BaseModel) or isinstance(after, BaseModel):
            verb = "added" if before is None else "removed" if after is None else "changed"
            details.append(f"{field} {verb}")
        else:
            details.append(f"{field}: {_t(_start(_value(before)))} → {_t(_start(_value(after)))}")
    return details


def _list_change(field: str, before: list[object], after: list[object]) -> list[str]:
    if field in _TEXT_LISTS:
        return _sentences(_TEXT_LISTS[field], [str(item) for item in before], [str(item) for item in after])
    if not all(isinstance(item, str) for item in [*before, *after]):
        return [f"{field} changed"]
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    parts = []
    if added:
        parts.append("added " + ", ".join(_t(item) for item in added))
    if removed:
        parts.append("removed " + ", ".join(_t(item) for item in removed))
    return [f"{field}: {'; '.join(parts) if parts else 'reordered'}"]


def _sentences(noun: str, before: list[str], after: list[str]) -> list[str]:
    """Added, removed and reworded items of a list of sentences, each shown by its start."""
    details: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        reworded = min(i2 - i1, j2 - j1) if op == "replace" else 0
        details += [f"{noun} changed: “{_t(_start(item))}”" for item in after[j1 : j1 + reworded]]
        details += [f"{noun} added: “{_t(_start(item))}”" for item in after[j1 + reworded : j2]]
        details += [f"{noun} removed: “{_t(_start(item))}”" for item in before[i1 + reworded : i2]]
    return details


# --- events: status, control, figures --------------------------------------------------------


def _step(step: StatusStep) -> str:
    return f"{_t(step.status)} by {_t(step.by)}" if step.by else _t(step.status)


def _status(field: str, before: list[StatusStep], after: list[StatusStep]) -> list[str]:
    """'status: claimed by taliban → confirmed', or that the history changed with the status as it was."""
    if before == after:
        return []
    if not before or not after or _step(before[-1]) != _step(after[-1]):
        was = _step(before[-1]) if before else "none"
        now = _step(after[-1]) if after else "none"
        return [f"{field}: {was} → {now}"]
    return [f"{field} history changed (still {_step(after[-1])})"]


def _movement(change: ControlChange) -> str:
    if change.how == "held":
        return f"held by {_t(change.to)}"
    if change.from_:
        return f"{_t(change.from_)} → {_t(change.to)}"
    return f"to {_t(change.to)}"


def _by_place(changes: list[ControlChange]) -> dict[tuple[str, int], ControlChange]:
    """Control changes keyed by place and by order among those of the same place."""
    keyed: dict[tuple[str, int], ControlChange] = {}
    for change in changes:
        count = sum(place == change.place for place, _ in keyed)
        keyed[(change.place, count)] = change
    return keyed


K = TypeVar("K", str, tuple[str, int])
V = TypeVar("V", bound=Strict)


def _differing(old: dict[K, V], new: dict[K, V]) -> Iterator[tuple[V | None, V | None]]:
    """(before, after) for every key whose item was added, removed or changed, in key order."""
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was != now:
            yield was, now


def _other_fields(model: type[Strict], was: Strict, now: Strict, shown: set[str]) -> list[str]:
    """The names, as written in the file, of the fields not already described that differ."""
    return [
        info.alias or name
        for name, info in model.model_fields.items()
        if name not in shown and getattr(was, name) != getattr(now, name)
    ]


def _controls(before: list[ControlChange], after: list[ControlChange]) -> list[str]:
    details: list[str] = []
    for was, now in _differing(_by_place(before), _by_place(after)):
        if was is None and now is not None:
            how = "" if now.how == "held" else f", {_t(now.how)}"
            details.append(f"added control of {_t(now.place)}: {_movement(now)}{how} ({_step(now.status[-1])})")
        elif now is None and was is not None:
            details.append(f"removed control of {_t(was.place)}: {_movement(was)}")
        elif was is not None and now is not None:
            parts = []
            if _movement(was) != _movement(now):
                parts.append(f"was {_movement(was)}")
            if was.how != now.how:
                parts.append(f"how: {_t(was.how)} → {_t(now.how)}")
            parts += _status("status", was.status, now.status)
            rest = _other_fields(ControlChange, was, now, {"place", "from_", "to", "how", "status"})
            if rest:
                parts.append(f"{', '.join(rest)} changed")
            details.append(f"control of {_t(now.place)}: {_movement(now)}; {'; '.join(parts)}")
    return details


def _amount(figure: Figure) -> str:
    return _t(format_figure(figure))


def _figures(before: list[Figure], after: list[Figure]) -> list[str]:
    details: list[str] = []
    for was, now in _differing({f.id: f for f in before}, {f.id: f for f in after}):
        if was is None and now is not None:
            details.append(f"figure added: {_t(now.id)}, {_t(_start(now.label))}: {_amount(now)}")
        elif now is None and was is not None:
            details.append(f"figure removed: {_t(was.id)}, {_t(_start(was.label))}: {_amount(was)}")
        elif was is not None and now is not None:
            parts = []
            if _amount(was) != _amount(now):
                parts.append(f"{_amount(was)} → {_amount(now)}")
            rest = _other_fields(Figure, was, now, {"value", "low", "best", "high", "qualifier", "unit"})
            if rest:
                parts.append(f"{', '.join(rest)} changed")
            details.append(f"figure changed: {_t(now.id)}, {'; '.join(parts) or 'amount changed'}")
    return details


# --- values as text --------------------------------------------------------------------------


def _value(value: object) -> str:
    """A field's value as an editor would write it in the file."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # text, a literal, a FuzzyDate or TimeOfDay (which print as written)


def _start(text: str, limit: int = _SHORT) -> str:
    """The first words of `text`, up to about `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _t(value: object) -> str:
    """`value` made inert for Markdown and HTML, as a plain string (a Markup would escape what is added to it)."""
    return str(escape.text(value))
