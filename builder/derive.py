"""What the records imply: each briefing's period and events, and each status as of a date.

Pure functions over the validated repository; rendering only formats what these return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

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
    result = []
    for index, (briefing_id, briefing) in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        since = briefing.since or (previous[1].as_of if previous else None)
        chosen = tuple(
            event_id
            for event_id, event in repository.events.items()
            if _in_scope(event, briefing) and _in_period(event, briefing, previous[1] if previous else None)
        )
        result.append(
            Edition(
                id=briefing_id,
                briefing=briefing,
                previous=previous[0] if previous else None,
                next=following[0] if following else None,
                since=since,
                events=tuple(sorted(chosen, key=lambda e: event_order(repository.events[e], e), reverse=True)),
            )
        )
    return result


def event_order(event: Event, event_id: str) -> tuple[date, int, date, str]:
    """Sort key: earliest date, then time of day (unknown first), then latest date, then id."""
    return (event.date.start, minutes(event.time) or -1, event.date.end, event_id)


def _in_scope(event: Event, briefing: Briefing) -> bool:
    if briefing.places and not set(briefing.places) & set(event.places):
        return False
    return not briefing.tags or bool(set(briefing.tags) & set(event.tags))


def _in_period(event: Event, briefing: Briefing, previous: Briefing | None) -> bool:
    """An event belongs to a briefing's period when it happened, or its status moved, within it."""
    moments = [(event.date.start, event.date.end, minutes(event.time))]
    steps = [*event.status, *(step for change in event.control for step in change.status)]
    moments += [(step.date.start, step.date.end, None) for step in steps if step.date]
    return any(_within(start, end, at, briefing, previous) for start, end, at in moments)


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
    ordered = sorted(repository.events.items(), key=lambda item: event_order(item[1], item[0]))
    return [(event_id, change) for event_id, event in ordered for change in event.control]


@dataclass(frozen=True)
class Holding:
    """Who holds a place on a date, by which control change, with that change's status then."""

    place: str
    holder: str
    status: StatusStep
    event_id: str
    change: ControlChange


def _known_on(steps: list[StatusStep], fallback: date, day: date) -> bool:
    first = steps[0]
    return (first.date.start if first.date else fallback) <= day


def control_on(repository: Repository, day: date) -> dict[str, Holding]:
    """Control of each place as of `day`: the latest change known by then that was not denied or retracted."""
    holdings: dict[str, Holding] = {}
    for event_id, change in control_changes(repository):
        event = repository.events[event_id]
        if event.date.start > day or not _known_on(change.status, event.date.start, day):
            continue
        step = status_on(change.status, day, event.date.start)
        if step.status in ("denied", "retracted"):
            continue
        holdings[change.place] = Holding(change.place, change.to, step, event_id, change)
    return dict(sorted(holdings.items()))


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


def changes(
    repository: Repository,
    edition: Edition,
    previous: Edition | None,
    control: Callable[[date], dict[str, Holding]] | None = None,
) -> Changes:
    """New events, status changes, control changes, revised figures and new quotes since `previous`.

    `control` answers control as of a date; pass a memoised `control_on` when calling for many editions.
    """
    if previous is None:
        return Changes((), (), (), (), ())
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
    control = control or (lambda day: control_on(repository, day))
    then, today = control(before), control(now)
    moved = tuple(
        (place, then.get(place), holding)
        for place, holding in today.items()
        if place not in then or (then[place].holder, then[place].status) != (holding.holder, holding.status)
    )
    revised = tuple(
        figure_id
        for figure_id, (event_id, figure) in repository.figures.items()
        if figure.revises and before < (figure.as_of or repository.events[event_id].date).start <= now
    )
    quotes = tuple(
        quote_id
        for quote_id, quote in repository.quotes.items()
        if (quote.date and before < quote.date.start <= now)
        or (not quote.date and quote.events and all(e in new_events for e in quote.events))
    )
    return Changes(new_events, tuple(status_changes), moved, revised, quotes)


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
