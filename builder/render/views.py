"""What the templates read: a record as a page shows it, its links and its numbered source notes."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from markupsafe import Markup

from .. import derive, escape
from ..model import NEEDS_CLAIMANT, ControlChange, Event, Quote, Repository, Source, StatusStep, is_right_to_left
from .text import format_date, format_figure, format_time, language_name

TIMELINE_DIR = "timeline"
QUOTES_DIR = "quotes"
SOURCES_DIR = "sources"


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


class Homes:
    """The page that shows each event, quote and source in full: its month in the archive section.

    Every link to a record goes through here, so splitting a section differently moves every link with it.
    """

    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def event(self, event_id: str) -> str:
        return f"{TIMELINE_DIR}/{month_key(self.repository.events[event_id].date.end)}.md"

    def quote(self, quote_id: str) -> str:
        return f"{QUOTES_DIR}/{quote_month(self.repository, quote_id)}.md"

    def source(self, source_id: str) -> str:
        return f"{SOURCES_DIR}/{month_key(self.repository.sources[source_id].published.end)}.md"


def month_key(day: date) -> str:
    # Not f"{day:%Y-%m}": strftime is several times slower, and this runs for every record link.
    return f"{day.year:04d}-{day.month:02d}"


UNDATED = "undated"


def quote_day(repository: Repository, quote_id: str) -> date | None:
    """When a quote was said: its own date, else that of the latest event it concerns; None if neither."""
    quote = repository.quotes[quote_id]
    if quote.date:
        return quote.date.end
    return max((repository.events[e].date.end for e in quote.events if e in repository.events), default=None)


def quote_month(repository: Repository, quote_id: str) -> str:
    day = quote_day(repository, quote_id)
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
            original_label=f"Original ({language_name(original.language)})" if original else "",
            translation_label=(
                f"Translated by {quote.translated_by}" if quote.translated_by else "Translation" if original else ""
            ),
            tags=[(tag, self.link(f"tags/{tag}.md")) for tag in quote.tags],
            cite=self.notes.later(quote.sources),
        )
