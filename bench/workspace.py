"""The working folders the bench measures in, and the edits and clean-ups it makes in them."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from builder import pipeline

from .synthetic import generate

TRASH = ".bench-trash"
ROOT = Path(__file__).resolve().parent.parent
# Where the builder keeps its parse cache and last-build stamp; see builder/cache.py.
CACHE_VARIABLE = "BRIEFINGS_CACHE"
# `site_dir` in the project's mkdocs.yml, which every working folder copies.
SITE = "site"


class BenchError(Exception):
    """A run the bench depends on failed, so there is nothing to measure."""


def workspace(folder: Path, events: int, briefings: int, *, one_day: bool = False) -> tuple[Path, Path]:
    """A synthetic data folder and a working folder beside it with copies of the site's files."""
    name = f"{events}-one-day" if one_day else f"{events}"
    work = folder / f"site-{name}"
    data = generate(folder / f"data-{name}", events, briefings=briefings, one_day=one_day)
    work.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=shutil.ignore_patterns("generated", ".generated"))
    return data, work


def use_cache_in(work: Path) -> None:
    """Make the builder, here and in child processes, keep its cache under `work/.cache`.

    Otherwise it would use the user's cache folder, which a cold run could not clear without
    touching the user's own sites.
    """
    os.environ[CACHE_VARIABLE] = str(work / ".cache" / "briefings")


def clear(work: Path) -> None:
    """Move every trace of earlier builds out of the way, so the next build is cold.

    That is the generated pages, the builder's cache and the built site. Moved, not deleted:
    deleting thousands of files just before a build makes the file system (ext4 mounted with
    `discard` here) stall that build's own file creation for a second or more, which a build in a
    fresh clone never meets. `empty_trash` deletes them once the timing is over.

    What earlier steps wrote (70 MB of pages for each build of the larger repository) is flushed to
    disk first: otherwise the kernel writes it back during the timed build, on the same two cores.
    M, timed after `empty_trash`, starts that way too.
    """
    generated = work / "docs" / pipeline.GENERATED
    if generated.is_symlink():
        generated.unlink()
    _to_trash(work, generated, work / "docs" / f".{pipeline.GENERATED}", work / ".cache", work / SITE)
    os.sync()


def clear_site(work: Path) -> None:
    """Move the built site out of the way, as `clear` does, so that a plain `mkdocs build` starts from none.

    Its files are hard links into the site build's store, which MkDocs would otherwise write through.
    """
    _to_trash(work, work / SITE)
    empty_trash(work)


def _to_trash(work: Path, *traces: Path) -> None:
    trash = work / TRASH / str(time.monotonic_ns())
    trash.mkdir(parents=True)
    for number, folder in enumerate(traces):
        if folder.exists() or folder.is_symlink():
            folder.rename(trash / str(number))


def empty_trash(work: Path) -> None:
    """Delete what `clear` moved away, and let the file system finish that work before anything is timed."""
    shutil.rmtree(work / TRASH, ignore_errors=True)
    os.sync()


def edit_event(data: Path, index: int) -> None:
    """Change the title of the event `event-{index}`, as an editor would."""
    event = data / "events" / f"event-{index}.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Revised, ", 1), encoding="utf-8")


def retitle(data: Path, index: int, title: str) -> None:
    """Give the event `event-{index}` the title `title`, in one write of the whole file."""
    event = data / "events" / f"event-{index}.yaml"
    lines = event.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"title: {title}\n" if line.startswith("title: ") else line for line in lines]
    event.write_text("".join(lines), encoding="utf-8")
