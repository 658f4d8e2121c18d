"""What the records imply: each briefing's period and events, and each status as of a date.

Pure functions over the validated repository; rendering only formats what these return.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from weakref import WeakValueDictionary

from .model import Briefing, ControlChange, Event, Repository, StatusStep, TimeOfDay

# Where a part of the day sits on the clock, in minutes, so that "night" sorts after "18:00".
PART_MINUTES = {"early-morning": 240, "morning": 540, "midday": 720, "afternoon": 900, "evening": 1140, "night": 1320}


def minutes(moment: TimeOfDay | None) -> int | None:
    """Minutes after midnight of a clock time or a part of the day; None when not known."""
    if moment is None:
        return None
    if moment.clock is not None:
        return moment.clock.hour * 60 + moment.clock.minute
    return PART_MINUTES[str(moment.part)]


@dataclass(frozen=True)
class Edition:
    """A published briefing with its neighbours and the period it covers."""

    id: str
    briefing: Briefing
    previous: str | None
    next: str | None
    since: date | None
    events: tuple[str, ...]


def published(repository: Repository) -> list[tuple[str, Briefing]]:
    """Briefings that are not drafts, oldest first (by as-of date, then time, then id)."""
    items = [(bid, b) for bid, b in repository.briefings.items() if not b.draft]
    return sorted(items, key=lambda item: (item[1].as_of, minutes(item[1].time) or 0, item[0]))


def editions(repository: Repository) -> list[Edition]:
    """Every published briefing with its period and the events in it, oldest first."""
    ordered = published(repository)
    chosen = _periods(repository, ordered)
    rank = {event_id: number for number, event_id in enumerate(in_order(repository))}
    result = []
    for index, (briefing_id, briefing) in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        result.append(
            Edition(
                id=briefing_id,
                briefing=briefing,
                previous=previous[0] if previous else None,
                next=following[0] if following else None,
                since=briefing.since or (previous[1].as_of if previous else None),
                events=tuple(sorted(chosen[index], key=rank.__getitem__, reverse=True)),
            )
        )
    return result


def _periods(repository: Repository, ordered: list[tuple[str, Briefing]]) -> list[set[str]]:
    """The events in each edition's period, without testing every event against every edition.

    Consecutive editions without `since` split time between them, so a moment can only fall in the
    editions from the first one dated on or after its start to the one after the last one dated on
    or before its end: two bisections find them. An edition with its own `since` is tested against
    the moments that end on or after that date. `_within` has the last word in both cases.
    """
    as_of = [briefing.as_of for _, briefing in ordered]
    chosen: list[set[str]] = [set() for _ in ordered]
    moments = [
        (end, start, at, event_id)
        for event_id, event in repository.events.items()
        for start, end, at in _moments(event)
    ]
    moments.sort(key=lambda moment: moment[0])
    ends = [moment[0] for moment in moments]
    for end, start, at, event_id in moments:
        first, last = bisect_left(as_of, start), min(bisect_right(as_of, end), len(ordered) - 1)
        for index in range(first, last + 1):
            briefing = ordered[index][1]
            if briefing.since is None and _within(start, end, at, briefing, ordered[index - 1][1] if index else None):
                chosen[index].add(event_id)
    for index, (_, briefing) in enumerate(ordered):
        if briefing.since is not None:
            for end, start, at, event_id in moments[bisect_left(ends, briefing.since) :]:
                if _within(start, end, at, briefing, None):
                    chosen[index].add(event_id)
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


def _moments(event: Event) -> list[tuple[date, date, int | None]]:
    """When an event happened, and when each of its statuses moved: what places it in a period."""
    moments = [(event.date.start, event.date.end, minutes(event.time))]
    steps = [*event.status, *(step for change in event.control for step in change.status)]
    moments += [(step.date.start, step.date.end, None) for step in steps if step.date]
    return moments


def _within(start: date, end: date, at: int | None, briefing: Briefing, previous: Briefing | None) -> bool:
    as_of_minutes = minutes(briefing.time)
    if start > briefing.as_of:
        return False
    if start == briefing.as_of and at is not None and as_of_minutes is not None and at > as_of_minutes:
        return False
    if briefing.since is not None:
        return end >= briefing.since
    if previous is None:
        return True
    # Already covered by the previous edition: it started before that edition's as-of moment.
    if start < previous.as_of:
        return end > previous.as_of
    if start == previous.as_of:
        before = minutes(previous.time)
        return at is not None and before is not None and at > before
    return True


def status_on(steps: list[StatusStep], day: date, fallback: date) -> StatusStep:
    """The status in force on `day`: the last step begun by then (a step without a date begins at `fallback`)."""
    current = steps[0]
    for step in steps:
        if (step.date.start if step.date else fallback) <= day:
            current = step
    return current


def control_changes(repository: Repository) -> list[tuple[str, ControlChange]]:
    """Every control change as (event id, change), in event order."""
    ordered = [(event_id, repository.events[event_id]) for event_id in in_order(repository)]
    return [(event_id, change) for event_id, event in ordered for change in event.control]


@dataclass(frozen=True)
class Holding:
    """Who holds a place on a date, by which control change, with that change's status then."""

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


def _known_on(steps: list[StatusStep], fallback: date, day: date) -> bool:
    first = steps[0]
    return (first.date.start if first.date else fallback) <= day


class Control:
    """Who holds which place on any date, from the control changes, indexed once per repository."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.by_place: dict[str, list[tuple[str, ControlChange]]] = {}
        # (date, place) for every date on which a place's holding can change: when its event
        # began, and when each status of the change took effect.
        self.turns: list[tuple[date, str]] = []
        # Each change with its event's start, latest first, as `holding` searches them.
        self._latest_first: dict[str, list[tuple[str, ControlChange, date]]] = {}
        for event_id, change in control_changes(repository):
            self.by_place.setdefault(change.place, []).append((event_id, change))
            start = repository.events[event_id].date.start
            self._latest_first.setdefault(change.place, []).append((event_id, change, start))
            self.turns += [(step.date.start if step.date else start, change.place) for step in change.status]
            self.turns.append((start, change.place))
        self.turns.sort()
        for changes in self._latest_first.values():
            changes.reverse()

    def holding(self, place: str, day: date) -> Holding | None:
        """The latest change at `place` known by `day` that was not denied or retracted then."""
        # The latest change wins, so the search runs from the latest and stops at the first that counts.
        for event_id, change, start in self._latest_first.get(place, ()):
            if start > day or not _known_on(change.status, start, day):
                continue
            step = status_on(change.status, day, start)
            if step.status not in ("denied", "retracted"):
                return _holding(place, change.to, step, event_id, change)
        return None

    def on(self, day: date, places: Iterable[str] | None = None) -> dict[str, Holding]:
        """Holdings as of `day` of `places` (every place with a control record when None), by place id."""
        chosen = sorted(self.by_place if places is None else set(places))
        holdings = {place: self.holding(place, day) for place in chosen}
        return {place: holding for place, holding in holdings.items() if holding is not None}

    def moved(self, before: date, now: date) -> list[tuple[str, Holding | None, Holding]]:
        """Places held on `now` whose holder or status differs from `before`: (place, then, now)."""
        first, last = bisect_right(self.turns, (before, "\uffff")), bisect_right(self.turns, (now, "\uffff"))
        moved = []
        for place in sorted({place for _, place in self.turns[first:last]}):
            then, today = self.holding(place, before), self.holding(place, now)
            if today and (then is None or (then.holder, then.status) != (today.holder, today.status)):
                moved.append((place, then, today))
        return moved

    def history(self, place: str) -> list[tuple[str, ControlChange]]:
        """Every control change at `place`, oldest first."""
        return list(self.by_place.get(place, ()))


def control_on(repository: Repository, day: date) -> dict[str, Holding]:
    """Control of each place as of `day`: the latest change known by then that was not denied or retracted."""
    return Control(repository).on(day)


def known_on(repository: Repository, event_id: str, day: date) -> bool:
    """Whether an event was on record by `day` (its first status step had begun)."""
    event = repository.events[event_id]
    return event.date.start <= day and _known_on(event.status, event.date.start, day)


@dataclass(frozen=True)
class Changes:
    """What changed between two editions, computed from the records."""

    new_events: tuple[str, ...]
    status_changes: tuple[tuple[str, StatusStep, StatusStep], ...]
    control_changes: tuple[tuple[str, Holding | None, Holding], ...]
    revised_figures: tuple[str, ...]
    new_quotes: tuple[str, ...]

    def __bool__(self) -> bool:
        return any((self.new_events, self.status_changes, self.control_changes, self.revised_figures, self.new_quotes))


class Index:
    """What `changes` looks up for every edition, computed once: control, figure revisions, quotes by date."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.control = Control(repository)
        self.revisions = sorted(
            ((figure.as_of or repository.events[event_id].date).start, figure_id)
            for figure_id, (event_id, figure) in repository.figures.items()
            if figure.revises
        )
        self.dated_quotes = sorted((q.date.start, quote_id) for quote_id, q in repository.quotes.items() if q.date)
        self.quotes_on_events: dict[str, list[str]] = {}
        for quote_id, quote in repository.quotes.items():
            if not quote.date:
                for event_id in quote.events:
                    self.quotes_on_events.setdefault(event_id, []).append(quote_id)

    def between(self, dated: list[tuple[date, str]], before: date, now: date) -> list[str]:
        """The ids in a sorted (date, id) list dated after `before`, up to and including `now`."""
        return [
            item for _, item in dated[bisect_right(dated, (before, "\uffff")) : bisect_right(dated, (now, "\uffff"))]
        ]


def changes(repository: Repository, edition: Edition, previous: Edition | None, index: Index | None = None) -> Changes:
    """New events, status changes, control changes, revised figures and new quotes since `previous`.

    Pass one `Index` when calling for many editions; without one, it is built for this call.
    """
    if previous is None:
        return Changes((), (), (), (), ())
    index = index or Index(repository)
    before, now = previous.briefing.as_of, edition.briefing.as_of
    new_events = tuple(e for e in edition.events if not known_on(repository, e, before))
    status_changes = []
    for event_id in edition.events:
        if event_id in new_events:
            continue
        event = repository.events[event_id]
        old = status_on(event.status, before, event.date.start)
        new = status_on(event.status, now, event.date.start)
        if old is not new:
            status_changes.append((event_id, old, new))
    moved = tuple(index.control.moved(before, now))
    revised = tuple(sorted(index.between(index.revisions, before, now)))
    fresh = set(new_events)
    undated = {q for e in new_events for q in index.quotes_on_events.get(e, ())}
    quotes = [q for q in undated if all(e in fresh for e in repository.quotes[q].events)]
    quotes += index.between(index.dated_quotes, before, now)
    return Changes(new_events, tuple(status_changes), moved, revised, tuple(sorted(quotes)))


def places_in(repository: Repository, edition: Edition, changes: Changes) -> set[str]:
    """The places a briefing reports on: those of its events, of their control changes, of its scope."""
    places = set(edition.briefing.places) | {place for place, _, _ in changes.control_changes}
    for event_id in edition.events:
        event = repository.events[event_id]
        places.update(event.places)
        places.update(change.place for change in event.control)
    return places


@dataclass(frozen=True)
class Derived:
    """What the briefing pages are given, for every edition at once: its changes, places and holdings."""

    editions: list[Edition]
    index: Index
    briefs: list[tuple[Changes, set[str], dict[str, Holding]]]


# The fields of an event that anything in `Derived` depends on.
DERIVED_FROM = ("date", "time", "status", "control", "figures", "places", "tags")


def derived(repository: Repository) -> Derived:
    """Editions, the index, and each edition's changes, places it reports on and holdings then.

    Depends on the briefings, the quotes and the `DERIVED_FROM` fields of the events, nothing else.
    """
    editions_ = editions(repository)
    index = Index(repository)
    briefs = []
    for number, edition in enumerate(editions_):
        found = changes(repository, edition, editions_[number - 1] if number else None, index)
        places = places_in(repository, edition, found)
        briefs.append((found, places, index.control.on(edition.briefing.as_of, places)))
    return Derived(editions_, index, briefs)


@dataclass(frozen=True)
class Correction:
    """A status that became denied, disputed or retracted, or a figure that revises another."""

    day: date
    event_id: str
    what: str
    step: StatusStep | None
    figure_id: str | None


def corrections(repository: Repository) -> list[Correction]:
    """Every correction on record, newest first."""
    found = []
    for event_id, event in repository.events.items():
        for step in event.status:
            if step.status in CORRECTING:
                found.append(Correction((step.date or event.date).start, event_id, "event", step, None))
        for change in event.control:
            for step in change.status:
                if step.status in CORRECTING:
                    found.append(
                        Correction((step.date or event.date).start, event_id, f"control of {change.place}", step, None)
                    )
        for figure in event.figures:
            if figure.revises:
                found.append(Correction((figure.as_of or event.date).start, event_id, "figure", None, figure.id))
    return sorted(found, key=lambda c: (c.day, c.event_id, c.what), reverse=True)


CORRECTING = ("denied", "disputed", "retracted")
