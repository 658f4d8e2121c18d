"""The record the writer keeps of each build's files, and the checks that a build still matches it.

Beside each build `NAME` in the store lies `NAME.files`: every file's size, modification time and
inode as the writer left it, with the SHA-256 of its content. A build counts as the writer's only
while its files are exactly those of its record; a file whose size, time or inode moved on is read
and hashed, so a hand edit, an added or a removed file is always found, and a mere touch is not a
change. Generated files are read-only, so an edit by hand is deliberate.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

RECORD = ".files"
"""The suffix of a build's record, beside the build in the store."""
_FORMAT = "briefings build record 1"
READ_ONLY = 0o444

Stat = tuple[int, int, int]
"""A file as the writer left it: size, modification time (ns) and inode."""


@dataclass
class Written:
    """What a process last wrote: the build's folder name, and each page's content, digest and file.

    A process that writes again and again (the preview) keeps one, so pages that did not change
    are recognised in memory rather than by reading the previous build's files back.
    """

    build: str = ""
    pages: dict[str, tuple[str | bytes, bytes]] = field(default_factory=dict)
    files: dict[str, Stat] = field(default_factory=dict)
    """Each file of `build` as the writer left it."""
    spare: str = ""
    """The build before `build`, kept to become the next one by changing only what differs."""
    spare_pages: dict[str, tuple[str | bytes, bytes]] = field(default_factory=dict)
    spare_files: dict[str, Stat] = field(default_factory=dict)


def build_name(digests: dict[str, bytes]) -> str:
    """A name for a build, from its pages' digests: the same pages always give the same name."""
    digest = hashlib.sha256()
    for path in sorted(digests):
        digest.update(f"{path}\0".encode() + digests[path])
    return digest.hexdigest()[:20]


def intact(build: Path, known: Written | None = None) -> bool:
    """Whether `build` still holds exactly the files the writer put there, none edited, added or removed.

    Cheap when nothing changed: each file's size, time and inode are compared with the record the
    writer kept (`known`'s, when it wrote `build`), and only a file that differs is read and hashed.
    """
    if known is not None and known.build == build.name:
        digests = {path: digest for path, (_, digest) in known.pages.items()}
        files: dict[str, Stat] | None = known.files
    else:
        record = read_record(build.parent / f"{build.name}{RECORD}")
        if record is None or build_name(record[0]) != build.name:
            return False
        digests, files = record
    return verified(build, digests, files) is not None


def verified(build: Path, digests: dict[str, bytes], recorded: dict[str, Stat] | None) -> dict[str, Stat] | None:
    """The record of `build`'s files when they hold exactly `digests`, else None.

    A file that matches `recorded` is trusted unread; any other is hashed.
    """
    found = survey(build)
    if found is None or found.keys() != digests.keys():
        return None
    for path, status in found.items():
        if (recorded is None or recorded.get(path) != status) and not _holds(build / path, digests[path]):
            return None
    return found


def survey(build: Path) -> dict[str, Stat] | None:
    """Every file under `build`, by path; None when it is missing or holds a link or a special file."""
    found: dict[str, Stat] = {}
    folders = [(build, "")]
    try:
        while folders:
            folder, prefix = folders.pop()
            with os.scandir(folder) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((Path(entry.path), f"{prefix}{entry.name}/"))
                    elif entry.is_file(follow_symlinks=False):
                        found[f"{prefix}{entry.name}"] = _stat(entry.stat(follow_symlinks=False))
                    else:
                        return None
    except OSError:
        return None
    return found


def _holds(path: Path, digest: bytes) -> bool:
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").digest() == digest
    except OSError:
        return False


def recorded(store: Path, name: str, digests: dict[str, bytes]) -> dict[str, Stat] | None:
    """The record of build `name`'s files, when there is one for exactly these pages."""
    record = read_record(store / f"{name}{RECORD}")
    return record[1] if record is not None and record[0] == digests else None


def read_record(path: Path) -> tuple[dict[str, bytes], dict[str, Stat]] | None:
    """A build's record: each file's digest and `Stat`; None when missing, damaged or not this writer's."""
    try:
        record = json.loads(path.read_bytes())
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            return None
        digests, files = {}, {}
        for file, (size, mtime, inode, digest) in record["files"].items():
            if not all(type(number) is int for number in (size, mtime, inode)):
                return None
            digests[file], files[file] = bytes.fromhex(digest), (size, mtime, inode)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return digests, files


def save_record(store: Path, name: str, digests: dict[str, bytes], files: dict[str, Stat]) -> None:
    """Keep the record of build `name` in `store`, replacing any record of that name in one rename."""
    entries = {path: [*files[path], digests[path].hex()] for path in sorted(files)}
    text = json.dumps({"format": _FORMAT, "files": entries}, separators=(",", ":"))
    temporary = store / f"{name}{RECORD}.{os.getpid()}"
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, store / f"{name}{RECORD}")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _stat(status: os.stat_result) -> Stat:
    return status.st_size, status.st_mtime_ns, status.st_ino


def stat_of(path: Path) -> Stat | None:
    """A plain file's `Stat`; None when it is missing, a link or anything but a plain file."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return _stat(status) if stat.S_ISREG(status.st_mode) else None


def read_only(path: str | Path) -> Stat:
    """Make a file of a build read-only (a hand edit must be deliberate); its record."""
    status = os.lstat(path)
    if stat.S_IMODE(status.st_mode) != READ_ONLY:
        os.chmod(path, READ_ONLY, follow_symlinks=False)
    return _stat(status)


def created(path: str | Path, content: bytes) -> Stat:
    """Create the file `path`, which must not exist, holding `content` and read-only (a hand edit must be
    deliberate); its record.

    Made read-only as it is created, and its record read from the open file: creating thousands of
    files is most of writing a build, and every call made on a path name adds to it.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), READ_ONLY)
    return _filled(descriptor, content)


def filled(path: str | Path, content: bytes) -> Stat:
    """Fill the empty file `path`, made ahead for it (`reserve`), with `content` and make it read-only; its
    record. Anything at `path` but a plain file of one name only is refused, untouched."""
    descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1 or status.st_size:
            raise OSError(f"{path} is not the empty file made for it")
    except BaseException:
        os.close(descriptor)
        raise
    return _filled(descriptor, content)


def _filled(descriptor: int, content: bytes) -> Stat:
    """Write `content` to the open file, make it read-only and close it; its record."""
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
        status = os.fstat(descriptor)
        if stat.S_IMODE(status.st_mode) != READ_ONLY:
            # A umask took some of the read bits away, or the file was made to be written first.
            os.fchmod(descriptor, READ_ONLY)
    finally:
        os.close(descriptor)
    return _stat(status)
