"""The editorial rules that make a briefing trustworthy: sources, claimants, sane dates, nothing dated after today.

The rules here look at one record on its own, and may be skipped for a record remembered clean; those
that compare a record with others are in `across`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .. import known, model
from ..load import Document
from ..model import NEEDS_CLAIMANT, Loc, Repository
from ..problems import Problem
from .across import Assertion, across, latest, reported_in
from .loaded import Loaded, Remembered


def today_in(zone: str, now: datetime | None = None) -> date:
    """The date in the time zone `zone` at the aware moment `now` (by default, the present)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class Today:
    """The site's today, which no record may be dated after, and the zone that makes it today."""

    day: date
    zone: str

    def __str__(self) -> str:
        return f"{self.day} in {self.zone}"


def editorial(
    loaded: list[Loaded], repository: Repository, today: Today, memory: Remembered | None = None
) -> Iterator[Problem]:
    """The rules that make a briefing trustworthy: sources, claimants, sane dates."""
    for item in loaded:
        if isinstance(item.record, model.Briefing):
            yield from _briefing(item.doc, item.record, today)
            continue
        facts = memory.facts(item) if memory else None
        if facts and facts.clean_on == today.day:
            continue
        found = list(_record_rules(item, today))
        if facts and not found:
            facts.clean_on = today.day
        yield from found
    yield from _briefing_dates(loaded, today.zone)
    yield from across(loaded, repository)


def _future(doc: Document, loc: Loc, what: str, when: model.FuzzyDate | date, today: Today) -> Iterator[Problem]:
    """`dated-in-future` when `when` is after today."""
    # A range may not end after today; a month or a year ("sometime in 2021") only has to have begun.
    latest = when if isinstance(when, date) else when.end if when.precision == "range" else when.start
    if latest > today.day:
        yield doc.problem("dated-in-future", loc, what=what, date=when, today=today)


def _record_rules(item: Loaded, today: Today) -> Iterator[Problem]:
    """The editorial rules an event, a quote or a source must meet on its own."""
    record, doc = item.record, item.doc
    if isinstance(record, model.Event):
        if not record.sources:
            yield doc.problem("no-source", ("sources",), what="this event")
        yield from _future(doc, ("date",), "this event", record.date, today)
        for part in reported_in(record):
            yield from _reported(doc, part, record.time_zone, today)
        yield from _steps(doc, ("status",), record.status, today, whole="the event")
        for index, change in enumerate(record.control):
            yield from _steps(doc, ("control", index, "status"), change.status, today, whole="its control change")
            if change.from_ == change.to and change.how != "held":
                yield doc.problem("control-to-itself", ("control", index, "from"), actor=change.to)
        for index, figure in enumerate(record.figures):
            yield from _figure(doc, ("figures", index), figure, today)
        for index, claim in enumerate(record.claims):
            yield from _claim(doc, ("claims", index), claim, today)
        for index, update in enumerate(record.updates):
            if not update.sources:
                yield doc.problem("no-source", ("updates", index), what="this update")
            yield from _future(doc, ("updates", index, "date"), "this update", update.date, today)
        for index, wording in enumerate(record.revised):
            yield from _wording(doc, ("revised", index), wording, today)
        for field in ("places", "actors", "sources", "tags"):
            yield from _repeats(doc, (field,), getattr(record, field))
    elif isinstance(record, model.Quote):
        if not record.sources:
            yield doc.problem("no-source", ("sources",), what="this quote")
        if record.date:
            yield from _future(doc, ("date",), "this quote", record.date, today)
        if record.reported:
            given = Assertion(("reported",), "this quote", record.reported, [], record.date, record.time, "'date'")
            yield from _reported(doc, given, None, today)
        if record.kind == "paraphrase" and record.text[:1] in _QUOTE_MARKS and record.text[-1:] in _QUOTE_MARKS:
            yield doc.problem("paraphrase-in-quotes", ("text",))
        for field in ("sources", "events", "tags"):
            yield from _repeats(doc, (field,), getattr(record, field))
    elif isinstance(record, model.Source):
        yield from _future(doc, ("published",), "this source", record.published, today)


def _reported(doc: Document, part: Assertion, zone: str | None, today: Today) -> Iterator[Problem]:
    """A `reported` moment is neither after today nor before even the earliest time its assertion is about."""
    own = zone or today.zone
    if known.reported(part.given, zone, today.zone)[0] > today.day:
        yield doc.problem(
            "dated-in-future", part.loc, what=f"the 'reported' moment of {part.what}", date=part.given, today=today
        )
    # Both are written in the record's zone, and compared there: a day written without a time is that day.
    elif part.about and latest(part.given, own, own) < known.about(part.about, part.time, own, own):
        about = f"{part.about} {part.time}" if part.time else str(part.about)
        yield doc.problem(
            "reported-before-date", part.loc, what=part.what, reported=part.given, about=about, field=part.field
        )


_QUOTE_MARKS = set("\"'“”‘’«»„")


_OR_REPORTED = ", or the moment it became known under 'reported'"


def _steps(
    doc: Document, loc: Loc, steps: list[model.StatusStep], today: Today, *, whole: str, claim: bool = False
) -> Iterator[Problem]:
    """The rules of a status history, part of `whole`; in a `claim`, a 'claimed' step is made by the claim's
    claimant."""
    previous: model.StatusStep | None = None
    for index, step in enumerate(steps):
        if step.date:
            yield from _future(doc, (*loc, index, "date"), "this status step", step.date, today)
        if step.status in NEEDS_CLAIMANT and not step.by and not (claim and step.status == "claimed"):
            shorthand = len(loc) == 1 and isinstance(doc.data.get(str(loc[0])), str)
            fix = (
                f"write it as a list: 'status:', then '- status: {step.status}' and 'by: <actor id>' under it"
                if shorthand
                else "add 'by: <actor id>'"
            )
            yield doc.problem(
                "claim-without-claimant", (*loc, index), status=step.status, verb=NEEDS_CLAIMANT[step.status], fix=fix
            )
        if step.correction and index == 0:
            yield doc.problem("correction-of-first-step", (*loc, index, "correction"))
        if step.status == "retracted" and not step.sources:
            # The event's own sources reported the claim; what withdrew it was said somewhere else.
            yield doc.problem("retraction-without-source", (*loc, index))
        elif index and not step.sources:
            if step.correction:
                yield doc.problem("correction-without-source", (*loc, index, "correction"), what="this status step")
            elif not step.reported:
                # Standing on what it belongs to, it would be known as early as that, even when added later.
                yield doc.problem(
                    "own-source-needed", (*loc, index), what="this status step", whole=whole, alternative=_OR_REPORTED
                )
        if previous and previous.date and step.date and step.date.start < previous.date.start:
            yield doc.problem("status-out-of-order", (*loc, index, "date"), date=step.date, previous=previous.date)
        previous = step if step.date else previous


def _figure(doc: Document, loc: Loc, figure: model.Figure, today: Today) -> Iterator[Problem]:
    if not figure.by:
        yield doc.problem("unattributed-figure", loc)
    if figure.as_of:
        yield from _future(doc, (*loc, "as_of"), "this figure", figure.as_of, today)
    if figure.correction and not figure.revises:
        yield doc.problem("correction-without-revises", (*loc, "correction"))
    elif figure.correction and not figure.sources:
        yield doc.problem("correction-without-source", (*loc, "correction"), what="this figure")
    elif figure.revises and not figure.sources and not figure.reported:
        yield doc.problem(
            "own-source-needed", (*loc, "revises"), what="this figure", whole="the event", alternative=_OR_REPORTED
        )
    has_range = figure.low is not None or figure.high is not None
    if figure.value is not None and (has_range or figure.best is not None):
        yield doc.problem("figure-value", loc, found="both")
    elif figure.value is None and (figure.low is None or figure.high is None):
        yield doc.problem("figure-value", loc, found="neither" if not has_range else "only one end of the range")
    if figure.low is not None and figure.high is not None:
        if figure.low > figure.high:
            yield doc.problem(
                "reversed-range", (*loc, "low"), what="the figure's range", low=figure.low, high=figure.high
            )
        elif figure.best is not None and not figure.low <= figure.best <= figure.high:
            yield doc.problem(
                "invalid-value", (*loc, "best"), reason=f"the best estimate {figure.best} must lie between low and high"
            )


def _claim(doc: Document, loc: Loc, claim: model.Claim, today: Today) -> Iterator[Problem]:
    if claim.kind == "characterisation" and not claim.text:
        yield doc.problem("claim-without-text", loc)
    if claim.kind == "responsibility" and not claim.claimant:
        yield doc.problem("responsibility-without-claimant", loc)
    first = claim.status[0]
    if not claim.sources and not first.sources and not first.reported:
        alternative = ", or the moment it became known under 'reported' in its first status step"
        yield doc.problem("own-source-needed", loc, what="this claim", whole="the event", alternative=alternative)
    yield from _steps(doc, (*loc, "status"), claim.status, today, whole="its claim", claim=True)
    yield from _repeats(doc, (*loc, "sources"), claim.sources)


def _wording(doc: Document, loc: Loc, wording: model.Wording, today: Today) -> Iterator[Problem]:
    if wording.title is None and wording.summary is None:
        yield doc.problem("empty-revision", loc)
    if wording.correction and not wording.sources:
        yield doc.problem("correction-without-source", (*loc, "correction"), what="this revision")
    elif not wording.sources and not wording.reported:
        yield doc.problem("own-source-needed", loc, what="this revision", whole="the event", alternative=_OR_REPORTED)
    yield from _future(doc, (*loc, "date"), "this revision", wording.date, today)


def _repeats(doc: Document, loc: Loc, values: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield doc.problem("duplicate-in-list", (*loc, index), value=value)
        seen.add(value)


def _briefing_dates(loaded: list[Loaded], zone: str) -> Iterator[Problem]:
    """`briefing-date`: a briefing named for another day, or two as of the same moment (in the site's zone)."""
    editions: dict[known.Key, tuple[str, model.Briefing]] = {}
    for item in loaded:
        record = item.record
        if not isinstance(record, model.Briefing):
            continue
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}.*", item.id) and not item.id.startswith(record.as_of.isoformat()):
            reason = f"the file is named {item.id} but 'as_of' is {record.as_of}; rename the file or fix the date"
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        moment = known.as_of(record, zone)
        if moment in editions:
            other, first = editions[moment]
            if _as_of(first) == _as_of(record):
                reason = f"{other} has the same as-of moment, {_as_of(record)}; give each edition its own 'time'"
            else:
                reason = (
                    f"{other} is as of {_as_of(first)}, the same moment as this one's {_as_of(record)};"
                    " give each edition its own 'time'"
                )
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        editions[moment] = (item.doc.path, record)


def _as_of(briefing: model.Briefing) -> str:
    if briefing.time is None:
        return f"{briefing.as_of}, the whole day"
    return f"{briefing.as_of} {briefing.time}" + (f" {briefing.time_zone}" if briefing.time_zone else "")


def _briefing(doc: Document, briefing: model.Briefing, today: Today) -> Iterator[Problem]:
    as_of = briefing.as_of
    # A draft may be written ahead of its day; only a published edition is shown as the latest.
    if not briefing.draft:
        yield from _future(doc, ("as_of",), "this briefing", as_of, today)
    if briefing.since and briefing.since > as_of:
        yield doc.problem("bad-period", ("since",), reason=f"starts on {briefing.since}, after the as-of date {as_of}")
    for field in ("key_figures", "quotes", "places", "tags"):
        yield from _repeats(doc, (field,), getattr(briefing, field))
