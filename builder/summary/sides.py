"""The two sides of the summary: the record files at a git revision, and those in the working tree.

The base revision is read from git (`git ls-tree` and `git show`, never a shell), the working tree
from disk; both find their records by the rules `briefings check` finds them by.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..discover import record_key
from ..load import read_file
from ..model import KINDS

# Variables that would point git at another repository than the one asked about (a git hook sets some).
_GIT_LOCATORS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
)


def git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """Git's output for `args` fed `stdin`, run in `cwd` on the repository there; ValueError with git's message."""
    env = {name: value for name, value in os.environ.items() if name not in _GIT_LOCATORS}
    try:
        result = subprocess.run(
            ["git", "--literal-pathspecs", *args], cwd=cwd, env=env, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise ValueError("git is not installed, or not on the PATH") from None
    except NotADirectoryError:
        raise ValueError(f"{cwd} is not a folder") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise ValueError(message)
    return result.stdout


def toplevel(folder: Path) -> Path:
    """The top folder of the git repository `folder` is in."""
    try:
        out = git(["rev-parse", "--show-toplevel"], folder)
    except ValueError as error:
        raise ValueError(f"{folder} is not inside a git repository: {error}") from None
    return Path(os.fsdecode(out.rstrip(b"\n"))).resolve()


def resolve(base: str, top: Path) -> str:
    """The commit `base` names, or a ValueError that says what to give instead."""
    if not base or base.startswith("-") or any(c in base for c in "\0\n"):
        raise ValueError(f"{base!r} is not a git revision: give a commit, branch or tag, such as HEAD~1 or origin/main")
    try:
        out = git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
    except ValueError:
        raise ValueError(
            f"unknown git revision {base!r} in {top}: give a commit, branch or tag, such as HEAD~1 or "
            "origin/main (a shallow clone may need more history, e.g. actions/checkout with fetch-depth: 0)"
        ) from None
    return out.decode("ascii").strip()


Key = tuple[str, str]
"""(kind, id) of a record."""


@dataclass(frozen=True)
class OldFile:
    """A record file at the base revision."""

    path: str  # inside the repository, as git names it
    oid: str | None  # None for something that is not a plain file (a link), which never validates


@dataclass(frozen=True)
class NewFile:
    """A record file in the working tree."""

    path: str
    raw: bytes | None  # None when it cannot be a record: a link, unreadable, too large


def old_files(commit: str, prefix: str, top: Path) -> dict[Key, list[OldFile]]:
    """The record files under `prefix` at `commit`, by record, as git names them."""
    out = git(["ls-tree", "-r", "-z", "--full-name", commit, "--", prefix or "."], top)
    files: dict[Key, list[OldFile]] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, what, oid = meta.decode("ascii").split(" ")
        path = os.fsdecode(raw_path)
        relative = path[len(prefix) + 1 :] if prefix else path
        if prefix and not path.startswith(prefix + "/"):
            continue
        key = record_key(relative.split("/"))
        if key is not None and what == "blob":
            files.setdefault(key, []).append(OldFile(path, oid if mode in ("100644", "100755") else None))
    return files


def new_files(data: Path, prefix: str) -> dict[Key, list[NewFile]]:
    """The record files under `data` (at `prefix` in the repository), by record, with their bytes."""
    files: dict[Key, list[NewFile]] = {}
    for kind in KINDS:
        folder = data / kind
        if not folder.is_dir():
            continue
        for where, subfolders, names in os.walk(folder):
            subfolders.sort()
            for name in sorted(names):
                file = Path(where, name)
                relative = file.relative_to(data).as_posix()
                key = record_key(relative.split("/"))
                if key is not None:
                    path = f"{prefix}/{relative}" if prefix else relative
                    # Whatever cannot be read as a record (a link, too large) is kept as None: it never validates.
                    raw, _ = read_file(file, path)
                    files.setdefault(key, []).append(NewFile(path, raw))
    return files


def blob_id(raw: bytes, like: str) -> str:
    """The id git gives a file holding `raw`, in the hash of `like` (SHA-1, or SHA-256 repositories)."""
    digest = hashlib.sha1 if len(like) == 40 else hashlib.sha256
    return digest(b"blob %d\0" % len(raw) + raw).hexdigest()


def show(file: OldFile, commit: str, top: Path) -> bytes | None:
    """The bytes of `file` at `commit`; None for what is not a plain file."""
    if file.oid is None:
        return None
    return git(["show", f"{commit}:{file.path}"], top)
