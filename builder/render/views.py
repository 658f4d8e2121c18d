"""What the templates read: a record as a page shows it, its links and its numbered source notes."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from markupsafe import Markup

from .. import derive, escape, known, vocabulary
from ..derive import FOREVER
from ..known import Key
from ..model import (
    NEEDS_CLAIMANT,
    Claim,
    ControlChange,
    Event,
    Quote,
    Repository,
    Source,
    StatusStep,
    is_right_to_left,
)
from .text import format_date, format_day, format_figure, format_time, language_name

TIMELINE_DIR = "timeline"
GLOSSARY_PAGE = "glossary.md"
QUOTES_DIR = "quotes"
SOURCES_DIR = "sources"


class Notes:
    """Numbered source notes for one page, numbered in order of first citation."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        # Each source's number, in order of first citation: a page can cite thousands.
        self.numbers: dict[str, int] = {}

    def cite(self, *groups: list[str]) -> Markup:
        """Footnote references for the given source ids, each source numbered once per page."""
        numbers = []
        for source_id in dict.fromkeys(s for group in groups for s in group):
            numbers.append(self.numbers.setdefault(source_id, len(self.numbers) + 1))
        refs = [f"[^{number}]" for number in sorted(numbers)]
        # Adjacent superscripts would read as one number: notes 1 and 2 are not note 12.
        return Markup("<sup>,</sup>".join(refs))

    def later(self, *groups: list[str]) -> Citation:
        """Footnote references that number their sources only when the page prints them."""
        return Citation(self, groups)

    def definitions(self) -> list[tuple[int, str, Source]]:
        return [(n, sid, self.repository.sources[sid]) for sid, n in self.numbers.items()]


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
    """When a quote was said: its own date, else that of the latest event it concerns, else when it was first
    reported (its earliest source); None if none of these is known."""
    quote = repository.quotes[quote_id]
    if quote.date:
        return quote.date.end
    latest = max((repository.events[e].date.end for e in quote.events if e in repository.events), default=None)
    return latest or first_reported(repository, quote)


def first_reported(repository: Repository, quote: Quote) -> date | None:
    """The day a quote was first reported: its `reported` day, else its earliest source's."""
    if quote.reported:
        return quote.reported.day
    moment = known.Clock(repository).earliest(quote.sources)
    return moment[0] if moment else None


def quote_month(repository: Repository, quote_id: str) -> str:
    day = quote_day(repository, quote_id)
    return month_key(day) if day else UNDATED


def _sentence(text: str) -> str:
    """`text` ending as a sentence does, whether or not its author ended it."""
    return text if text.rstrip().endswith((".", "!", "?", "…")) else f"{text}."


# How each kind of change of control reads: the words before the new holder, and before the old one.
_CONTROL_PHRASES = {
    "captured": ("captured by", "from"),
    "handed-over": ("handed over to", "by"),
    "surrendered": ("surrendered to", "by"),
    "withdrawn": ("left to", "when it was vacated by"),
    "retaken": ("retaken by", "from"),
    "held": ("still held by", ""),
}


def control_phrase(how: str, holder: str, before: str = "") -> str:
    """A change of control in words, holder first: 'handed over to Taliban by Afghan government'."""
    to_holder, from_holder = _CONTROL_PHRASES.get(how, (f"{vocabulary.label('control', how)} by", "from"))
    return f"{to_holder} {holder} {from_holder} {before}" if before and from_holder else f"{to_holder} {holder}"


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
        self._clock: known.Clock | None = None
        self._known: dict[str, known.Known] = {}

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
        """A status in words, with who stands behind it: 'claimed by Taliban'."""
        words = vocabulary.label("status", step.status)
        if step.by and (step.status in NEEDS_CLAIMANT or step.status in ("claimed", "reported", "confirmed")):
            return f"{words} by {self.actor(step.by)}"
        return words

    def badge(self, status: str, words: str) -> Markup:
        """A status badge, `words` in the status's colours, linking to its glossary entry with the definition
        as the link's title. A method rather than a template macro: every event on every page has one."""
        tip = f"{vocabulary.capital(vocabulary.label('status', status))}: {vocabulary.definition('status', status)}"
        span = f'<span class="status status--{escape.anchor(status)}">{escape.text(words)}</span>'
        return Markup(f'[{span}]({self.glossary_link("status", status)} "{escape.text(tip)}")')

    def glossary_link(self, name: str, code: str) -> Markup:
        """A link from this page to the glossary's entry for `code` of the vocabulary `name`."""
        return self.link(GLOSSARY_PAGE, vocabulary.anchor(name, code))

    def control_words(self, change: ControlChange) -> str:
        """How a place changed hands, without the place or the status: 'handed over to Taliban by Afghan forces'."""
        return control_phrase(change.how, self.actor(change.to), self.actor(change.from_))

    @property
    def clock(self) -> known.Clock:
        """When each of this page's records became known; it reads the sources through this page's repository."""
        if self._clock is None:
            self._clock = known.Clock(self.repository)
        return self._clock

    def facts(self, event_id: str) -> known.Known:
        """When the event and each of its assertions became known."""
        found = self._known.get(event_id)
        if found is None:
            found = self._known[event_id] = self.clock.of(self.repository.events[event_id])
        return found

    def sources(self, ids: list[str], at: Key) -> list[str]:
        """The sources among `ids` published by `at`: a briefing cites nothing published after it."""
        return ids if at == FOREVER else [s for s in ids if self.clock.source(s) <= at]

    def title(self, event_id: str, at: Key | None = None) -> str:
        """An event's title as known at `at`."""
        event = self.repository.events[event_id]
        # Most events are never reworded: their title needs no knowing when.
        return known.wording(event, self.facts(event_id), at or FOREVER)[0] if event.revised else event.title

    def history(self, steps: list[StatusStep], moments: tuple[Key, ...], at: Key) -> list[Shown]:
        return [
            Shown(words=self.status_words(s), date=format_date(s.date) if s.date else "", note=s.note, step=s)
            for s, moment in zip(steps, moments, strict=True)
            if moment <= at
        ]

    def control_history(self, event_id: str, change: ControlChange) -> list[Shown]:
        """Every status of a control change, as known now."""
        event = self.repository.events[event_id]
        number = list(event.control).index(change)
        return self.history(change.status, self.facts(event_id).control[number], FOREVER)

    def event(self, event_id: str, at: Key | None = None) -> Shown:
        """An event as known at `at` (a briefing's as-of moment), or as known now."""
        at = at or FOREVER
        event: Event = self.repository.events[event_id]
        facts = self.facts(event_id)
        current = known.current(event.status, facts.status, at) or event.status[0]
        steps = self.history(event.status, facts.status, at)
        title, summary = known.wording(event, facts, at)
        shown_steps = [x.step for x in steps]
        cited = self.notes.later(
            self.sources(event.sources, at),
            *[self.sources(s.sources, at) for s in event.status if s in shown_steps],
        )
        return Shown(
            id=event_id,
            event=event,
            title=title,
            summary=summary,
            date=format_date(event.date),
            time=format_time(event.time),
            status=current.status,
            status_words=self.status_words(current),
            history=steps if len(steps) > 1 else [],
            note=current.note,
            places=[(self.place(p), self.link(f"places/{p}.md")) for p in event.places],
            tags=[(tag, self.link(f"tags/{tag}.md")) for tag in event.tags],
            control=[
                self.control(c, event, moments, at)
                for c, moments in zip(event.control, facts.control, strict=True)
                if moments[0] <= at
            ],
            figures=[
                self.figure(f.id, at) for f, moment in zip(event.figures, facts.figures, strict=True) if moment <= at
            ],
            claims=[
                self.claim(c, event, moments, at)
                for c, moments in zip(event.claims, facts.claims, strict=True)
                if moments[0] <= at
            ],
            updates=[
                Shown(
                    date=format_date(u.date),
                    text=u.text,
                    note=u.note,
                    cite=self.notes.later(self.sources(u.sources, at)),
                )
                for u, moment in zip(event.updates, facts.updates, strict=True)
                if moment <= at
            ],
            reworded=self.reworded(event) if at == FOREVER else [],
            cite=cited,
        )

    def reworded(self, event: Event) -> list[Shown]:
        """The earlier wordings of an event, each with the day it gave way, for its page of record."""
        shown, title, summary = [], event.title, event.summary
        for wording in event.revised:
            earlier = Shown(until=format_date(wording.date), correction=wording.correction, note=wording.note)
            earlier.title, earlier.summary = (title if wording.title else None), (summary if wording.summary else None)
            shown.append(earlier)
            title, summary = wording.title or title, wording.summary or summary
        return shown

    def control(self, change: ControlChange, event: Event, moments: tuple[Key, ...], at: Key) -> Shown:
        current = known.current(change.status, moments, at) or change.status[0]
        return Shown(
            words=f"{self.place(change.place)}: {self.control_words(change)}",
            note=change.note,
            status=current.status,
            status_words=self.status_words(current),
            cite=self.notes.later(self.sources(change.sources, at), self.sources(current.sources, at)),
        )

    def claim_words(self, claim: Claim) -> str:
        """What a claim says, without its status: who claims responsibility, or the characterisation and by whom."""
        if claim.kind == "responsibility":
            words = f"Responsibility claimed by {self.actor(claim.claimant)}" if claim.claimant else "Responsibility"
            return f"{words}: {claim.text}" if claim.text else words
        said = f"“{claim.text}”" if claim.text else "A characterisation"
        return f"{said}, according to {self.actor(claim.by)}" if claim.by else said

    def claim(self, claim: Claim, event: Event, moments: tuple[Key, ...], at: Key) -> Shown:
        current = known.current(claim.status, moments, at) or claim.status[0]
        steps = self.history(claim.status, moments, at)
        return Shown(
            words=self.claim_words(claim),
            note=claim.note,
            claimant=claim.claimant if claim.kind == "responsibility" else None,
            status=current.status,
            status_words=self.status_words(current),
            history=steps if len(steps) > 1 else [],
            step_note=current.note if len(steps) <= 1 else None,
            cite=self.notes.later(self.sources(claim.sources or event.sources, at), self.sources(current.sources, at)),
        )

    def figure(self, figure_id: str, at: Key | None = None) -> Shown:
        at = at or FOREVER
        event_id, figure = self.repository.figures[figure_id]
        event = self.repository.events[event_id]
        return Shown(
            id=figure_id,
            figure=figure,
            amount=format_figure(figure),
            by=self.actor(figure.by),
            as_of=format_date(figure.as_of or event.date),
            event_id=event_id,
            cite=self.notes.later(self.sources(figure.sources or event.sources, at)),
        )

    def event_changes(self, change: derive.EventChange, before: Key) -> str:
        """What became known about an event since `before`, in words: each part old -> new, one line for the event."""
        event = self.repository.events[change.event_id]
        parts = []
        if change.status:
            old, new = change.status
            parts.append(f"{self.status_words(old)} → {self.status_words(new)}")
        if change.title:
            parts.append(f"retitled from “{self.title(change.event_id, before)}”")
        if change.summary:
            parts.append("summary revised")
        for number, old_step, new_step in change.claims:
            words = self.claim_words(event.claims[number])
            if old_step is None:
                parts.append(f"new claim: {words} ({self.status_words(new_step)})")
            else:
                parts.append(f"{words}: {self.status_words(old_step)} → {self.status_words(new_step)}")
        parts += [f"update: {event.updates[number].text}" for number in change.updates]
        return "; ".join(parts)

    def control_change(self, before: derive.Holding | None, after: derive.Holding | None) -> str:
        """A place's holder as known before -> now, with the status it is known by."""
        if after is None:
            return f"{self.actor(before.holder) if before else 'unknown'} → no longer on record (withdrawn)"
        now = f"{self.actor(after.holder)} ({self.status_words(after.status)})"
        if before is None:
            return f"{control_phrase(after.change.how, now)}, first recorded"
        if before.holder == after.holder:
            return f"{self.actor(after.holder)}, {self.status_words(before.status)} → {self.status_words(after.status)}"
        return f"{self.actor(before.holder)} → {now}"

    def correction_words(self, correction: derive.Correction) -> str:
        """What a correction or retraction concerns, and what it says."""
        event = self.repository.events[correction.event_id]
        title = f"“{self.title(correction.event_id)}”"
        number = correction.number or 0
        if correction.part == "control":
            subject = f"Control of {self.place(event.control[number].place)}, in {title}"
        elif correction.part == "claim":
            subject = f"{self.claim_words(event.claims[number])}, in {title}"
        elif correction.part == "wording":
            subject = f"The wording of {title}"
        else:
            subject = title
        if correction.figure_id:
            figure = self.repository.figures[correction.figure_id][1]
            old = self.repository.figures.get(figure.revises or "")
            was = f" from {format_figure(old[1])}" if old else ""
            subject = f"{figure.label}: corrected{was} to {format_figure(figure)}"
        elif correction.step is not None:
            subject += f": now {self.status_words(correction.step)}"
        return _sentence(f"{subject}. {correction.text}" if correction.text else subject)

    def quote(self, quote_id: str, at: Key | None = None) -> Shown:
        quote: Quote = self.repository.quotes[quote_id]
        original = quote.original
        return Shown(
            id=quote_id,
            quote=quote,
            speaker=self.actor(quote.speaker),
            date=format_date(quote.date) if quote.date else "",
            reported="" if quote.date else format_day(day) if (day := first_reported(self.repository, quote)) else "",
            original_dir="rtl" if original and is_right_to_left(original.language) else "ltr",
            original_label=f"Original ({language_name(original.language)})" if original else "",
            translation_label=(
                f"Translated by {quote.translated_by}" if quote.translated_by else "Translation" if original else ""
            ),
            tags=[(tag, self.link(f"tags/{tag}.md")) for tag in quote.tags],
            cite=self.notes.later(self.sources(quote.sources, at or FOREVER)),
        )
