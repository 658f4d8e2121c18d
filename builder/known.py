"""When each assertion became known: the second clock of every record.

An assertion (an event, a status step, a control step, a figure, a claim's step, an update, a new
wording, a quote) is *about* a time and became *known* at another: by default, when the earliest
source that supports it was published, never before the time it is about; an explicit `reported`
moment overrides both. A briefing shows what was known at its as-of moment, so every comparison
here is between such moments.

A moment is a `Key`, `(day, minute)` in the site's time zone, that sorts as time does. A moment
known only to the day sorts at the start of it, and a briefing's as-of known only to the day at its
end, so that whatever became known on a day is known to that day's briefing, whatever its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import (
    Briefing,
    Event,
    Figure,
    FuzzyDate,
    Quote,
    Reported,
    Repository,
    Source,
    StatusStep,
    TimeOfDay,
    Update,
    Wording,
)

Key = tuple[date, int]
"""A moment: a day, and minutes after its midnight in the site's time zone (see `START` and `END`)."""

START = -1
"""The minute of a moment known only to the day: before anything else that day."""
END = 24 * 60
"""The minute of a briefing's as-of known only to the day: after everything else that day."""

# Where a part of the day sits on the clock, in minutes, so that "night" sorts after "18:00".
PART_MINUTES = {"early-morning": 240, "morning": 540, "midday": 720, "afternoon": 900, "evening": 1140, "night": 1320}


def minutes(moment: TimeOfDay | None) -> int | None:
    """Minutes after midnight of a clock time or a part of the day; None when not known."""
    if moment is None:
        return None
    if moment.clock is not None:
        return moment.clock.hour * 60 + moment.clock.minute
    return PART_MINUTES[str(moment.part)]


@lru_cache(maxsize=4096)
def _shifted(day: date, minute: int, zone: str, site_zone: str) -> Key:
    at = datetime.combine(day, time(minute // 60, minute % 60), ZoneInfo(zone)).astimezone(ZoneInfo(site_zone))
    return at.date(), at.hour * 60 + at.minute


def key(day: date, moment: TimeOfDay | None, zone: str | None, site_zone: str, unknown: int = START) -> Key:
    """The moment of `day` at `moment` (a time or part of the day in `zone`), in the site's time zone."""
    minute = minutes(moment)
    if minute is None:
        return day, unknown
    if zone is None or zone == site_zone:
        return day, minute
    return _shifted(day, minute, zone, site_zone)


def instant(at: Key, site_zone: str) -> datetime:
    """A moment as an aware time in the site's zone; one known only to the day, at the day's start."""
    day, minute = at
    minute = minute if 0 <= minute < END else 0
    return datetime.combine(day, time(minute // 60, minute % 60), ZoneInfo(site_zone))


def as_of(briefing: Briefing, site_zone: str) -> Key:
    """A briefing's as-of moment; one without a time takes in the whole of its day."""
    return key(briefing.as_of, briefing.time, briefing.time_zone, site_zone, unknown=END)


def published(source: Source, site_zone: str) -> Key:
    """When a source was published. One dated only to a month or a range counts from its last day."""
    return key(source.published.end, source.time, source.time_zone, site_zone)


def about(when: FuzzyDate, moment: TimeOfDay | None, zone: str | None, site_zone: str) -> Key:
    """The earliest moment an assertion dated `when` can be about."""
    return key(when.start, moment, zone, site_zone)


def reported(moment: Reported, zone: str | None, site_zone: str) -> Key:
    return key(moment.day, moment.time, zone, site_zone)


class Clock:
    """The known moment of every assertion of a repository, worked out from its records on request.

    It reads each source once; a page builds its own, so what it reads is what the page depends on.
    """

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.zone = repository.site.time_zone
        self._sources: dict[str, Key] = {}

    def source(self, source_id: str) -> Key:
        found = self._sources.get(source_id)
        if found is None:
            found = self._sources[source_id] = published(self.repository.sources[source_id], self.zone)
        return found

    def earliest(self, sources: Iterable[str]) -> Key | None:
        """When the earliest of `sources` was published; None when there are none."""
        return min((self.source(s) for s in sources if s in self.repository.sources), default=None)

    def _known(self, at: Key, given: Reported | None, sources: Iterable[str], zone: str | None, floor: Key) -> Key:
        """`given`, else the earliest of `sources` (its own), else `floor`, what it stands on; never before `at`
        nor before `floor`."""
        if given is not None:
            return max(reported(given, zone, self.zone), floor)
        earliest = self.earliest(sources)
        return max(at, floor) if earliest is None else max(at, earliest, floor)

    def event(self, event: Event) -> Key:
        """When an event became known: its `reported`, else its earliest source, not before it began."""
        at = about(event.date, event.time, event.time_zone, self.zone)
        sources = event.sources or (event.status[0].sources if event.status else [])
        return self._known(at, event.reported, sources, event.time_zone, (date.min, START))

    def step(self, step: StatusStep, event: Event, floor: Key) -> Key:
        """When a status step became known; one that cites no source of its own stands on what it belongs to,
        known at `floor`."""
        at = about(step.date or event.date, step.time, event.time_zone, self.zone)
        return self._known(at, step.reported, step.sources, event.time_zone, floor)

    def steps(self, steps: list[StatusStep], event: Event, floor: Key) -> list[Key]:
        return [self.step(step, event, floor) for step in steps]

    def part(self, sources: list[str], floor: Key) -> Key:
        """When a part of an event with sources of its own (a control change, a claim) became known."""
        earliest = self.earliest(sources)
        return floor if earliest is None else max(earliest, floor)

    def figure(self, figure: Figure, event: Event, floor: Key) -> Key:
        at = about(figure.as_of or event.date, figure.time, event.time_zone, self.zone)
        return self._known(at, figure.reported, figure.sources, event.time_zone, floor)

    def dated(self, item: Update | Wording, event: Event, floor: Key) -> Key:
        """When an update or a new wording became known."""
        at = about(item.date, item.time, event.time_zone, self.zone)
        return self._known(at, item.reported, item.sources, event.time_zone, floor)

    def quote(self, quote: Quote) -> Key:
        at = about(quote.date, quote.time, None, self.zone) if quote.date else (date.min, START)
        return self._known(at, quote.reported, quote.sources, None, (date.min, START))

    def of(self, event: Event) -> Known:
        """The known moment of an event and of each of its assertions."""
        first = self.event(event)
        return Known(
            event=first,
            status=tuple(self.steps(event.status, event, first)),
            control=tuple(
                tuple(self.steps(change.status, event, self.part(change.sources, first))) for change in event.control
            ),
            figures=tuple(self.figure(figure, event, first) for figure in event.figures),
            claims=tuple(
                tuple(self.steps(claim.status, event, self.part(claim.sources, first))) for claim in event.claims
            ),
            updates=tuple(self.dated(update, event, first) for update in event.updates),
            revised=tuple(self.dated(wording, event, first) for wording in event.revised),
        )


@dataclass(frozen=True)
class Known:
    """When an event and each of its assertions became known, in the order the event lists them."""

    event: Key
    status: tuple[Key, ...]
    control: tuple[tuple[Key, ...], ...]
    figures: tuple[Key, ...]
    claims: tuple[tuple[Key, ...], ...]
    updates: tuple[Key, ...]
    revised: tuple[Key, ...]

    def moments(self) -> Iterable[Key]:
        """Every moment something about the event became known."""
        yield self.event
        yield from self.status
        for steps in (*self.control, *self.claims):
            yield from steps
        yield from self.figures
        yield from self.updates
        yield from self.revised


def current(steps: list[StatusStep], known: tuple[Key, ...], at: Key) -> StatusStep | None:
    """The step in force as known at `at`: the last one known by then; None before the first was."""
    found = None
    for step, moment in zip(steps, known, strict=True):
        if moment <= at:
            found = step
    return found


def wording(event: Event, known: Known, at: Key) -> tuple[str, str | None]:
    """An event's title and summary as known at `at`."""
    title, summary = event.title, event.summary
    for item, moment in zip(event.revised, known.revised, strict=True):
        if moment <= at:
            title, summary = item.title or title, item.summary or summary
    return title, summary
