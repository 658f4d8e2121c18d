"""Synthetic repositories that validate clean, sized like a desk that has tracked a conflict for years."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

STATUSES = ["confirmed", "reported", "unverified"]
KINDS = ["capture", "armed-clash", "handover", "withdrawal", "statement", "deployment", "warning"]
TAGS = [f"tag-{n}" for n in range(20)]
WORDS = [
    "government",
    "forces",
    "withdrew",
    "from",
    "the",
    "district",
    "centre",
    "after",
    "heavy",
    "clashes",
    "overnight",
    "while",
    "elders",
    "negotiated",
    "the",
    "surrender",
    "of",
    "the",
    "garrison",
    "and",
    "officials",
    "flew",
    "out",
    "by",
    "helicopter",
    "to",
    "the",
    "provincial",
    "capital",
    "where",
    "the",
    "airport",
    "remained",
    "under",
    "government",
    "control",
    "according",
    "to",
    "security",
    "sources",
]


MINUTES_A_DAY = 24 * 60


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def generate(root: Path, events: int, *, briefings: int = 10, seed: int = 7, one_day: bool = False) -> Path:
    """Write a valid repository with `events` events and proportional other records under `root`.

    With `one_day`, the same records (same ids, titles, places, actors, sources cited) all fall on
    2021-01-01: events, their status steps, sources and quotes. The briefings are that day's editions,
    at distinct clock times spread over it (file `2021-01-01-HHMM.yaml`), so there can be at most
    MINUTES_A_DAY - 1 of them; each source then needs a clock time, spread over the day in order.
    """
    if one_day and briefings >= MINUTES_A_DAY:
        raise ValueError(f"one_day fits at most {MINUTES_A_DAY - 1} briefings, one a minute; {briefings} asked")
    rng = random.Random(seed)
    sources, places, actors, quotes = max(events // 10, 1), max(events // 50, 2), max(events // 100, 3), events // 5
    start = date(2021, 1, 1)
    days = max(events // 20, briefings + 1)
    spread = 1 if one_day else days
    for folder in ("sources", "places", "actors", "events", "quotes", "briefings"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text("title: Synthetic briefings\ntime_zone: Asia/Kabul\n")
    for i in range(sources):
        published = start + timedelta(days=i % spread)
        # A day with more than one edition needs each source's time, or every edition would know it.
        timed = f"time: {_clock(i * MINUTES_A_DAY // sources)}\n" if one_day else ""
        (root / "sources" / f"source-{i}.yaml").write_text(
            f"title: Report number {i} on the fighting\npublisher: Agency {i % 7}\nkind: wire-agency\n"
            f"published: {published}\n{timed}url: https://news.example.org/{published:%Y/%m}/report-{i}\n"
        )
    for i in range(places):
        parent = f"parent: place-{i // 10}\n" if i >= 10 else ""
        (root / "places" / f"place-{i}.yaml").write_text(
            f"name: Place {i}\nkind: city\n{parent}country: AF\n"
            f"coordinates:\n  lat: {30 + rng.random() * 6:.4f}\n  lon: {61 + rng.random() * 10:.4f}\n"
        )
    for i in range(actors):
        (root / "actors" / f"actor-{i}.yaml").write_text(f"name: Actor {i}\nkind: armed-group\n")
    for i in range(events):
        when = start + timedelta(days=i % spread)
        source, place, actor = rng.randrange(sources), rng.randrange(places), rng.randrange(actors)
        summary = _sentence(rng, 30)
        if i % 10 == 0:
            summary += " Officials in Kandahar & Helmand said so?"
        lines = [
            f"title: {_sentence(rng, 8)}",
            f"date: {when}",
            f"time: {rng.choice(['night', 'morning', '22:30', 'evening'])}",
            f"kind: {rng.choice(KINDS)}",
            "summary: >-",
            f"  {summary}",
        ]
        if i % 2:
            lines += [f"places: [place-{place}]", f"actors: [actor-{actor}]", f"sources: [source-{source}]"]
        else:
            lines += [
                "places:",
                f"  - place-{place}",
                "actors:",
                f"  - actor-{actor}",
                "sources:",
                f"  - source-{source}",
            ]
        tags = rng.sample(TAGS, i % 3)
        if tags and i % 2:
            lines.append(f"tags: [{', '.join(tags)}]")
        elif tags:
            lines += ["tags:", *(f"  - {tag}" for tag in tags)]
        if i % 3 == 0:
            lines += [
                "status:",
                "  - status: claimed",
                f"    date: {when}",
                f"    by: actor-{actor}",
                f"  - status: {rng.choice(STATUSES)}",
                f"    date: {when + timedelta(days=0 if one_day else 1)}",
                f"    sources: [source-{source}]",
            ]
        else:
            lines.append(f"status: {rng.choice(STATUSES)}")
        if i % 4 == 0:
            lines += [
                "figures:",
                f"  - id: figure-{i}",
                "    label: soldiers surrendered",
                f"    value: {rng.randrange(10, 5000):,}",
                "    unit: soldiers",
                f"    by: actor-{actor}",
            ]
        if i % 5 == 0:
            lines += ["control:", f"  - place: place-{place}", f"    to: actor-{actor}", "    status: reported"]
        (root / "events" / f"event-{i}.yaml").write_text("\n".join(lines) + "\n")
    for i in range(quotes):
        tagged = f"tags: [{rng.choice(TAGS)}]\n" if i % 4 == 0 else ""
        said = start + timedelta(days=i % spread)
        (root / "quotes" / f"quote-{i}.yaml").write_text(
            f"speaker: actor-{rng.randrange(actors)}\nrole: a spokesperson\nkind: direct\ndate: {said}\n"
            f"text: {_sentence(rng, 20)}\nmedium: told Reuters\nsources: [source-{rng.randrange(sources)}]\n{tagged}"
        )
    step = max(days // briefings, 1)
    for i in range(briefings):
        if one_day:
            at = _clock((i + 1) * MINUTES_A_DAY // (briefings + 1))
            name, as_of, title = f"{start}-{at.replace(':', '')}", start, f"{start} {at}"
        else:
            as_of = start + timedelta(days=(i + 1) * step)
            name, at, title = f"{as_of}", "evening", f"{as_of}"
        (root / "briefings" / f"{name}.yaml").write_text(
            f"title: Briefing {title}\nas_of: {as_of}\ntime: {at}\nhighlights:\n  - {_sentence(rng, 12)}\n"
        )
    return root
