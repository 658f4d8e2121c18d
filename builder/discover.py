"""Discovery: which files under the data folder are records, and how problems name them.

One set of rules for everything that looks for records: `briefings check` walking the disk, and the
review summary reading a git tree. A record is a YAML file anywhere under a kind's folder; names
starting with '.' and READMEs that are not YAML are skipped; anything else is a problem.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .model import KINDS
from .problems import Problem, did_you_mean, problem

SITE_FILE = "site.yaml"
EXTENSIONS = (".yaml", ".yml")


class RecordFile(NamedTuple):
    """A record's file: its kind (top folder), path, name in problems, and the record id it gives."""

    kind: str
    path: str
    display: str
    id: str


def ignored(name: str) -> bool:
    """Whether a file or folder is skipped, neither a record nor a problem."""
    # A README explains a folder; a YAML file is a record whatever its name (`readme-kabul.yaml` too).
    return name.startswith(".") or (name.lower().startswith("readme") and not name.endswith(EXTENSIONS))


def record_id(name: str) -> str:
    """The id a record file's name gives its record."""
    return name.rsplit(".", 1)[0]


def record_key(parts: Sequence[str]) -> tuple[str, str] | None:
    """The (kind, id) of the file at `parts` below the data folder, or None if it is no record file."""
    if len(parts) < 2 or parts[0] not in KINDS or not parts[-1].endswith(EXTENSIONS):
        return None
    if any(ignored(part) for part in parts[1:]):
        return None
    return parts[0], record_id(parts[-1])


def find_files(root: Path) -> tuple[list[RecordFile], list[Problem]]:
    """Every record file under `root`, sorted; strays are problems."""
    found: list[RecordFile] = []
    problems: list[Problem] = []
    display = display_root(root)
    for entry in sorted(root.iterdir()):
        if ignored(entry.name) or entry.name == SITE_FILE:
            continue
        where = f"{display}/{printable(entry.name)}"
        if printable(entry.name) != entry.name:
            problems.append(problem("bad-file-name", where, 1, 1, name=printable(entry.name)))
        elif entry.is_symlink():
            # A linked folder would publish whatever it points to, from anywhere on the machine.
            code = "linked-folder" if entry.is_dir() else "linked-file"
            problems.append(problem(code, where, 1, 1, name=entry.name))
        elif not entry.is_dir():
            problems.append(problem("unexpected-file", where, 1, 1, name=entry.name))
        elif entry.name not in KINDS:
            kinds = ", ".join(f"{k}/" for k in KINDS)
            suggestion = did_you_mean(entry.name, KINDS)
            problems.append(problem("unknown-folder", where, 1, 1, name=entry.name, suggestion=suggestion, kinds=kinds))
        else:
            _walk(root, entry, display, found, problems)
    return found, problems


def _walk(root: Path, folder: Path, display: str, found: list[RecordFile], problems: list[Problem]) -> None:
    # Directory entries carry their type from the listing itself: no stat call per file.
    relative = folder.relative_to(root).as_posix()
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not ignored(e.name)), key=lambda e: e.name)
    except OSError as error:
        problems.append(
            problem(
                "unreadable", f"{display}/{relative}", 1, 1, name=folder.name, reason=error.strerror or "unknown error"
            )
        )
        return
    for entry in entries:
        where = f"{display}/{relative}/{printable(entry.name)}"
        if printable(entry.name) != entry.name:
            problems.append(problem("bad-file-name", where, 1, 1, name=printable(entry.name)))
        elif entry.is_symlink():
            problems.append(problem("linked-folder" if entry.is_dir() else "linked-file", where, 1, 1, name=entry.name))
        elif entry.is_dir():
            _walk(root, Path(entry.path), display, found, problems)
        elif entry.name.endswith(EXTENSIONS):
            # Plain strings: this runs for every file on every build.
            found.append(RecordFile(relative.split("/", 1)[0], entry.path, where, record_id(entry.name)))
        else:
            problems.append(problem("unexpected-file", where, 1, 1, name=entry.name))


def printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which the OS hands over as lone surrogates) as \\xNN."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def display_root(root: Path) -> str:
    """How problems name the data folder: relative to the working directory when inside it."""
    try:
        return root.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return root.resolve().as_posix()


def display_link(root: Path) -> str:
    """How problems name a data folder that is a link: the link itself, not where it leads."""
    absolute = Path(os.path.abspath(root))
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()
