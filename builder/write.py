"""Writing: the rendered pages into the generated folder, all at once or not at all.

The generated folder is a symbolic link to a complete build under a store folder beside it. A new
build is assembled next to the current one, then the link is replaced in one atomic rename, so a
failure or a kill at any point leaves the previous pages whole. Files whose content did not change
are hard links to the previous build's, so they keep their identity and modification time.

Nothing found on disk is trusted for being there: the store must be a real folder and the generated
folder a link the writer made into it, clean-up removes only entries named as the writer names its
own, and a build counts as unchanged only once its files match the record the writer kept of them
(`manifest`). Generated files are read-only, so an edit by hand is deliberate, and even then the
next build replaces it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .manifest import (
    RECORD,
    Stat,
    Written,
    build_name,
    created,
    filled,
    intact,
    read_only,
    recorded,
    save_record,
    stat_of,
    survey,
    verified,
)
from .reserve import Ahead, ahead_in, folders_of, make_folder

__all__ = ["Ahead", "WriteError", "Written", "ahead", "check_path", "current_build", "intact", "write"]

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""A name the writer accepts for a file or folder of the site."""
_DIGEST = "[0-9a-f]{20}"
# The names the writer gives the builds it links to, and everything it ever puts in its store.
_BUILD = re.compile(rf"{_DIGEST}|tmp-{_DIGEST}-[0-9]+|spare-{_DIGEST}|adopted")
_OWN = re.compile(rf"{_BUILD.pattern}|{_DIGEST}{re.escape(RECORD)}(?:\.[0-9]+)?|ahead-[0-9]+")


class WriteError(Exception):
    """A page path that would leave the generated folder, or a folder that cannot be written."""


def check_path(path: str) -> PurePosixPath:
    """A page path as a safe relative path inside the generated folder, or WriteError."""
    pure = PurePosixPath(path)
    unsafe = pure.as_posix() != path or any(not SAFE_NAME.fullmatch(part) for part in pure.parts)
    if pure.is_absolute() or not pure.parts or "\\" in path or unsafe:
        raise WriteError(f"refusing to write outside the generated folder: {path!r}")
    return pure


def _store(target: Path) -> Path:
    return target.parent / f".{target.name}"


def _encoded(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _digests(pages: dict[str, str | bytes], known: Written) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The digest of each page, taken from `known` where it holds the same content; and the bytes of the
    pages encoded to be hashed, so that none is encoded twice."""
    digests, encoded = {}, {}
    for path, content in pages.items():
        kept = known.pages.get(path)
        if kept is not None and (kept[0] is content or kept[0] == content):
            digests[path] = kept[1]
        else:
            data = encoded[path] = _encoded(content)
            digests[path] = hashlib.sha256(data).digest()
    return digests, encoded


@contextmanager
def ahead(target: Path) -> Iterator[Ahead | None]:
    """Empty files and folders made ahead in the store beside `target`, for a build from nothing to fill
    (`reserve`); what is not used is removed at the end. Raises WriteError as `current_build` does."""
    current_build(target)
    store = _store(target)
    store.mkdir(parents=True, exist_ok=True)
    with ahead_in(store / f"ahead-{os.getpid()}") as made:
        yield made


def write(pages: dict[str, str | bytes], target: Path, known: Written | None = None, made: Ahead | None = None) -> bool:
    """Make `target` hold exactly `pages`; return False when it already did (nothing is written).

    With `known`, what this process wrote last (updated here), unchanged pages are found in memory.
    With `made`, files and folders a helper made ahead (`ahead`) are filled before any is created.
    Raises WriteError when `target` or the store beside it is not the writer's own.
    """
    safe = {path: check_path(path) for path in pages}
    lasting, known = known is not None, known or Written()
    digests, encoded = _digests(pages, known)
    checked = {safe[path]: encoded.get(path, content) for path, content in pages.items()}
    name = build_name(digests)
    store = _store(target)
    current = _current(target)
    # What this process wrote is what is there, unless the folder changed hands since.
    trusted = current is not None and current.name == known.build
    now = {path: (pages[path], digests[path]) for path in pages}
    if current is not None and current.name == name:
        record = known.files if trusted else recorded(store, name, digests)
        files = verified(current, digests, record)
        if files is not None:
            if files != record:
                save_record(store, name, digests, files)
            known.build, known.pages, known.files = name, now, files
            if lasting and not known.spare:
                # A process that will write again starts with a spare, so even its first change is cheap.
                spare = _linked_copy(current, store / f"spare-{name}")
                known.spare, known.spare_pages, known.spare_files = spare.name, now, files
            return False
        # Edited or added to since it was written: nothing is taken from it unread.
        trusted = False
    # Never the live build, whatever another writer may have done meanwhile.
    spare_name = known.spare if trusted and current and known.spare not in ("", name, current.name) else ""
    if current is not None and spare_name:
        # Forgotten first: if updating it fails halfway, it is no longer what `known` says.
        had, had_files = known.spare_pages, known.spare_files
        known.spare, known.spare_pages, known.spare_files = "", {}, {}
        spare = store / spare_name
        found = survey(spare)
        if found is not None and found.keys() == had.keys():
            stale = {path for path, status in found.items() if status != had_files.get(path)}
            try:
                final, files = _update(spare, name, checked, digests, had, had_files, stale, current, known)
                save_record(store, name, digests, files)
            except BaseException:
                _remove(spare)
                raise
            _swap_link(target, final)
            _remove(store / f"{spare_name}{RECORD}")
            known.spare, known.spare_pages, known.spare_files = current.name, known.pages, known.files
            known.build, known.pages, known.files = name, now, files
            return True
        # Not as it was left: built afresh below, and the spare removed with the other leftovers.
    store.mkdir(parents=True, exist_ok=True)
    staging = store / f"tmp-{name}-{os.getpid()}"
    _remove(staging)
    staging.mkdir()
    final, live = store / name, False
    try:
        files = _assemble(staging, checked, digests, current, known if trusted else None, made)
        save_record(store, name, digests, files)
        if final.exists() or final.is_symlink():
            if current is not None and current.name == name:
                # The live build is replaced by one of the same name: the link never points at nothing.
                _swap_link(target, staging)
                live = True
            _remove(final)
        staging.rename(final)
    except BaseException:
        # A build that failed midway is removed, so failures cannot fill the disk; never the live one.
        if not live:
            _remove(staging)
        raise
    _swap_link(target, final)
    # A process that will write again keeps the previous build to update into its next one.
    keep = current if trusted and current is not None and current.name != final.name else None
    kept = {final.name, f"{final.name}{RECORD}"} | ({keep.name} if keep else set())
    kept |= {made.location.name} if made else set()
    for leftover in store.iterdir():
        if _OWN.fullmatch(leftover.name) and leftover.name not in kept:
            _remove(leftover)
    if keep:
        known.spare, known.spare_pages, known.spare_files = keep.name, known.pages, known.files
    else:
        known.spare, known.spare_pages, known.spare_files = "", {}, {}
    known.build, known.pages, known.files = name, now, files
    return True


def _assemble(
    staging: Path,
    checked: dict[PurePosixPath, str | bytes],
    digests: dict[str, bytes],
    current: Path | None,
    known: Written | None,
    made_ahead: Ahead | None = None,
) -> dict[str, Stat]:
    """Write every page into `staging`, linking those the current build holds unchanged; their records.

    With `known` (what this process wrote into `current`), a file is unchanged when its digest and
    its record are; without, when its bytes are the page's. With `made_ahead`, files and folders made
    ahead are taken first; a build from nothing takes one for every page.
    """
    # Paths as text from here: thousands of files, and pathlib's objects cost more than the calls they make.
    root = os.fspath(staging)
    folders = {root}
    if made_ahead is not None and current is None:
        made_ahead.expect(len(checked), len(folders_of(relative.as_posix() for relative in checked)))
    files = {}
    for relative, content in sorted(checked.items(), key=lambda item: item[0].parts):
        path = relative.as_posix()
        destination = f"{root}/{path}"
        make_folder(os.path.dirname(destination), folders, made_ahead)
        previous = current / relative if current is not None else None
        if previous is None:
            unchanged = False
        elif known is not None:
            kept = known.pages.get(path)
            unchanged = kept is not None and kept[1] == digests[path] and stat_of(previous) == known.files.get(path)
        else:
            unchanged = _same(previous, _encoded(content))
        if previous is not None and unchanged:
            os.link(previous, destination, follow_symlinks=False)
            files[path] = read_only(destination)
        elif made_ahead is not None and made_ahead.file(destination):
            files[path] = filled(destination, _encoded(content))
        else:
            files[path] = created(destination, _encoded(content))
    return files


def _linked_copy(build: Path, copy: Path) -> Path:
    """A copy of a build whose files are hard links to the build's."""
    _remove(copy)
    try:
        for folder, _, files in os.walk(build):
            here = copy / os.path.relpath(folder, build)
            here.mkdir(parents=True, exist_ok=True)
            for file in files:
                os.link(os.path.join(folder, file), here / file, follow_symlinks=False)
    except BaseException:
        _remove(copy)
        raise
    return copy


def _update(
    spare: Path,
    name: str,
    checked: dict[PurePosixPath, str | bytes],
    digests: dict[str, bytes],
    had: dict[str, tuple[str | bytes, bytes]],
    had_files: dict[str, Stat],
    stale: set[str],
    current: Path,
    known: Written,
) -> tuple[Path, dict[str, Stat]]:
    """Turn the spare build, which holds `had`, into the one with `checked`, and name it for them.

    Files in `stale` no longer match the record kept of them, so they are written again whatever
    their digest. The spare's files may be hard links shared with other builds, so none is written
    in place: a changed file is a new file (or a link to the current build's, when that already
    holds the bytes) renamed over the old entry. Returns the build and the record of its files.
    """
    folders = {spare / PurePosixPath(path).parent for path in had}
    files = {}
    for relative, content in sorted(checked.items()):
        path = relative.as_posix()
        if path in had and had[path][1] == digests[path] and path not in stale:
            files[path] = had_files[path]
            continue
        destination = spare / relative
        if destination.parent not in folders:
            destination.parent.mkdir(parents=True, exist_ok=True)
            folders.add(destination.parent)
        fresh = destination.with_name(f".{destination.name}.new")
        fresh.unlink(missing_ok=True)
        live = known.pages.get(path)
        if live and live[1] == digests[path] and stat_of(current / relative) == known.files.get(path):
            os.link(current / relative, fresh, follow_symlinks=False)
            files[path] = read_only(fresh)
        else:
            files[path] = created(fresh, _encoded(content))
        # A rename keeps the file's size, time and inode: its record holds for the new name.
        os.replace(fresh, destination)
    wanted = {relative.as_posix() for relative in checked}
    for path in had.keys() - wanted:
        gone = spare / path
        gone.unlink(missing_ok=True)
        # A fresh build has no empty folders: neither may the updated one.
        for folder in gone.parents:
            if folder == spare or any(folder.iterdir()):
                break
            folder.rmdir()
    final = spare.parent / name
    _remove(final)
    spare.rename(final)
    return final, files


def current_build(target: Path) -> Path | None:
    """The build the generated folder `target` links to, if there is one.

    Raises WriteError when the store beside `target` is a link or not a folder, or when `target`
    is a link the writer did not make: whatever those point at is never written or deleted.
    """
    store = _store(target)
    if store.is_symlink() or (store.exists() and not store.is_dir()):
        raise WriteError(
            f"{store} is a link or a file, not the folder the builder keeps its builds in;"
            f" delete it (rm {store}) and build again"
        )
    if not target.is_symlink():
        return None
    text = os.readlink(target)
    folder, _, entry = text.partition("/")
    if folder != store.name or not _BUILD.fullmatch(entry):
        raise WriteError(
            f"{target} is a link to {text!r}, not to one of the builder's builds in {store}/;"
            f" delete the link (rm {target}) and build again"
        )
    build = store / entry
    if build.is_symlink():
        raise WriteError(f"{build} is a link, not a build; delete it (rm {build}) and build again")
    return build if build.is_dir() else None


def _current(target: Path) -> Path | None:
    current = current_build(target)
    if current is None and not target.is_symlink() and target.is_dir():
        # A real folder from elsewhere (an older layout, a copy): move it into the store first.
        store = _store(target)
        store.mkdir(parents=True, exist_ok=True)
        adopted = store / "adopted"
        _remove(adopted)
        target.rename(adopted)
        _swap_link(target, adopted)
        return adopted
    return current


def _same(path: Path, data: bytes) -> bool:
    try:
        status = os.lstat(path)
        return stat.S_ISREG(status.st_mode) and status.st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _remove(path: Path) -> None:
    """Remove a file, link or folder of the store; a link is removed, never followed."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _swap_link(target: Path, build: Path) -> None:
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(build, target.parent), link)
    os.replace(link, target)
