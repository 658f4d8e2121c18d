"""Page metadata for readers' tools: schema.org JSON-LD and Open Graph, as front-matter values."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from . import derive, escape, known
from .model import NEEDS_CLAIMANT, Repository

_KINDS = {"person": "Person"}


def _party(repository: Repository, actor_id: str) -> dict[str, str]:
    actor = repository.actors[actor_id]
    return {"@type": _KINDS.get(actor.kind, "Organization"), "name": actor.name}


def moment(repository: Repository, edition: derive.Edition) -> str:
    """The as-of moment of a briefing in ISO 8601, in the site's time zone."""
    return known.instant(edition.at, repository.site.time_zone).isoformat()


def front_matter(values: dict[str, str]) -> Markup:
    """Front-matter lines for already-escaped values: each a JSON string, which YAML reads as text."""
    return Markup("\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()))


def pdf(edition_id: str) -> str:
    """Where a briefing's PDF is, relative to its page: `briefings pdf` writes it there, beside the page's folder."""
    return f"../{edition_id}.pdf"


def briefing(repository: Repository, edition: derive.Edition) -> dict[str, str]:
    """Front-matter values for a briefing page: JSON-LD (NewsArticle, Quotations, Claims), Open Graph, its PDF."""
    b = edition.briefing
    clock = known.Clock(repository)
    base = (repository.site.url or "").rstrip("/")
    url = f"{base}/briefings/{edition.id}/" if base else None
    description = b.summary or " ".join(b.highlights) or b.title
    publisher = {"@type": "Organization", "name": repository.site.title}
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": b.title,
        "description": description,
        "datePublished": moment(repository, edition),
        "inLanguage": repository.site.language,
        "publisher": publisher,
        "author": publisher,
        "citation": [
            {
                "@type": "CreativeWork",
                "name": s.title,
                "publisher": {"@type": "Organization", "name": s.publisher},
                "datePublished": str(s.published),
                **({"url": s.url} if s.url else {}),
            }
            for s in (repository.sources[sid] for sid in _cited(repository, edition, clock))
        ],
        "hasPart": [
            {
                "@type": "Quotation",
                "text": q.text,
                "creator": _party(repository, q.speaker),
                **({"dateCreated": str(q.date)} if q.date else {}),
            }
            for q in (repository.quotes[qid] for qid in b.quotes)
        ],
    }
    claims = []
    for event_id in edition.events:
        event = repository.events[event_id]
        step = known.current(event.status, clock.of(event).status, edition.at)
        if step is not None and step.status in NEEDS_CLAIMANT and step.by:
            title = known.wording(event, clock.of(event), edition.at)[0]
            claims.append({"@type": "Claim", "text": title, "author": _party(repository, step.by),
                           **({"datePublished": str(step.date)} if step.date else {})})  # fmt: skip
    if claims:
        document["mentions"] = claims
    if url:
        document["url"] = url
        document["mainEntityOfPage"] = url
    values = {
        "jsonld": str(escape.json_script(document)),
        "og_type": "article",
        "og_title": str(escape.text(b.title)),
        "og_description": str(escape.text(description)),
        "og_published": moment(repository, edition),
        "pdf": pdf(edition.id),
    }
    if url:
        values["og_url"] = str(escape.url(url))
    return values


def _cited(repository: Repository, edition: derive.Edition, clock: known.Clock) -> list[str]:
    """The sources a briefing cites: only those published by its as-of moment."""
    cited: dict[str, None] = {}
    for event_id in edition.events:
        event = repository.events[event_id]
        for source_id in [*event.sources, *(s for step in event.status for s in step.sources)]:
            cited[source_id] = None
    for quote_id in edition.briefing.quotes:
        for source_id in repository.quotes[quote_id].sources:
            cited[source_id] = None
    return [source_id for source_id in cited if clock.source(source_id) <= edition.at]
