"""What the records imply, as known at each briefing's as-of moment: its period, its events, who holds
what, which figures stand, what changed since the previous briefing and which corrections concern it.

Pure functions over the validated repository; rendering only formats what these return. Every
comparison is between knowledge moments (`known`), so a record added or dated later never changes
what an earlier briefing knew.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from weakref import WeakValueDictionary

from . import known
from .known import END, START, Key, Known, minutes
from .model import Briefing, ControlChange, Event, Repository, StatusStep

__all__ = ["END", "START", "Key", "Known", "minutes"]

FOREVER: Key = (date.max, END)


class Knowledge:
    """The known moment of every event, assertion, figure and quote of a repository, worked out once."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.clock = known.Clock(repository)
        self.events: dict[str, Known] = {eid: self.clock.of(event) for eid, event in repository.events.items()}
        self.quotes: dict[str, Key] = {qid: self.clock.quote(quote) for qid, quote in repository.quotes.items()}
        self.figures: dict[str, Key] = {}
        self.revisions: dict[str, list[str]] = {}
        for event_id, event in repository.events.items():
            for figure, moment in zip(event.figures, self.events[event_id].figures, strict=True):
                self.figures[figure.id] = moment
                if figure.revises:
                    self.revisions.setdefault(figure.revises, []).append(figure.id)

    def figure(self, figure_id: str, at: Key) -> str | None:
        """The figure that stands for `figure_id` at `at`: its latest revision known by then; None if not yet known."""
        if self.figures.get(figure_id, FOREVER) > at:
            return None
        current, seen = figure_id, {figure_id}
        while True:
            later = [f for f in self.revisions.get(current, ()) if self.figures[f] <= at and f not in seen]
            if not later:
                return current
            current = max(later, key=lambda f: (self.figures[f], f))
            seen.add(current)

    def root(self, figure_id: str) -> str:
        """The first figure of the chain of revisions `figure_id` belongs to."""
        seen = {figure_id}
        while True:
            parent = self.repository.figures[figure_id][1].revises
            if parent is None or parent not in self.repository.figures or parent in seen:
                return figure_id
            figure_id = parent
            seen.add(figure_id)


@dataclass(frozen=True)
class Edition:
    """A published briefing with its neighbours, its as-of moment and the period it covers."""

    id: str
    briefing: Briefing
    previous: str | None
    next: str | None
    since: date | None
    events: tuple[str, ...]
    at: Key = (date.min, END)
    """The as-of moment: what was known by then is what the briefing shows."""
    after: Key | None = None
    """The moment the period starts after: the previous briefing's as-of, or the start of `since`."""


def published(repository: Repository) -> list[tuple[str, Briefing]]:
    """Briefings that are not drafts, oldest first (by as-of moment, then id)."""
    zone = repository.site.time_zone
    items = [(bid, b) for bid, b in repository.briefings.items() if not b.draft]
    return sorted(items, key=lambda item: (known.as_of(item[1], zone), item[0]))


def editions(repository: Repository, knowledge: Knowledge | None = None) -> list[Edition]:
    """Every published briefing with its period and the events in it, oldest first."""
    knowledge = knowledge or Knowledge(repository)
    ordered = published(repository)
    zone = repository.site.time_zone
    keys = [known.as_of(briefing, zone) for _, briefing in ordered]
    chosen = _periods(repository, ordered, keys, knowledge)
    rank = {event_id: number for number, event_id in enumerate(in_order(repository))}
    result = []
    for index, (briefing_id, briefing) in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        after = (briefing.since, START) if briefing.since else keys[index - 1] if index else None
        result.append(
            Edition(
                id=briefing_id,
                briefing=briefing,
                previous=previous[0] if previous else None,
                next=following[0] if following else None,
                since=briefing.since or (previous[1].as_of if previous else None),
                events=tuple(sorted(chosen[index], key=rank.__getitem__, reverse=True)),
                at=keys[index],
                after=after,
            )
        )
    return result


def _span(event: Event, first: Key, zone: str) -> tuple[Key, Key]:
    """The moments an event is about, from when it began (or became known, if later) to when it ended."""
    start = known.about(event.date, event.time, event.time_zone, zone)
    single = event.date.end == event.date.start and start[1] != START
    return max(start, first), ((event.date.end, start[1]) if single else (event.date.end, START))


def _periods(
    repository: Repository, ordered: list[tuple[str, Briefing]], keys: list[Key], knowledge: Knowledge
) -> list[set[str]]:
    """The events in each edition: those known by its as-of that happened in its period, or about which
    something became known in it. Found by bisection over the as-of moments, not edition by edition.

    An edition without `since` covers the moments after the previous edition's as-of, up to its own;
    one with `since` covers from the start of that day.
    """
    zone = repository.site.time_zone
    chosen: list[set[str]] = [set() for _ in ordered]
    open_period = [briefing.since is None for _, briefing in ordered]
    spans: list[tuple[Key, Key, str]] = []
    points: list[tuple[Key, str]] = []
    for event_id, event in repository.events.items():
        facts = knowledge.events[event_id]
        low, high = _span(event, facts.event, zone)
        spans.append((high, low, event_id))
        moments = set(facts.moments())
        points += [(moment, event_id) for moment in moments]
        if low <= high:
            for index in range(bisect_left(keys, low), min(bisect_left(keys, high), len(keys) - 1) + 1):
                if open_period[index]:
                    chosen[index].add(event_id)
        for moment in moments:
            index = bisect_left(keys, moment)
            if index < len(keys) and open_period[index]:
                chosen[index].add(event_id)
    spans.sort()
    points.sort()
    for index, (_, briefing) in enumerate(ordered):
        if briefing.since is None:
            continue
        begin, at = (briefing.since, START), keys[index]
        for high, low, event_id in spans[bisect_left(spans, (begin,)) :]:
            if low <= at and low <= high:
                chosen[index].add(event_id)
        # Whatever became known since the previous edition is in, even when `since` starts the period later.
        if index and keys[index - 1] < begin:
            first = bisect_right(points, (keys[index - 1], "\uffff"))
        else:
            first = bisect_left(points, (begin,))
        chosen[index].update(e for _, e in points[first : bisect_right(points, (at, "\uffff"))])
    for index, (_, briefing) in enumerate(ordered):
        chosen[index] = {e for e in chosen[index] if _in_scope(repository.events[e], briefing)}
    return chosen


def event_order(event: Event, event_id: str) -> tuple[date, int, date, str]:
    """Sort key: earliest date, then time of day (unknown first), then latest date, then id."""
    return (event.date.start, minutes(event.time) or -1, event.date.end, event_id)


_ORDERED: list[tuple[dict[str, Event], list[str]]] = []


def in_order(repository: Repository) -> list[str]:
    """Every event id by `event_order`, oldest first.

    Several stages need it; it is sorted once per repository (the last one asked about is kept).
    """
    if _ORDERED and _ORDERED[0][0] is repository.events:
        return _ORDERED[0][1]
    ordered = sorted(repository.events, key=lambda event_id: event_order(repository.events[event_id], event_id))
    _ORDERED[:] = [(repository.events, ordered)]
    return ordered


def _in_scope(event: Event, briefing: Briefing) -> bool:
    if briefing.places and not set(briefing.places) & set(event.places):
        return False
    return not briefing.tags or bool(set(briefing.tags) & set(event.tags))


def control_changes(repository: Repository) -> list[tuple[str, ControlChange]]:
    """Every control change as (event id, change), in event order."""
    ordered = [(event_id, repository.events[event_id]) for event_id in in_order(repository)]
    return [(event_id, change) for event_id, event in ordered for change in event.control]


@dataclass(frozen=True)
class Holding:
    """Who holds a place as known at a moment, by which control change, with that change's status then."""

    place: str
    holder: str
    status: StatusStep
    event_id: str
    change: ControlChange


# The Holding made from the same records is the same object, so later builds that compare what they
# were given with what an earlier build was given (see `reuse`) find it at once. Weak values: an
# entry lives as long as its Holding, which holds its records, so their ids stay theirs meanwhile.
_HOLDINGS: WeakValueDictionary[tuple[str, str, int, str, int], Holding] = WeakValueDictionary()


def _holding(place: str, holder: str, step: StatusStep, event_id: str, change: ControlChange) -> Holding:
    key = (place, holder, id(step), event_id, id(change))
    found = _HOLDINGS.get(key)
    if found is None:
        found = _HOLDINGS[key] = Holding(place, holder, step, event_id, change)
    return found


WITHDRAWN = ("denied", "retracted")


class Control:
    """Who holds which place as known at any moment, from the control changes, indexed once per repository."""

    def __init__(self, repository: Repository, knowledge: Knowledge | None = None) -> None:
        self.repository = repository
        knowledge = knowledge or Knowledge(repository)
        self.by_place: dict[str, list[tuple[str, ControlChange]]] = {}
        # (moment, place) for every moment at which what is known of a place's holding can change.
        self.turns: list[tuple[Key, str]] = []
        # Each change with the moments its steps became known, latest change first, as `holding` searches them.
        self._latest_first: dict[str, list[tuple[str, ControlChange, tuple[Key, ...]]]] = {}
        for event_id, event in ((e, repository.events[e]) for e in in_order(repository)):
            for change, moments in zip(event.control, knowledge.events[event_id].control, strict=True):
                self.by_place.setdefault(change.place, []).append((event_id, change))
                self._latest_first.setdefault(change.place, []).append((event_id, change, moments))
                self.turns += [(moment, change.place) for moment in moments]
        self.turns.sort()
        for changes in self._latest_first.values():
            changes.reverse()

    def holding(self, place: str, at: Key) -> Holding | None:
        """The latest change at `place` known at `at` that was not denied or retracted as known then."""
        for event_id, change, moments in self._latest_first.get(place, ()):
            step = known.current(change.status, moments, at)
            if step is not None and step.status not in WITHDRAWN:
                return _holding(place, change.to, step, event_id, change)
        return None

    def on(self, at: Key, places: Iterable[str] | None = None) -> dict[str, Holding]:
        """Holdings as known at `at` of `places` (every place with a control record when None), by place id."""
        chosen = sorted(self.by_place if places is None else set(places))
        holdings = {place: self.holding(place, at) for place in chosen}
        return {place: holding for place, holding in holdings.items() if holding is not None}

    def moved(self, before: Key, now: Key) -> list[tuple[str, Holding | None, Holding | None]]:
        """Places whose holder or status as known changed between `before` and `now`: (place, then, now)."""
        first, last = bisect_right(self.turns, (before, "\uffff")), bisect_right(self.turns, (now, "\uffff"))
        moved = []
        for place in sorted({place for _, place in self.turns[first:last]}):
            then, today = self.holding(place, before), self.holding(place, now)
            if then is None and today is None:
                continue
            if then is None or today is None or then.holder != today.holder or not same(then.status, today.status):
                moved.append((place, then, today))
        return moved

    def history(self, place: str) -> list[tuple[str, ControlChange]]:
        """Every control change at `place`, oldest first."""
        return list(self.by_place.get(place, ()))


def same(first: StatusStep, second: StatusStep) -> bool:
    """Whether two steps tell a reader the same: the same status, by the same actor."""
    return (first.status, first.by) == (second.status, second.by)


Revision = Literal["new", "update", "correction"]


@dataclass(frozen=True)
class EventChange:
    """What became known about an event already on record: each part old -> new, or None when unchanged."""

    event_id: str
    status: tuple[StatusStep, StatusStep] | None = None
    title: bool = False
    """Whether its title was reworded: the page reads both wordings from the record."""
    summary: bool = False
    claims: tuple[tuple[int, StatusStep | None, StatusStep], ...] = ()
    updates: tuple[int, ...] = ()


@dataclass(frozen=True)
class FigureChange:
    """A figure that stands where another stood (or nothing did), and why."""

    figure_id: str
    old: str | None
    kind: Revision


@dataclass(frozen=True)
class Changes:
    """The difference between what was known at the previous edition's as-of and at this one's."""

    new_events: tuple[str, ...] = ()
    events: tuple[EventChange, ...] = ()
    control_changes: tuple[tuple[str, Holding | None, Holding | None], ...] = ()
    figures: tuple[FigureChange, ...] = ()
    new_quotes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.new_events, self.events, self.control_changes, self.figures, self.new_quotes))


class Index:
    """What `changes` looks up for every edition, computed once: knowledge, control, quotes by moment."""

    def __init__(self, repository: Repository, knowledge: Knowledge | None = None) -> None:
        self.repository = repository
        self.knowledge = knowledge or Knowledge(repository)
        self.control = Control(repository, self.knowledge)
        self.quotes = sorted((moment, quote_id) for quote_id, moment in self.knowledge.quotes.items())


def _between(before: Key, now: Key, moment: Key) -> bool:
    return before < moment <= now


def changes(repository: Repository, edition: Edition, previous: Edition | None, index: Index | None = None) -> Changes:
    """What became known between `previous`'s as-of and `edition`'s, one entry per subject.

    Pass one `Index` when calling for many editions; without one, it is built for this call.
    """
    if previous is None:
        return Changes()
    index = index or Index(repository)
    facts = index.knowledge
    before, now = previous.at, edition.at
    new_events, changed, figures = [], [], []
    for event_id in edition.events:
        event, moments = repository.events[event_id], facts.events[event_id]
        fresh = _between(before, now, moments.event)
        if fresh:
            new_events.append(event_id)
        elif found := _event_change(event_id, event, moments, before, now):
            changed.append(found)
        for figure, moment in zip(event.figures, moments.figures, strict=True):
            if _between(before, now, moment) and facts.figure(figure.id, now) == figure.id:
                old = facts.figure(facts.root(figure.id), before)
                kind: Revision = "new" if old is None else "correction" if figure.correction else "update"
                # A new event's own new figures come with it; a figure it revises is a change of its own.
                if not (fresh and kind == "new"):
                    figures.append(FigureChange(figure.id, old, kind))
    moved = tuple(index.control.moved(before, now))
    first, last = bisect_right(index.quotes, (before, "\uffff")), bisect_right(index.quotes, (now, "\uffff"))
    quotes = [q for _, q in index.quotes[first:last]]
    return Changes(tuple(new_events), tuple(changed), moved, tuple(figures), tuple(sorted(quotes)))


def _event_change(event_id: str, event: Event, moments: Known, before: Key, now: Key) -> EventChange | None:
    if not any(_between(before, now, moment) for moment in moments.moments()):
        return None
    old, new = known.current(event.status, moments.status, before), known.current(event.status, moments.status, now)
    status = (old, new) if old is not None and new is not None and not same(old, new) else None
    old_words, new_words = known.wording(event, moments, before), known.wording(event, moments, now)
    title = old_words[0] != new_words[0]
    claims = []
    for number, (claim, steps) in enumerate(zip(event.claims, moments.claims, strict=True)):
        then, today = known.current(claim.status, steps, before), known.current(claim.status, steps, now)
        if today is not None and (then is None or not same(then, today)):
            claims.append((number, then, today))
    updates = tuple(n for n, moment in enumerate(moments.updates) if _between(before, now, moment))
    found = EventChange(event_id, status, title, old_words[1] != new_words[1], tuple(claims), updates)
    return found if (status or title or found.summary or claims or updates) else None


def places_in(repository: Repository, edition: Edition, changes: Changes) -> set[str]:
    """The places a briefing reports on: those of its events, of their control changes, of its scope."""
    places = set(edition.briefing.places) | {place for place, _, _ in changes.control_changes}
    for event_id in edition.events:
        event = repository.events[event_id]
        places.update(event.places)
        places.update(change.place for change in event.control)
    return places


CorrectionKind = Literal["correction", "retraction"]
Part = Literal["status", "control", "claim", "figure", "wording"]


@dataclass(frozen=True)
class Correction:
    """A correction (an error fixed) or a retraction (a claim withdrawn), when it became known and what it concerns.

    What it concerns is a place in its event (`part`, the number of the control change, claim or wording
    `number`), not words: the pages name it from the records as they read them.
    """

    at: Key
    event_id: str
    part: Part
    kind: CorrectionKind
    anchor: str
    """Where the corrections log shows it: from its place in the records, so adding another never moves it."""
    number: int | None = None
    text: str | None = None
    step: StatusStep | None = None
    figure_id: str | None = None
    sources: tuple[str, ...] = ()
    affects: tuple[str, ...] = field(default=(), compare=False)
    """The briefings published before it that showed what it corrects."""

    @property
    def day(self) -> date:
        return self.at[0]


def _corrected(step: StatusStep) -> CorrectionKind | None:
    if step.status == "retracted":
        return "retraction"
    return "correction" if step.correction else None


def corrections(repository: Repository, knowledge: Knowledge | None = None) -> list[Correction]:
    """Every correction and retraction on record, newest first."""
    knowledge = knowledge or Knowledge(repository)
    found: list[Correction] = []
    for event_id, event in repository.events.items():
        moments = knowledge.events[event_id]
        groups: list[tuple[Part, int | None, list[StatusStep], tuple[Key, ...], list[str]]] = [
            ("status", None, event.status, moments.status, event.sources)
        ]
        groups += [
            ("control", n, c.status, steps, c.sources or event.sources)
            for n, (c, steps) in enumerate(zip(event.control, moments.control, strict=True))
        ]
        groups += [
            ("claim", n, c.status, steps, c.sources or event.sources)
            for n, (c, steps) in enumerate(zip(event.claims, moments.claims, strict=True))
        ]
        for part, number, steps, keys, inherited in groups:
            where = part if number is None else f"{part}-{number}"
            for index, (step, moment) in enumerate(zip(steps, keys, strict=True)):
                kind = _corrected(step)
                if kind:
                    found.append(Correction(
                        moment, event_id, part, kind, f"correction-{event_id}-{where}-{index}", number,
                        step.correction or step.note, step, sources=tuple(step.sources or inherited),
                    ))  # fmt: skip
        for figure, moment in zip(event.figures, moments.figures, strict=True):
            if figure.revises and figure.correction:
                found.append(Correction(
                    moment, event_id, "figure", "correction", f"correction-{event_id}-figure-{figure.id}",
                    text=figure.correction, figure_id=figure.id, sources=tuple(figure.sources),
                ))  # fmt: skip
        for number, (wording, moment) in enumerate(zip(event.revised, moments.revised, strict=True)):
            if wording.correction:
                found.append(Correction(
                    moment, event_id, "wording", "correction", f"correction-{event_id}-revised-{number}", number,
                    wording.correction, sources=tuple(wording.sources),
                ))  # fmt: skip
    return sorted(found, key=lambda c: (c.at, c.event_id, c.anchor), reverse=True)


def _shown(correction: Correction, repository: Repository, edition: Edition, brief: Brief, index: Index) -> bool:
    """Whether `edition`'s page showed, at its as-of, what `correction` corrects."""
    knowledge, at = index.knowledge, edition.at
    moments = knowledge.events[correction.event_id]
    on_timeline = correction.event_id in edition.events
    if correction.part == "figure" and correction.figure_id:
        # The figure it replaces, wherever that was given: on its event, or as a key figure.
        revised = repository.figures[correction.figure_id][1].revises
        if revised not in repository.figures or knowledge.figures[revised] > at:
            return False
        shown = {figure for _, figure, _ in brief.key_figures}
        return revised in shown or repository.figures[revised][0] in edition.events
    if correction.part == "control" and correction.number is not None:
        if moments.control[correction.number][0] > at:
            return False
        change = repository.events[correction.event_id].control[correction.number]
        mapped = brief.holdings.get(change.place)
        return on_timeline or (mapped is not None and mapped.change is change)
    if correction.part == "claim" and correction.number is not None:
        return on_timeline and moments.claims[correction.number][0] <= at
    return on_timeline


@dataclass(frozen=True)
class Brief:
    """What one briefing page is given: its changes, places, holdings, key figures and correction notices."""

    changes: Changes
    places: set[str]
    holdings: dict[str, Holding]
    key_figures: tuple[tuple[str, str, str | None], ...]
    """(figure id the briefing names, the figure that stood for it at its as-of, and at the previous one's)."""
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class Derived:
    """What the pages are given, for every edition at once."""

    editions: list[Edition]
    index: Index
    briefs: list[Brief]
    corrections: list[Correction]


# The fields of an event that anything in `Derived` depends on; the sources' dates count too. Words
# (titles, summaries, names) are not among them: the pages read those from the records themselves.
DERIVED_FROM = (
    "date", "time", "reported", "time_zone", "sources", "status", "control", "figures", "claims", "updates",
    "revised", "places", "tags",
)  # fmt: skip


def derived(repository: Repository) -> Derived:
    """Editions, the index, each edition's brief, and the corrections with the briefings each concerns.

    Depends on the briefings, the quotes, the sources and the `DERIVED_FROM` fields of the events.
    """
    index = Index(repository)
    editions_ = editions(repository, index.knowledge)
    briefs = []
    for number, edition in enumerate(editions_):
        changed = changes(repository, edition, editions_[number - 1] if number else None, index)
        places = places_in(repository, edition, changed)
        before = editions_[number - 1].at if number else None
        key_figures = tuple(
            (f, shown, index.knowledge.figure(f, before) if before else None)
            for f in edition.briefing.key_figures
            if (shown := index.knowledge.figure(f, edition.at)) is not None
        )
        briefs.append(Brief(changed, places, index.control.on(edition.at, places), key_figures))
    # Where each event, holding and key figure shows, so a correction is tested only against those editions.
    showing: dict[str, set[int]] = {}
    for number, (edition, brief) in enumerate(zip(editions_, briefs, strict=True)):
        for event_id in (*edition.events, *(h.event_id for h in brief.holdings.values())):
            showing.setdefault(event_id, set()).add(number)
        for _, figure_id, _ in brief.key_figures:
            showing.setdefault(repository.figures[figure_id][0], set()).add(number)
    found = []
    concerning: dict[int, list[Correction]] = {}
    for correction in corrections(repository, index.knowledge):
        revised = repository.figures[correction.figure_id][1].revises if correction.figure_id else None
        subject = repository.figures[revised][0] if revised in repository.figures else correction.event_id
        affected = [
            number
            for number in sorted(showing.get(subject, ()))
            if editions_[number].at < correction.at
            and _shown(correction, repository, editions_[number], briefs[number], index)
        ]
        correction = Correction(**{**vars(correction), "affects": tuple(editions_[n].id for n in affected)})
        found.append(correction)
        for number in affected:
            concerning.setdefault(number, []).append(correction)
    for number, notices in concerning.items():
        ordered = tuple(sorted(notices, key=lambda c: (c.at, c.anchor)))
        briefs[number] = Brief(**{**vars(briefs[number]), "corrections": ordered})
    return Derived(editions_, index, briefs, found)


def control_on(repository: Repository, day: date) -> dict[str, Holding]:
    """Control of each place as known at the end of `day`."""
    return Control(repository).on((day, END))
