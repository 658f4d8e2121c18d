"""Rendering: the validated repository in, `{path: text}` for every page and data file out. Pure: no disk.

- `plan`: which pages there are and what each template is given (one function per section);
- `engine`: the Jinja templates, and a page's job in, its Markdown out;
- `views`: what the templates read (a record as a page shows it, links, source notes);
- `text`: dates, numbers and figures in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .. import derive, exports
from ..handwritten import ClashError
from ..load import paused_gc
from ..model import Repository
from . import engine
from .engine import Job, Later
from .plan import plan
from .text import format_date, format_day, format_figure, format_number, format_time, period, zone_name
from .views import month_key

__all__ = [
    "Job",
    "Later",
    "Pages",
    "Run",
    "format_date",
    "format_day",
    "format_figure",
    "format_number",
    "format_time",
    "month_key",
    "period",
    "plan",
    "render",
    "zone_name",
]

Pages = dict[str, str | bytes]
Run = Callable[[Repository, list[Job], int | None, Callable[[], None]], Mapping[str, str | bytes]]
"""How the jobs' pages are rendered: `engine.run`, or a caller's that reuses pages it rendered before."""


def render(
    repository: Repository,
    data_folder: str = "briefings",
    workers: int | None = None,
    *,
    derived: derive.Derived | None = None,
    run: Run = engine.run,
    pieces: exports.Pieces | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Pages:
    """Every page of the site and every data file, as {path under the generated folder: text}.

    Pages are rendered on `workers` cores (by default as many as are safe and useful), the data files
    meanwhile, and `meanwhile` too when given. A caller that keeps work between builds passes what
    `derive` gave for these records, its own `run`, and its export `pieces`. Raises ClashError when
    two files are planned at one path.
    """
    with paused_gc():
        derived = derived or derive.derived(repository)
        jobs = plan(repository, derived, data_folder)
        exported: dict[str, str] = {}

        def add_exports() -> None:
            control = derived.index.control
            exported.update(exports.exports(repository, repository.site.url, derived.editions, pieces, control))
            if meanwhile:
                meanwhile()

        pages: Pages = dict(run(repository, jobs, workers, add_exports))
        _refuse_clashes([*(job.path for job in jobs), *exported])
        pages.update(exported)
        return pages


def _refuse_clashes(paths: list[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise ClashError(f"two files of the site are planned at {path}; only one can be published there")
        seen.add(path)
