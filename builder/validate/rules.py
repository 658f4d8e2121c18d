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

from .. import model
from ..load import Document
from ..model import NEEDS_CLAIMANT, Loc, Repository
from ..problems import Problem
from .across import across
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
    yield from _briefing_dates(loaded)
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
        yield from _steps(doc, ("status",), record.status, today)
        for index, change in enumerate(record.control):
            yield from _steps(doc, ("control", index, "status"), change.status, today)
            if change.from_ == change.to and change.how != "held":
                yield doc.problem("control-to-itself", ("control", index, "from"), actor=change.to)
        for index, figure in enumerate(record.figures):
            yield from _figure(doc, ("figures", index), figure, today)
        for index, claim in enumerate(record.claims):
            yield from _claim(doc, ("claims", index), claim, record, today)
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
        if record.kind == "paraphrase" and record.text[:1] in _QUOTE_MARKS and record.text[-1:] in _QUOTE_MARKS:
            yield doc.problem("paraphrase-in-quotes", ("text",))
        for field in ("sources", "events", "tags"):
            yield from _repeats(doc, (field,), getattr(record, field))
    elif isinstance(record, model.Source):
        yield from _future(doc, ("published",), "this source", record.published, today)


_QUOTE_MARKS = set("\"'“”‘’«»„")


def _steps(
    doc: Document, loc: Loc, steps: list[model.StatusStep], today: Today, *, claim: bool = False
) -> Iterator[Problem]:
    """The rules of a status history; in a `claim`, a 'claimed' step is made by the claim's claimant."""
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
        if step.status == "retracted" and not step.sources:
            # The event's own sources reported the claim; what withdrew it was said somewhere else.
            yield doc.problem("retraction-without-source", (*loc, index))
        elif step.correction and not step.sources:
            yield doc.problem("correction-without-source", (*loc, index, "correction"), what="this status step")
        if previous and previous.date and step.date and step.date.start < previous.date.start:
            yield doc.problem("status-out-of-order", (*loc, index, "date"), date=step.date, previous=previous.date)
        previous = step if step.date else previous


def _figure(doc: Document, loc: Loc, figure: model.Figure, today: Today) -> Iterator[Problem]:
    if not figure.by:
        yield doc.problem("unattributed-figure", loc)
    if figure.as_of:
        yield from _future(doc, (*loc, "as_of"), "this figure", figure.as_of, today)
    if figure.correction and not figure.sources:
        yield doc.problem("correction-without-source", (*loc, "correction"), what="this figure")
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


def _claim(doc: Document, loc: Loc, claim: model.Claim, event: model.Event, today: Today) -> Iterator[Problem]:
    if claim.kind == "characterisation" and not claim.text:
        yield doc.problem("claim-without-text", loc)
    if claim.kind == "responsibility" and not claim.claimant:
        yield doc.problem("responsibility-without-claimant", loc)
    if not claim.sources and not event.sources:
        yield doc.problem("no-source", loc, what="this claim")
    yield from _steps(doc, (*loc, "status"), claim.status, today, claim=True)
    yield from _repeats(doc, (*loc, "sources"), claim.sources)


def _wording(doc: Document, loc: Loc, wording: model.Wording, today: Today) -> Iterator[Problem]:
    if wording.title is None and wording.summary is None:
        yield doc.problem("empty-revision", loc)
    if wording.correction and not wording.sources:
        yield doc.problem("correction-without-source", (*loc, "correction"), what="this revision")
    yield from _future(doc, (*loc, "date"), "this revision", wording.date, today)


def _repeats(doc: Document, loc: Loc, values: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield doc.problem("duplicate-in-list", (*loc, index), value=value)
        seen.add(value)


def _briefing_dates(loaded: list[Loaded]) -> Iterator[Problem]:
    editions: dict[tuple[object, object], Loaded] = {}
    for item in loaded:
        record = item.record
        if not isinstance(record, model.Briefing):
            continue
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}.*", item.id) and not item.id.startswith(record.as_of.isoformat()):
            reason = f"the file is named {item.id} but 'as_of' is {record.as_of}; rename the file or fix the date"
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        moment = (record.as_of, str(record.time) if record.time else None)
        if moment in editions:
            other = editions[moment].doc.path
            reason = f"{other} has the same as-of date and time; give each edition its own 'time'"
            yield item.doc.problem("briefing-date", ("as_of",), reason=reason)
        editions[moment] = item


def _briefing(doc: Document, briefing: model.Briefing, today: Today) -> Iterator[Problem]:
    as_of = briefing.as_of
    # A draft may be written ahead of its day; only a published edition is shown as the latest.
    if not briefing.draft:
        yield from _future(doc, ("as_of",), "this briefing", as_of, today)
    if briefing.since and briefing.since > as_of:
        yield doc.problem("bad-period", ("since",), reason=f"starts on {briefing.since}, after the as-of date {as_of}")
    for field in ("key_figures", "quotes", "places", "tags"):
        yield from _repeats(doc, (field,), getattr(briefing, field))
