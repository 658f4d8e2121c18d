"""The editorial rules that compare a record with others: when each assertion became known, who held a
place before a change, what a figure revises, what a briefing could show at its as-of moment, and whether
a source can be placed between the briefings of its day.

They read other records (sources, other events, other figures), so they run over every record in
every run and are never skipped for a record remembered clean from an earlier build: what they
compare it with may have changed since. Each walks the events once and works out a known moment only
where a rule needs it, so a large repository with few `reported`, `from` or `revises` costs one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time

from .. import known, model
from ..derive import WITHDRAWN, in_order
from ..known import END, PART_MINUTES, START, Key
from ..load import Document
from ..model import Loc, Repository
from ..problems import Problem, shown
from .loaded import Loaded

# The last minute a part of the day covers: the minute before the next part begins.
_PART_ENDS = {
    part: next((later - 1 for later in sorted(PART_MINUTES.values()) if later > start), END - 1)
    for part, start in PART_MINUTES.items()
}


def across(loaded: list[Loaded], repository: Repository) -> Iterator[Problem]:
    """Every problem found by comparing the records in `loaded` with the rest of `repository`."""
    moments = _Moments(repository)
    events: dict[str, Document] = {}
    figures: dict[str, tuple[Document, int]] = {}
    contested: set[str] = set()
    untimed: list[tuple[Document, model.Source]] = []
    editions: dict[date, list[Edition]] = {}
    for item in loaded:
        record = item.record
        if isinstance(record, model.Event):
            events[item.id] = item.doc
            for part in reported_in(record):
                yield from moments.too_early(item.doc, part.loc, part.what, part.given, record.time_zone, part.sources)
            for index, figure in enumerate(record.figures):
                if figure.revises:
                    figures[figure.id] = (item.doc, index)
            for change in record.control:
                if change.from_:
                    contested.add(change.place)
        elif isinstance(record, model.Quote) and record.reported:
            yield from moments.too_early(item.doc, ("reported",), "this quote", record.reported, None, record.sources)
        elif isinstance(record, model.Source) and record.time is None:
            untimed.append((item.doc, record))
        elif isinstance(record, model.Briefing) and not record.draft:
            as_of = known.as_of(record, moments.zone)
            editions.setdefault(as_of[0], []).append((as_of, item.id, record))
    yield from _revisions(figures, repository, moments)
    if contested:
        yield from _holders(contested, events, repository, moments)
    for item in loaded:
        if isinstance(item.record, model.Briefing):
            yield from _briefing(item.doc, item.record, repository, moments)
    yield from _untimed(untimed, {day: found for day, found in editions.items() if len(found) > 1}, moments.zone)


Edition = tuple[Key, str, model.Briefing]
"""A published briefing: its as-of moment, its id, the record."""
Given = tuple[date, model.TimeOfDay | None, str | None]
"""A time a known moment is worked out from, as written: a day, its time or part of the day, and its zone."""


class _Moments:
    """Known moments and earliest publications, each worked out once and only when a rule asks."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.zone = repository.site.time_zone
        self.clock = known.Clock(repository)
        self._published: dict[str, Key] = {}
        self._events: dict[str, known.Known] = {}

    def earliest(self, source_id: str) -> Key:
        """The earliest a source can have been published: the start of its date, at its time if given."""
        found = self._published.get(source_id)
        if found is None:
            source = self.repository.sources[source_id]
            found = known.key(source.published.start, source.time, source.time_zone, self.zone)
            self._published[source_id] = found
        return found

    def event(self, event_id: str) -> known.Known:
        """When the event and each of its assertions became known, as `derive` works it out."""
        found = self._events.get(event_id)
        if found is None:
            found = self._events[event_id] = self.clock.of(self.repository.events[event_id])
        return found

    def figure(self, figure_id: str) -> Key:
        event_id, _ = self.repository.figures[figure_id]
        figures = self.repository.events[event_id].figures
        return self.event(event_id).figures[next(i for i, f in enumerate(figures) if f.id == figure_id)]

    def given_for_figure(self, figure_id: str) -> list[Given]:
        """The times a figure's known moment is worked out from: its event's and its own."""
        event_id, figure = self.repository.figures[figure_id]
        event = self.repository.events[event_id]
        zone = event.time_zone
        given = self._given(event.reported, event.sources or event.status[0].sources, zone)
        given += self._given(figure.reported, figure.sources, zone)
        about = figure.as_of or event.date
        return [*given, (event.date.start, event.time, zone), (about.start, figure.time, zone)]

    def given_for_quote(self, quote: model.Quote) -> list[Given]:
        given = self._given(quote.reported, quote.sources, None)
        return [*given, (quote.date.start, quote.time, None)] if quote.date else given

    def _given(self, reported: model.Reported | None, sources: list[str], zone: str | None) -> list[Given]:
        found: list[Given] = [(reported.day, reported.time, zone)] if reported else []
        for source_id in sources:
            source = self.repository.sources.get(source_id)
            if source:
                found.append((source.published.end, source.time, source.time_zone))
        return found

    def too_early(
        self, doc: Document, loc: Loc, what: str, given: model.Reported, zone: str | None, sources: list[str]
    ) -> Iterator[Problem]:
        """`reported-before-source` when even the latest moment `given` can mean is before every source."""
        cited = [(self.earliest(s), s) for s in sources if s in self.repository.sources]
        if not cited:
            # With no source on record there is nothing to compare: 'no-source' or an unknown id says so.
            return
        first, source_id = min(cited)
        if latest(given, zone, self.zone) < first:
            source = self.repository.sources[source_id]
            yield doc.problem(
                "reported-before-source", loc, what=what, reported=given, source=source_id, published=_published(source)
            )


def latest(given: model.Reported, zone: str | None, site_zone: str) -> Key:
    """The latest moment a `reported` value can mean: the end of its day, or of its part of the day."""
    if given.time is None:
        return given.day, END
    minute = known.minutes(given.time) if given.time.clock else _PART_ENDS[str(given.time.part)]
    assert minute is not None
    return known.key(given.day, model.TimeOfDay(clock=time(minute // 60, minute % 60)), zone, site_zone)


def _published(source: model.Source) -> str:
    if source.time is None:
        return str(source.published)
    return f"{source.published} {source.time}" + (f" ({source.time_zone})" if source.time_zone else "")


@dataclass(frozen=True)
class Assertion:
    """A part of an event with a `reported` moment of its own: where it is, what it is, that moment, the sources
    that support it, the time it is about, and the field that gives that time."""

    loc: Loc
    what: str
    given: model.Reported
    sources: list[str]
    about: model.FuzzyDate | None
    time: model.TimeOfDay | None
    field: str


def reported_in(event: model.Event) -> list[Assertion]:
    """Each assertion of an event with a `reported` of its own."""
    found: list[Assertion] = []
    if event.reported:
        first = event.sources or (event.status[0].sources if event.status else [])
        found.append(Assertion(("reported",), "this event", event.reported, first, event.date, event.time, "'date'"))
    histories: list[tuple[Loc, str, list[model.StatusStep], list[str]]] = [
        (("status",), "this status step", event.status, event.sources)
    ]
    for index, change in enumerate(event.control):
        inherited = change.sources or event.sources
        histories.append((("control", index, "status"), "this control step", change.status, inherited))
    for index, claim in enumerate(event.claims):
        inherited = claim.sources or event.sources
        histories.append((("claims", index, "status"), "this step of the claim", claim.status, inherited))
    for loc, what, steps, inherited in histories:
        for index, step in enumerate(steps):
            if step.reported:
                about, field = (step.date, "'date'") if step.date else (event.date, "the event's 'date'")
                sources = step.sources or inherited
                found.append(
                    Assertion((*loc, index, "reported"), what, step.reported, sources, about, step.time, field)
                )
    for index, figure in enumerate(event.figures):
        if figure.reported:
            about, field = (figure.as_of, "'as_of'") if figure.as_of else (event.date, "the event's 'date'")
            sources = figure.sources or event.sources
            loc = ("figures", index, "reported")
            found.append(Assertion(loc, "this figure", figure.reported, sources, about, figure.time, field))
    parts: tuple[tuple[str, str, Sequence[model.Update | model.Wording]], ...] = (
        ("updates", "this update", event.updates),
        ("revised", "this revision", event.revised),
    )
    for name, what, items in parts:
        for index, item in enumerate(items):
            if item.reported:
                sources = item.sources or event.sources
                loc = (name, index, "reported")
                found.append(Assertion(loc, what, item.reported, sources, item.date, item.time, "'date'"))
    return found


def _revisions(
    figures: dict[str, tuple[Document, int]], repository: Repository, moments: _Moments
) -> Iterator[Problem]:
    """A figure revises another that exists, counts the same thing, became known first, and is not itself."""
    # An unknown figure is reported as an unknown reference, and one in a failing file not at all.
    circular = _circles(figures, repository)
    for figure_id, (doc, index) in figures.items():
        loc = ("figures", index, "revises")
        figure = repository.figures[figure_id][1]
        if figure_id in circular:
            chain = " → ".join(f"'{shown(f)}'" for f in circular[figure_id])
            yield doc.problem("figure-revises-itself", loc, chain=chain)
            continue
        revised = repository.figures.get(str(figure.revises))
        if revised is None:
            continue
        if _unit(revised[1].unit) != _unit(figure.unit):
            yield doc.problem(
                "revision-changes-unit",
                loc,
                id=figure.revises,
                other=_shown_unit(revised[1].unit),
                unit=_shown_unit(figure.unit),
            )
        this, other = moments.figure(figure_id), moments.figure(str(figure.revises))
        if other > this:
            yield doc.problem(
                "revises-later-figure",
                loc,
                id=figure.revises,
                other=_when(other, moments.zone, moments.given_for_figure(str(figure.revises))),
                this=_when(this, moments.zone, moments.given_for_figure(figure_id)),
            )


def _circles(figures: dict[str, tuple[Document, int]], repository: Repository) -> dict[str, list[str]]:
    """Each figure whose chain of `revises` comes back to it, with that circle, starting and ending at it."""
    # Each figure revises at most one other: following `revises` from every figure finds every circle once.
    done: set[str] = set()
    found: dict[str, list[str]] = {}
    for start in figures:
        path: list[str] = []
        on_path: set[str] = set()
        current = start
        while current in figures and current not in done and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = str(repository.figures[current][1].revises)
        if current in on_path:
            circle = path[path.index(current) :]
            for number, figure_id in enumerate(circle):
                turned = circle[number:] + circle[:number]
                found[figure_id] = [*turned, figure_id]
        done.update(path)
    return found


def _unit(unit: str | None) -> str:
    return " ".join((unit or "").split()).casefold()


def _shown_unit(unit: str | None) -> str:
    return f"'{shown(unit)}'" if unit else "not given"


@dataclass(frozen=True)
class _Change:
    event_id: str
    index: int
    change: model.ControlChange
    moments: tuple[Key, ...]


def _holders(
    places: set[str], events: dict[str, Document], repository: Repository, moments: _Moments
) -> Iterator[Problem]:
    """`control-from-contradicts`: 'from' names someone other than the holder on record when the change became known.

    The holder is that of the latest earlier change (in event order) at the place, as known at that
    moment and not denied or retracted by then, as `derive.Control` finds it. Only earlier changes
    count, so one known at the same moment (two events from one article) is a holder too.
    """
    history: dict[str, list[_Change]] = {place: [] for place in places}
    for event_id in in_order(repository):
        event = repository.events[event_id]
        for index, change in enumerate(event.control):
            if change.place in history:
                steps = moments.event(event_id).control[index]
                history[change.place].append(_Change(event_id, index, change, steps))
    for place, changes in history.items():
        for number, later in enumerate(changes):
            if not later.change.from_ or not later.moments:
                continue
            at = min(later.moments)
            for before in range(number - 1, -1, -1):
                earlier = changes[before]
                step = known.current(earlier.change.status, earlier.moments, at)
                if step is None or step.status in WITHDRAWN:
                    continue
                if earlier.change.to != later.change.from_:
                    yield events[later.event_id].problem(
                        "control-from-contradicts",
                        ("control", later.index, "from"),
                        actor=later.change.from_,
                        holder=earlier.change.to,
                        place=place,
                        event=earlier.event_id,
                    )
                break


def _briefing(doc: Document, briefing: model.Briefing, repository: Repository, moments: _Moments) -> Iterator[Problem]:
    """`dated-after-briefing`: a key figure or a featured quote not yet known at the briefing's as-of moment."""
    at = known.as_of(briefing, moments.zone)
    shown_as_of = _as_of(briefing)
    for index, figure_id in enumerate(briefing.key_figures):
        if figure_id in repository.figures and (moment := moments.figure(figure_id)) > at:
            yield doc.problem(
                "dated-after-briefing",
                ("key_figures", index),
                what=f"figure '{figure_id}'",
                known=_when(moment, moments.zone, moments.given_for_figure(figure_id)),
                as_of=shown_as_of,
            )
    for index, quote_id in enumerate(briefing.quotes):
        quote = repository.quotes.get(quote_id)
        if quote and (moment := moments.clock.quote(quote)) > at:
            yield doc.problem(
                "dated-after-briefing",
                ("quotes", index),
                what=f"quote '{quote_id}'",
                known=_when(moment, moments.zone, moments.given_for_quote(quote)),
                as_of=shown_as_of,
            )


def _as_of(briefing: model.Briefing) -> str:
    if briefing.time is None:
        return f"date {briefing.as_of}"
    zone = f" ({briefing.time_zone})" if briefing.time_zone else ""
    return f"{briefing.as_of} {briefing.time}{zone}"


def _when(moment: Key, zone: str, given: Iterable[Given]) -> str:
    """A known moment in words: its day, and its time in the site's zone when it has one.

    The time is a clock time unless the moment is where a part of the day in `given` (the times it was worked
    out from) puts it, with no clock time there too: then it is named by that part, as the record says it.
    """
    day, minute = moment
    if minute in (START, END):
        return day.isoformat()
    parts: set[str] = set()
    for on, at, where in given:
        if at is not None and known.key(on, at, where, zone) == moment:
            if at.clock is not None or where not in (None, zone):
                parts.clear()
                break
            parts.add(str(at.part))
    clock = parts.pop() if len(parts) == 1 else f"{minute // 60:02d}:{minute % 60:02d}"
    return f"{day} {clock} ({zone})"


def _untimed(
    sources: list[tuple[Document, model.Source]], editions: dict[date, list[Edition]], zone: str
) -> Iterator[Problem]:
    """`source-time-needed`: a source without a time, published on a day with more than one briefing.

    Without a time it counts from the start of its day (the last, for a range), so every edition of the day
    would know it, the morning's as well as the evening's.
    """
    if not editions:
        return
    named = {
        day: ", ".join(
            _edition(briefing_id, briefing) for _, briefing_id, briefing in sorted(found, key=lambda e: e[:2])
        )
        for day, found in editions.items()
    }
    for doc, source in sources:
        day = source.published.end
        if day in named:
            yield doc.problem(
                "source-time-needed",
                ("published",),
                day=day,
                count=len(editions[day]),
                briefings=named[day],
                zone=f"the site's, {zone}",
            )


def _edition(briefing_id: str, briefing: model.Briefing) -> str:
    if briefing.time is None:
        return f"'{briefing_id}' (the whole day)"
    zone = f" {briefing.time_zone}" if briefing.time_zone else ""
    return f"'{briefing_id}' ({briefing.time}{zone})"
