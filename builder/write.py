"""Writing: the rendered pages into the generated folder, all at once or not at all.

The generated folder is a symbolic link to a complete build under a store folder beside it. A new
build is assembled next to the current one, then the link is replaced in one atomic rename, so a
failure or a kill at any point leaves the previous pages whole. Files whose content did not change
are hard links to the previous build's, so they keep their identity and modification time.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class WriteError(Exception):
    """A page path that would leave the generated folder, or a folder that cannot be written."""


def check_path(path: str) -> PurePosixPath:
    """A page path as a safe relative path inside the generated folder, or WriteError."""
    pure = PurePosixPath(path)
    unsafe = pure.as_posix() != path or any(not _SAFE_PART.fullmatch(part) for part in pure.parts)
    if pure.is_absolute() or not pure.parts or "\\" in path or unsafe:
        raise WriteError(f"refusing to write outside the generated folder: {path!r}")
    return pure


def _store(target: Path) -> Path:
    return target.parent / f".{target.name}"


@dataclass
class Written:
    """What a process last wrote: the build's folder name, and each page's content and digest.

    A process that writes again and again (the preview) keeps one, so pages that did not change
    are recognised in memory rather than by reading the previous build's files back.
    """

    build: str = ""
    pages: dict[str, tuple[str | bytes, bytes]] = field(default_factory=dict)
    spare: str = ""
    """The build before `build`, kept to become the next one by changing only what differs."""
    spare_pages: dict[str, tuple[str | bytes, bytes]] = field(default_factory=dict)


def _encoded(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _digests(pages: dict[str, str | bytes], known: Written) -> dict[str, bytes]:
    digests = {}
    for path, content in pages.items():
        kept = known.pages.get(path)
        same = kept is not None and (kept[0] is content or kept[0] == content)
        digests[path] = kept[1] if kept and same else hashlib.sha256(_encoded(content)).digest()
    return digests


def _name(digests: dict[str, bytes]) -> str:
    """A name for a build, from its pages' digests: the same pages always give the same name."""
    digest = hashlib.sha256()
    for path in sorted(digests):
        digest.update(f"{path}\0".encode() + digests[path])
    return digest.hexdigest()[:20]


def write(pages: dict[str, str | bytes], target: Path, known: Written | None = None) -> bool:
    """Make `target` hold exactly `pages`; return False when it already did (nothing is written).

    With `known`, what this process wrote last (updated here), unchanged pages are found in memory.
    """
    checked = {check_path(path): content for path, content in pages.items()}
    lasting, known = known is not None, known or Written()
    digests = _digests(pages, known)
    name = _name(digests)
    store = _store(target)
    current = _current(target)
    # What this process wrote is what is there, unless the folder changed hands since.
    trusted = current is not None and current.name == known.build
    now = {path: (pages[path], digests[path]) for path in pages}
    if current is not None and current.name == name and current.is_dir():
        known.build, known.pages = name, now
        if lasting and not known.spare:
            # A process that will write again starts with a spare, so even its first change is cheap.
            known.spare, known.spare_pages = _linked_copy(current, store / f"spare-{name}").name, now
        return False
    # Never the live build, whatever another writer may have done meanwhile.
    spare_name = known.spare if trusted and current and known.spare not in ("", name, current.name) else ""
    spare = store / spare_name if spare_name else None
    if current is not None and spare is not None and spare.is_dir():
        # Forgotten first: if updating it fails halfway, it is no longer what `known` says.
        had, known.spare, known.spare_pages = known.spare_pages, "", {}
        final = _update(spare, name, checked, digests, had, current, known.pages)
        _swap_link(target, final)
        known.spare, known.spare_pages = current.name, known.pages
        known.build, known.pages = name, now
        return True
    store.mkdir(parents=True, exist_ok=True)
    staging = store / f"tmp-{name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    made: set[Path] = set()
    for relative, content in sorted(checked.items()):
        path = relative.as_posix()
        destination = staging / relative
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        previous = current / relative if current is not None else None
        if trusted and previous is not None:
            unchanged = path in known.pages and known.pages[path][1] == digests[path]
        else:
            unchanged = previous is not None and previous.is_file() and _same(previous, _encoded(content))
        if previous is not None and unchanged:
            os.link(previous, destination)
        else:
            destination.write_bytes(_encoded(content))
    final = store / name
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    _swap_link(target, final)
    # A process that will write again keeps the previous build to update into its next one.
    keep = current if trusted and current is not None and current.name != final.name else None
    for leftover in store.iterdir():
        if leftover.name not in (final.name, keep.name if keep else None):
            shutil.rmtree(leftover, ignore_errors=True)
    known.spare, known.spare_pages = (keep.name, known.pages) if keep else ("", {})
    known.build, known.pages = name, now
    return True


def _linked_copy(build: Path, copy: Path) -> Path:
    """A copy of a build whose files are hard links to the build's."""
    shutil.rmtree(copy, ignore_errors=True)
    for folder, _, files in os.walk(build):
        here = copy / os.path.relpath(folder, build)
        here.mkdir(parents=True, exist_ok=True)
        for file in files:
            os.link(os.path.join(folder, file), here / file)
    return copy


def _update(
    spare: Path,
    name: str,
    checked: dict[PurePosixPath, str | bytes],
    digests: dict[str, bytes],
    had: dict[str, tuple[str | bytes, bytes]],
    current: Path,
    current_pages: dict[str, tuple[str | bytes, bytes]],
) -> Path:
    """Turn the spare build, which holds `had`, into the one with `checked`, and name it for them.

    Its files may be hard links shared with other builds, so none is written in place: a changed
    file is a new file (or a link to the current build's, when that already holds the bytes)
    renamed over the old entry.
    """
    folders = {spare / PurePosixPath(path).parent for path in had}
    for relative, content in sorted(checked.items()):
        path = relative.as_posix()
        if path in had and had[path][1] == digests[path]:
            continue
        destination = spare / relative
        if destination.parent not in folders:
            destination.parent.mkdir(parents=True, exist_ok=True)
            folders.add(destination.parent)
        fresh = destination.with_name(f".{destination.name}.new")
        fresh.unlink(missing_ok=True)
        if path in current_pages and current_pages[path][1] == digests[path]:
            os.link(current / relative, fresh)
        else:
            fresh.write_bytes(_encoded(content))
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
    if final.exists():
        shutil.rmtree(final)
    spare.rename(final)
    return final


def _current(target: Path) -> Path | None:
    if target.is_symlink():
        resolved = target.resolve()
        return resolved if resolved.is_dir() else None
    if target.is_dir():
        # A real folder from elsewhere (an older layout, a copy): move it into the store first.
        store = _store(target)
        store.mkdir(parents=True, exist_ok=True)
        adopted = store / "adopted"
        shutil.rmtree(adopted, ignore_errors=True)
        target.rename(adopted)
        _swap_link(target, adopted)
        return adopted
    return None


def _same(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _swap_link(target: Path, build: Path) -> None:
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(build, target.parent), link)
    os.replace(link, target)
