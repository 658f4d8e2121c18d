"""What a long-lived builder (the preview) remembers between builds, so a rebuild redoes only what an edit touched.

Each memory is checked before it is trusted:

- file digests by `stat`, as git's index does: a file is hashed again when its size, inode or times
  changed, or when it changed so soon before it was read that a later edit could keep its time;
- validated records by file digest, with what validation learned from each alone (`Facts`): an
  unchanged file is neither read, parsed nor checked again;
- the derived editions, changes and holdings, while the records they depend on are the same;
- rendered pages with what they were made from: their template, their context and the ids of
  every record they read while rendering. A page is reused only when its context is the same
  objects or equal in value and type, and none of the records it read changed, so a reused page is
  exactly what rendering it again would give;
- each record's part of the big export files (`Pieces`), while the record is the same object;
- what the writer last wrote (`write.Written`), and the parse cache, kept open.

A one-off build (`make site`, CI) runs the plain stages, with no memory at all.

- `same`: when two values render alike; `tracking`: what a page reads, and when that changed;
  `memory`: what the process keeps; here: the render stage wrapped with all of it.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import derive, parallel
from ..model import Repository
from ..render import Pages, engine
from ..render import render as render_stage
from ..render.engine import Job
from .memory import Facts, Memory, Pieces
from .same import Same, same
from .tracking import EVERY, MISSING, Reads, Rendered, Tracked, changed, page_and_reads

__all__ = ["EVERY", "MISSING", "Facts", "Memory", "Pieces", "Reads", "Rendered", "Same", "Tracked", "changed",
           "derived", "render", "same"]  # fmt: skip


def derived(repository: Repository, memory: Memory, changed_records: dict[str, set[str]] | None) -> derive.Derived:
    """`derive.derived(repository)`, taken from `memory` when nothing it depends on has changed.

    `changed_records` holds the records `changed` since `memory.rendered_from`.
    """
    kept = memory.derived
    current = kept and changed_records is not None and kept[0] is memory.rendered_from
    if kept and current and changed_records is not None and _derives_alike(kept[0], repository, changed_records):
        # As right for this repository as for the one it was made from: the next build compares with this one.
        fresh = kept[1]
    else:
        fresh = derive.derived(repository)
    memory.derived = (repository, fresh)
    return fresh


def render(memory: Memory, repository: Repository, data_folder: str, workers: int | None = None) -> Pages:
    """`render.render`, reusing the derived data, the pages and the export pieces that no change touched.

    The memory is then updated to this build.
    """
    before = memory.rendered_from
    changed_records = changed(before, repository) if before is not None else None

    def run(
        repository: Repository, jobs: list[Job], workers: int | None, meanwhile: Callable[[], None]
    ) -> dict[str, str]:
        return _run(memory, repository, jobs, changed_records, workers, meanwhile)

    pages = render_stage(repository, data_folder, workers, derived=derived(repository, memory, changed_records),
                         run=run, pieces=memory.pieces)  # fmt: skip
    memory.pieces.done()
    memory.rendered_from = repository
    return pages


def _run(
    memory: Memory,
    repository: Repository,
    jobs: list[Job],
    changed_records: dict[str, set[str]] | None,
    workers: int | None,
    meanwhile: Callable[[], None],
) -> dict[str, str]:
    """The text of each job's page, taken from `memory` when it still holds, else rendered and remembered."""
    texts: dict[str, str] = {}
    todo = []
    remembered = memory.pages
    alike = Same()
    for job in jobs:
        kept = remembered.get(job.path) if changed_records is not None else None
        if (
            kept is not None
            and changed_records is not None
            and kept.holds(job.template, job.context, changed_records, alike)
        ):
            texts[job.path] = kept.text
        else:
            todo.append(job)
    templates = engine.templates({job.template for job in todo})

    def work(job: Job) -> tuple[str, Reads]:
        return page_and_reads(templates[job.template], job, repository)

    for job, (text, reads) in zip(todo, parallel.split_map(work, todo, workers, meanwhile), strict=True):
        texts[job.path] = text
        found = {where: frozenset(keys) for where, keys in reads.items()}
        remembered[job.path] = Rendered(job.template, job.context, found, text)
    for path in set(remembered) - {job.path for job in jobs}:
        del remembered[path]
    return texts


def _derives_alike(before: Repository, after: Repository, changed_records: dict[str, set[str]]) -> bool:
    """Whether no briefing, quote or source changed, and every event that did kept its `derive.DERIVED_FROM` fields.

    A source's publication moment is when what cites it became known, so any changed source counts.
    """
    if changed_records["briefings"] or changed_records["quotes"] or changed_records["sources"]:
        return False
    for key in changed_records["events"]:
        old, new = before.events.get(key), after.events.get(key)
        if old is None or new is None or not all(same(getattr(old, f), getattr(new, f)) for f in derive.DERIVED_FROM):
            return False
    return True
