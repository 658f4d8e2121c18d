"""Rendering: the validated repository in, `{page path: Markdown}` out. Pure: nothing touches the disk.

Templates never decide how text is made safe: every value they print passes through `escape.text`
unless it is already escaped Markup (from the `escape` filters or from this module's formatters).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup

from . import derive, escape, exports, metadata, parallel, pictures, reuse
from .handwritten import ClashError
from .load import paused_gc
from .model import (
    KINDS,
    NEEDS_CLAIMANT,
    SINGULAR,
    ControlChange,
    Event,
    Figure,
    FuzzyDate,
    Quote,
    Repository,
    Source,
    StatusStep,
    TimeOfDay,
    is_right_to_left,
)
from .model import reference as model_reference

Pages = dict[str, str | bytes]

BRIEFINGS_DIR = "briefings"
# Sections that grow with the archive are split by month, each with an index of its months.
TIMELINE_DIR = "timeline"
QUOTES_DIR = "quotes"
SOURCES_DIR = "sources"
ARCHIVE_DIR = "archive"
CORRECTIONS_PAGE = "corrections.md"
TAGS_PAGE = "tags/index.md"
PLACES_PAGE = "places/index.md"
ACTORS_PAGE = "actors/index.md"
DATA_PAGE = "data/index.md"
REFERENCE_PAGE = "reference.md"
ARCHIVE_PAGE = f"{BRIEFINGS_DIR}/index.md"
HOME_RECENT = 10
MACROS = "_macros.md"


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, Citation):
        return value.__html__()
    return escape.text(value)


class _Generator(CodeGenerator):
    """Compiles `{{ value }}` to `_finalize(value)` alone, without Jinja's `escape()` around it.

    `_finalize` already returns Markup for every value, so that `escape()` only copied it: a
    quarter of all rendering time. Volatile autoescape (which we never switch) keeps Jinja's code.
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is not None:
            self.write("(" + finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class _Environment(Environment):
    code_generator_class = _Generator


@cache
def _environment() -> Environment:
    env = _Environment(
        loader=PackageLoader("builder", "templates"),
        # Autoescape only makes macro output Markup; `_finalize` does the escaping, for Markdown.
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        paragraphs=escape.paragraphs,
        url=escape.url,
        fmtitle=lambda value: Markup(escape.title(value)),
        zone=zone_name,
        anchor=escape.anchor,
        groupby_month=groupby_month,
        when=format_date,
        day=format_day,
    )
    env.globals.update(by_day=_by_day, period=period)
    return env


# --- formatting (plain text; the template escapes it) ----------------------------------------


@cache
def format_day(day: date) -> str:
    # Cached: a site has a few thousand distinct days and prints each one thousands of times.
    return f"{day.day} {day:%B %Y}"


def format_date(when: FuzzyDate) -> str:
    start, end = when.start, when.end
    if when.precision == "day":
        text = format_day(start)
    elif when.precision == "month":
        text = f"{start:%B %Y}"
    elif when.precision == "year":
        text = str(start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{end.day} {end:%B %Y}"
    elif start.year == end.year:
        text = f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    else:
        text = f"{format_day(start)} – {format_day(end)}"
    return f"about {text}" if when.approximate else text


def format_time(moment: TimeOfDay | None) -> str:
    return str(moment) if moment else ""


_SCALE_WORDS = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def format_number(number: Decimal) -> str:
    for scale, word in _SCALE_WORDS:
        if abs(number) >= scale and (number / scale) == (number / scale).quantize(Decimal("0.1")):
            return f"{(number / scale).normalize():f} {word}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


_QUALIFIERS = {"exactly": "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
               "fewer-than": "fewer than ", "up-to": "up to "}  # fmt: skip


def format_figure(figure: Figure) -> str:
    if figure.value is not None:
        amount = format_number(figure.value)
    else:
        amount = f"{format_number(figure.low or Decimal(0))}–{format_number(figure.high or Decimal(0))}"
        if figure.best is not None:
            amount += f" (best estimate {format_number(figure.best)})"
    unit = f" {figure.unit}" if figure.unit else ""
    return f"{_QUALIFIERS[figure.qualifier]}{amount}{unit}"


# --- source notes ------------------------------------------------------------------------------


class Notes:
    """Numbered source notes for one page, numbered in order of first citation."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.order: list[str] = []

    def cite(self, *groups: list[str]) -> Markup:
        """Footnote references for the given source ids, each source numbered once per page."""
        numbers = []
        for source_id in dict.fromkeys(s for group in groups for s in group):
            if source_id not in self.order:
                self.order.append(source_id)
            numbers.append(self.order.index(source_id) + 1)
        refs = [f"[^{number}]" for number in sorted(numbers)]
        # Adjacent superscripts would read as one number: notes 1 and 2 are not note 12.
        return Markup("<sup>,</sup>".join(refs))

    def later(self, *groups: list[str]) -> Citation:
        """Footnote references that number their sources only when the page prints them."""
        return Citation(self, groups)

    def definitions(self) -> list[tuple[int, str, Source]]:
        return [(n, sid, self.repository.sources[sid]) for n, sid in enumerate(self.order, 1)]


class Citation:
    """A record's footnote references, numbered when printed.

    A view prepares the citation of everything it may show; a note numbered for a citation the
    page then leaves out would be a note nothing refers to.
    """

    __slots__ = ("groups", "notes", "printed")

    def __init__(self, notes: Notes, groups: tuple[list[str], ...]) -> None:
        self.notes, self.groups = notes, groups
        self.printed: Markup | None = None

    def __html__(self) -> Markup:
        if self.printed is None:
            self.printed = self.notes.cite(*self.groups)
        return self.printed

    __str__ = __html__


# --- where each record lives ---------------------------------------------------------------------


class Homes:
    """The page that shows each event, quote and source in full: its month in the archive section.

    Every link to a record goes through here, so splitting a section differently moves every link with it.
    """

    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def event(self, event_id: str) -> str:
        return f"{TIMELINE_DIR}/{month_key(self.repository.events[event_id].date.end)}.md"

    def quote(self, quote_id: str) -> str:
        return f"{QUOTES_DIR}/{_quote_month(self.repository, quote_id)}.md"

    def source(self, source_id: str) -> str:
        return f"{SOURCES_DIR}/{month_key(self.repository.sources[source_id].published.end)}.md"


def month_key(day: date) -> str:
    # Not f"{day:%Y-%m}": strftime is several times slower, and this runs for every record link.
    return f"{day.year:04d}-{day.month:02d}"


UNDATED = "undated"


def _quote_day(repository: Repository, quote_id: str) -> date | None:
    """When a quote was said: its own date, else that of the latest event it concerns; None if neither."""
    quote = repository.quotes[quote_id]
    if quote.date:
        return quote.date.end
    return max((repository.events[e].date.end for e in quote.events if e in repository.events), default=None)


def _quote_month(repository: Repository, quote_id: str) -> str:
    day = _quote_day(repository, quote_id)
    return month_key(day) if day else UNDATED


class Shown(SimpleNamespace):
    """A record as a template shows it. Attributes, not dict keys: Jinja looks names up as attributes first."""


@lru_cache(maxsize=1 << 16)
def _relative(folder: str, target: str) -> str:
    """The path of `target` from a page in `folder` (both relative to the generated folder)."""
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


# --- view helpers -----------------------------------------------------------------------------


class View:
    """What the templates read: names, words for statuses, links, all as plain values."""

    def __init__(self, repository: Repository, page: str) -> None:
        self.repository = repository
        self.page = page
        self.notes = Notes(repository)
        # Homes read the records they place through this view's repository, so a page that links
        # to a record depends on what decides where the record lives.
        self.homes = Homes(repository)

    def link(self, target: str, anchor: str = "") -> Markup:
        """A relative link from this page to `target` (a page path), with an optional anchor."""
        relative = _relative(self.page.rpartition("/")[0], target)
        return Markup(relative + (f"#{escape.anchor(anchor)}" if anchor else ""))

    def actor(self, actor_id: str | None) -> str:
        if not actor_id:
            return ""
        actor = self.repository.actors[actor_id]
        return actor.short_name or actor.name

    def place(self, place_id: str) -> str:
        return self.repository.places[place_id].name

    def place_link(self, place_id: str) -> Markup:
        return self.link(f"places/{place_id}.md")

    def actor_link(self, actor_id: str) -> Markup:
        return self.link(f"actors/{actor_id}.md")

    def event_link(self, event_id: str) -> Markup:
        return self.link(self.homes.event(event_id), f"event-{event_id}")

    def figure_link(self, figure_id: str) -> Markup:
        return self.link(self.homes.event(self.repository.figures[figure_id][0]), f"figure-{figure_id}")

    def quote_link(self, quote_id: str) -> Markup:
        return self.link(self.homes.quote(quote_id), f"quote-{quote_id}")

    def source_link(self, source_id: str) -> Markup:
        return self.link(self.homes.source(source_id), f"source-{source_id}")

    def status_words(self, step: StatusStep) -> str:
        if step.by and (step.status in NEEDS_CLAIMANT or step.status in ("claimed", "reported", "confirmed")):
            return f"{step.status} by {self.actor(step.by)}"
        return step.status

    def history(self, steps: list[StatusStep], fallback: date, until: date | None = None) -> list[Shown]:
        shown = [s for s in steps if until is None or (s.date.start if s.date else fallback) <= until]
        return [
            Shown(words=self.status_words(s), date=format_date(s.date) if s.date else "", note=s.note, step=s)
            for s in shown
        ]

    def event(self, event_id: str, on: date | None = None) -> Shown:
        event: Event = self.repository.events[event_id]
        current = derive.status_on(event.status, on, event.date.start) if on else event.status[-1]
        steps = self.history(event.status, event.date.start, on)
        cited = self.notes.later(event.sources, *[s.sources for s in event.status if s in [x.step for x in steps]])
        return Shown(
            id=event_id,
            event=event,
            date=format_date(event.date),
            time=format_time(event.time),
            status=current.status,
            status_words=self.status_words(current),
            history=steps if len(steps) > 1 else [],
            note=current.note,
            places=[(self.place(p), self.link(f"places/{p}.md")) for p in event.places],
            tags=[(tag, self.link(f"tags/{tag}.md")) for tag in event.tags],
            control=[self.control(c, event, on) for c in event.control],
            figures=[self.figure(f.id) for f in event.figures],
            cite=cited,
        )

    def control(self, change: ControlChange, event: Event, on: date | None) -> Shown:
        current = derive.status_on(change.status, on, event.date.start) if on else change.status[-1]
        if change.how == "held":
            words = f"{self.place(change.place)}: still held by {self.actor(change.to)}"
        elif change.from_:
            words = (
                f"{self.place(change.place)}: {change.how} — from {self.actor(change.from_)} to {self.actor(change.to)}"
            )
        else:
            words = f"{self.place(change.place)}: {change.how} by {self.actor(change.to)}"
        return Shown(
            words=words,
            status=current.status,
            status_words=self.status_words(current),
            cite=self.notes.later(change.sources, current.sources),
        )

    def figure(self, figure_id: str) -> Shown:
        event_id, figure = self.repository.figures[figure_id]
        event = self.repository.events[event_id]
        return Shown(
            id=figure_id,
            figure=figure,
            amount=format_figure(figure),
            by=self.actor(figure.by),
            as_of=format_date(figure.as_of or event.date),
            event_id=event_id,
            cite=self.notes.later(figure.sources or event.sources),
        )

    def quote(self, quote_id: str) -> Shown:
        quote: Quote = self.repository.quotes[quote_id]
        original = quote.original
        return Shown(
            id=quote_id,
            quote=quote,
            speaker=self.actor(quote.speaker),
            date=format_date(quote.date) if quote.date else "",
            original_dir="rtl" if original and is_right_to_left(original.language) else "ltr",
            tags=[(tag, self.link(f"tags/{tag}.md")) for tag in quote.tags],
            cite=self.notes.later(quote.sources),
        )


# Spelled with a literal prefix, which the regex engine scans for far faster than "\n{3,}".
_BLANK_LINES = re.compile(r"\n\n\n+")


def _render(template: Template, page: str, view: View, **context: Any) -> str:
    values = {key: value.value(view.repository) if isinstance(value, reuse.Later) else value
              for key, value in context.items()}  # fmt: skip
    text = template.render(view=view, page=page, **values)
    # Trailing spaces would be Markdown line breaks; runs of blank lines are noise in diffs.
    text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def edit_link(repository: Repository, data_folder: str, record: str) -> Markup | None:
    """The repository page that edits a record's file, when the site names its repository."""
    site = repository.site
    if not site.repository:
        return None
    return escape.url(f"{site.repository.rstrip('/')}/edit/{site.branch}/{data_folder}/{record}.yaml")


def render(
    repository: Repository,
    handwritten: dict[str, bytes] | None = None,
    data_folder: str = "briefings",
    memory: reuse.Memory | None = None,
    workers: int | None = None,
) -> Pages:
    """Every page of the site as {path under the generated folder: Markdown text or file bytes}.

    With the `memory` of earlier builds (see `reuse`), a page whose template, context and reads are
    all the same is taken from there, and so are the exports' per-record parts; the memory is then
    updated to this build. Pages are rendered in `workers` processes (by default as many as are
    safe and useful).
    """
    with paused_gc():
        jobs: list[Job] = []
        # The records added, removed or changed since the pages in memory were rendered.
        before = memory.rendered_from if memory else None
        moved = reuse.changed(before, repository) if memory and before else None
        pages, editions, control = _pages(repository, handwritten, data_folder, jobs, memory, moved)

        exported: Pages = {}

        def add_exports() -> None:
            pieces = memory.pieces if memory else None
            exported.update(exports.exports(repository, repository.site.url, editions, pieces, control))

        texts = _run(repository, jobs, memory, moved, workers, add_exports)
        _refuse_clashes([*pages, *(job.path for job in jobs), *exported])
        pages.update(texts)
        pages.update(exported)
        if memory:
            memory.pieces.done()
            memory.rendered_from = repository
        return pages


def _refuse_clashes(paths: list[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise ClashError(f"two files of the site are planned at {path}; only one can be published there")
        seen.add(path)


@dataclass(frozen=True)
class Job:
    """A page to render: its path, its template and what the template is given."""

    path: str
    template: str
    context: dict[str, Any]


def _run(
    repository: Repository,
    jobs: list[Job],
    memory: reuse.Memory | None,
    moved: dict[str, set[str]] | None,
    workers: int | None,
    meanwhile: Callable[[], None],
) -> dict[str, str]:
    """The text of each job's page, rendered or taken from `memory`; `meanwhile` runs here alongside."""
    texts: dict[str, str] = {}
    todo = []
    remembered = memory.pages if memory else None
    alike = reuse.Same()
    for job in jobs:
        kept = remembered.get(job.path) if remembered is not None and moved is not None else None
        if kept is not None and moved is not None and kept.holds(job.template, job.context, moved, alike):
            texts[job.path] = kept.text
        else:
            todo.append(job)
    # Each template is looked up once per build (a lookup checks its file), and before any fork, so
    # workers start with them compiled; so are the macros they import.
    templates = {name: _environment().get_template(name) for name in sorted({job.template for job in todo})}
    if todo:
        _environment().get_template(MACROS)
    track = remembered is not None

    def work(job: Job) -> tuple[str, reuse.Reads]:
        tracked = reuse.Tracked(repository) if track else None
        seen = tracked.repository() if tracked else repository
        text = _render(templates[job.template], job.path, View(seen, job.path), **job.context)
        return text, tracked.reads if tracked else {}

    for job, (text, reads) in zip(todo, parallel.split_map(work, todo, workers, meanwhile), strict=True):
        texts[job.path] = text
        if remembered is not None:
            found = {where: frozenset(keys) for where, keys in reads.items() if keys}
            remembered[job.path] = reuse.Rendered(job.template, job.context, found, text)
    if remembered is not None:
        for path in set(remembered) - {job.path for job in jobs}:
            del remembered[path]
    return texts


def _pages(
    repository: Repository,
    handwritten: dict[str, bytes] | None,
    data_folder: str,
    jobs: list[Job],
    memory: reuse.Memory | None = None,
    moved: dict[str, set[str]] | None = None,
) -> tuple[Pages, list[derive.Edition], derive.Control]:
    """The hand-written files, with every page to render added to `jobs`; the editions and control index."""
    pages: Pages = dict(handwritten or {})
    derived = reuse.derived(repository, memory, moved)
    editions, index = derived.editions, derived.index
    palette = _palette(repository, index.control)
    names = {actor_id: actor.short_name or actor.name for actor_id, actor in repository.actors.items()}

    def page(path: str, template: str, **context: Any) -> None:
        jobs.append(Job(path, template, context))

    for number, (edition, (changes, places, holdings)) in enumerate(zip(editions, derived.briefs, strict=True)):
        previous = editions[number - 1] if number else None
        page(
            f"{BRIEFINGS_DIR}/{edition.id}.md", "briefing.md", edition=edition, site=repository.site,
            edit=edit_link(repository, data_folder, f"briefings/{edition.id}"),
            changes=changes, previous=previous, holdings=holdings,
            pictures=reuse.Later(_pictures, edition, palette, holdings, names, places),
            meta=reuse.Later(_front_matter, edition),
        )  # fmt: skip
    latest_day = editions[-1].briefing.as_of if editions else None
    newest = _newest_first(repository)
    quotes_newest = _quotes_newest_first(repository)
    event_year = {event_id: repository.events[event_id].date.end.year for event_id in newest}
    quote_months = {quote_id: _quote_month(repository, quote_id) for quote_id in repository.quotes}
    quote_year = {q: None if m == UNDATED else int(m[:4]) for q, m in quote_months.items()}

    def listings(path: str, template: str, events: list[str], quotes: list[str], **context: Any) -> None:
        """An entity's page with its latest year's events and quotes, and a page for each earlier year.

        Undated quotes stay on the entity's own page.
        """
        years = sorted({event_year[e] for e in events} | {quote_year[q] or 0 for q in quotes} - {0}, reverse=True)
        links = _year_pages(path, years)
        latest = years[0] if years else None
        page(path, template, year=latest, years=links, events=[e for e in events if event_year[e] == latest],
             quotes=[q for q in quotes if quote_year[q] in (latest, None)], **context)  # fmt: skip
        for year, year_path in links[1:]:
            page(year_path, "year.md", year=year, years=links, main=path,
                 events=[e for e in events if event_year[e] == year],
                 quotes=[q for q in quotes if quote_year[q] == year], **context)  # fmt: skip

    at_place: dict[str, list[str]] = defaultdict(list)
    by_actor: dict[str, list[str]] = defaultdict(list)
    for event_id in newest:
        for place_id in repository.events[event_id].places:
            at_place[place_id].append(event_id)
        for actor_id in repository.events[event_id].actors:
            by_actor[actor_id].append(event_id)
    quoted: dict[str, list[str]] = defaultdict(list)
    for quote_id in quotes_newest:
        quoted[repository.quotes[quote_id].speaker].append(quote_id)
    holdings = index.control.on(latest_day) if latest_day else {}
    for place_id, place in repository.places.items():
        listings(
            f"places/{place_id}.md", "place.md", at_place[place_id], [], title=place.name, place_id=place_id,
            place=place, holding=holdings.get(place_id), as_of=latest_day, history=index.control.history(place_id),
        )  # fmt: skip
    for actor_id, actor in repository.actors.items():
        listings(f"actors/{actor_id}.md", "actor.md", by_actor[actor_id], quoted[actor_id], title=actor.name,
                 actor_id=actor_id, actor=actor)  # fmt: skip
    tagged = _tagged(repository, newest, quotes_newest)
    page(TAGS_PAGE, "tags.md", tagged=tagged)
    for tag, (events, quotes) in tagged.items():
        listings(f"tags/{tag}.md", "tag.md", events, quotes, title=f"Tag: {tag}", tag=tag)
    page(
        PLACES_PAGE, "places.md", as_of=latest_day, holdings=holdings,
        map=reuse.Later(_whole_map, holdings, names, palette, latest_day) if latest_day else "",
    )  # fmt: skip
    page(ACTORS_PAGE, "actors.md")
    kinds = [(kind, SINGULAR[kind], model_reference(model)) for kind, model in KINDS.items()]
    page(REFERENCE_PAGE, "reference.md", kinds=kinds)
    page(DATA_PAGE, "data.md", kinds=exports.kinds_described(), singular=SINGULAR, feed=exports.FEED,
         feed_size=exports.FEED_SIZE)  # fmt: skip
    corrections = derive.corrections(repository)
    by_year: dict[int, list[derive.Correction]] = defaultdict(list)
    for correction in corrections:
        by_year[correction.day.year].append(correction)
    links = _year_pages(CORRECTIONS_PAGE, sorted(by_year, reverse=True))
    for year, path in links:
        page(path, "corrections.md", corrections=by_year[year], year=year, years=links)
    if not links:
        page(CORRECTIONS_PAGE, "corrections.md", corrections=[], year=None, years=[])
    recent = list(reversed(editions))
    page("index.md", "home.md", latest=recent[0] if recent else None, recent=recent[1 : HOME_RECENT + 1],
         site=repository.site, archive=ARCHIVE_PAGE)  # fmt: skip

    def monthly(folder: str, index_page: str, title: str, template: str, groups: dict[str, list[Any]],
                noun: tuple[str, str], intro: str,
                extra: Callable[[list[Any]], dict[str, Any]] = lambda items: {}) -> None:  # fmt: skip
        """A section split by month: an index of the months, newest first, and a page for each.

        `extra` gives a month's page more context from its items: only what that page shows, so an
        edit elsewhere leaves the page as it was.
        """
        keys = sorted(groups, key=lambda key: (key != UNDATED, key), reverse=True)
        for number, key in enumerate(keys):
            newer = keys[number - 1] if number else None
            older = keys[number + 1] if number + 1 < len(keys) else None
            label = _month_label(key)
            page(f"{folder}/{key}.md", template, title=f"{title}: {label}", label=label, items=groups[key],
                 newer=newer and (f"{folder}/{newer}.md", _month_label(newer)), index_page=index_page,
                 older=older and (f"{folder}/{older}.md", _month_label(older)), **extra(groups[key]))  # fmt: skip
        years: dict[str, list[tuple[str, str, int]]] = {}
        for key in keys:
            years.setdefault("Undated" if key == UNDATED else key[:4], []).append(
                (f"{folder}/{key}.md", _month_label(key), len(groups[key]))
            )
        page(index_page, "months.md", title=title, intro=intro, years=years, noun=noun)

    monthly(ARCHIVE_DIR, ARCHIVE_PAGE, "All briefings", "archive.md",
            _grouped(recent, lambda edition: month_key(edition.briefing.as_of)), ("briefing", "briefings"),
            "Every published briefing, by the month of its as-of date, newest first.")  # fmt: skip
    monthly(TIMELINE_DIR, f"{TIMELINE_DIR}/index.md", "Timeline", "timeline.md",
            _grouped(newest, lambda event_id: month_key(repository.events[event_id].date.end)), ("event", "events"),
            "Every recorded event with its current status, by month, newest first.")  # fmt: skip
    monthly(QUOTES_DIR, f"{QUOTES_DIR}/index.md", "Quotes", "quotes.md",
            _grouped(quotes_newest, quote_months.__getitem__), ("quote", "quotes"),
            "Every recorded quote, by month, newest first. Direct and partial quotations are verbatim; "
            "paraphrases are never shown in quotation marks.")  # fmt: skip
    sources = sorted(repository.sources, key=lambda s: (repository.sources[s].published.end, s), reverse=True)
    cited_by = _cited_by(repository)
    monthly(SOURCES_DIR, f"{SOURCES_DIR}/index.md", "Sources", "sources.md",
            _grouped(sources, lambda source_id: month_key(repository.sources[source_id].published.end)),
            ("source", "sources"), "Every source the records cite, by month of publication, and what cites it.",
            lambda items: {"cited_by": {source_id: cited_by[source_id] for source_id in items}})  # fmt: skip
    return pages, editions, index.control


def _year_pages(path: str, years: list[int]) -> list[tuple[int, str]]:
    """(year, page) for `years`, newest first: the newest on `path` itself, each earlier one beside it."""
    folder = path.removesuffix(".md")
    return [(year, f"{folder}/{year}.md" if number else path) for number, year in enumerate(years)]


def _grouped(items: list[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _month_label(key: str) -> str:
    return "Undated" if key == UNDATED else f"{date(int(key[:4]), int(key[5:]), 1):%B %Y}"


def _used(palette: dict[str, str], holdings: dict[str, derive.Holding]) -> dict[str, str]:
    """The palette entries of the holders on a map, for its legend."""
    holders = {holding.holder for holding in holdings.values()}
    return {holder: colour for holder, colour in palette.items() if holder in holders}


def _tagged(repository: Repository, events: list[str], quotes: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Tag -> (event ids, quote ids) carrying it, newest first, tags in order."""
    tagged: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for event_id in events:
        for tag in repository.events[event_id].tags:
            tagged[tag][0].append(event_id)
    for quote_id in quotes:
        for tag in repository.quotes[quote_id].tags:
            tagged[tag][1].append(quote_id)
    return dict(sorted(tagged.items()))


def _newest_first(repository: Repository) -> list[str]:
    return derive.in_order(repository)[::-1]


def _palette(repository: Repository, control: derive.Control) -> dict[str, str]:
    """One colour per actor that ever holds a place, the same on every page."""
    holders = [change.to for changes in control.by_place.values() for _, change in changes]
    return pictures.colours(holders, {actor_id: actor.colour for actor_id, actor in repository.actors.items()})


def _whole_map(
    repository: Repository, holdings: dict[str, derive.Holding], names: dict[str, str], palette: dict[str, str],
    day: date,
) -> Markup:  # fmt: skip
    caption = f"Control of places as of {format_day(day)}"
    return pictures.control_map(repository.places, holdings, names, _used(palette, holdings), caption)


def _front_matter(repository: Repository, edition: derive.Edition) -> str:
    return metadata.front_matter(metadata.briefing(repository, edition))


def _pictures(
    repository: Repository,
    edition: derive.Edition,
    palette: dict[str, str],
    holdings: dict[str, derive.Holding],
    names: dict[str, str],
    places: set[str],
) -> dict[str, Markup]:
    day = format_day(edition.briefing.as_of)
    used = _used(palette, holdings)
    counts: dict[date, int] = defaultdict(int)
    for event_id in edition.events:
        counts[repository.events[event_id].date.end] += 1
    if edition.since:
        counts.setdefault(max(edition.since, min(counts, default=edition.since)), 0)
    shown = {place: repository.places[place] for place in sorted(places)}
    return {
        "map": pictures.control_map(
            shown, holdings, names, used, f"Control of the places in this briefing as of {day}"
        ),
        "chart": pictures.events_chart(dict(counts), f"Events in the period covered, up to {day}"),
    }


def _by_day(repository: Repository, event_ids: list[str] | tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Events grouped under the last day they may have happened, newest day first."""
    groups: dict[date, list[str]] = defaultdict(list)
    for event_id in event_ids:
        groups[repository.events[event_id].date.end].append(event_id)
    return [(format_day(day), groups[day]) for day in sorted(groups, reverse=True)]


def _quotes_newest_first(repository: Repository) -> list[str]:
    """Quote ids, newest first by `_quote_day`; those with no day last."""
    return sorted(repository.quotes, key=lambda q: (_quote_day(repository, q) or date.min, q), reverse=True)


def _cited_by(repository: Repository) -> dict[str, tuple[list[str], list[str]]]:
    """Source id -> (ids of the events, ids of the quotes that cite it), each in id order.

    Ids only: the page reads titles from the records, so it depends on them like on any record.
    """
    cited: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for event_id, event in repository.events.items():
        ids = set(event.sources) | {s for step in event.status for s in step.sources}
        ids |= {s for f in event.figures for s in f.sources} | {s for c in event.control for s in c.sources}
        for source_id in ids:
            cited[source_id][0].append(event_id)
    for quote_id, quote in repository.quotes.items():
        for source_id in quote.sources:
            cited[source_id][1].append(quote_id)
    for events, quotes in cited.values():
        events.sort()
        quotes.sort()
    return cited


def zone_name(zone: str) -> str:
    """'Asia/Kabul' as readers say it: 'Kabul time'."""
    return "UTC" if zone in ("UTC", "Etc/UTC") else zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


def period(edition: derive.Edition) -> str:
    """The period a briefing covers, in words."""
    if edition.since is None:
        return f"everything up to {format_day(edition.briefing.as_of)}"
    if edition.since == edition.briefing.as_of:
        return format_day(edition.since)
    return format_date(FuzzyDate(edition.since, edition.briefing.as_of, "range"))


def groupby_month(editions: list[derive.Edition]) -> list[tuple[str, list[derive.Edition]]]:
    groups: dict[str, list[derive.Edition]] = {}
    for edition in editions:
        groups.setdefault(f"{edition.briefing.as_of:%B %Y}", []).append(edition)
    return list(groups.items())
