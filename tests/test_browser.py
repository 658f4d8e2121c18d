"""The built site in headless Chromium, with the sample data and with hostile data.

Playwright drives Debian's `chromium` (no browser is ever downloaded); the tests that need it skip
with a reason where it is absent. Each site is served over http on 127.0.0.1; every request to any
other origin is aborted and recorded.

The hostile fixture puts an attack in every text field and web address of every kind of record and
in `site.yaml`. It is built twice: with the attacks, and with each attack replaced by a plain word.
Inert text changes words, never structure, so both builds must have the same elements. The static
checks at the end need no browser.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from builder.validate import validate

from .browsing import CHROMIUM, NO_CHROMIUM, serve
from .conftest import BASE, ROOT, build_site, write_tree

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# --- the hostile data --------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "[x] [click][x]",
    "![img](https://evil.example/x.png)",
    "<https://evil.example>",
    '{: onclick="alert(1)" }',
    '!!! danger "x"',
    "# heading",
    "[^1]",
    "[^1]: a footnote from the data",
    '--8<-- "/etc/passwd"',
    "{{ 7*7 }}",
    "{% raw %}",
    "| a | b |\n|---|---|\n| c | d |",
    '<div style="position:fixed;inset:0">overlay</div>',
    "<form action=https://evil.example><button>go</button></form>",
    "&#106;avascript:alert(1)",
    "[y](&#106;avascript:alert(1))",
    '<a href="&#106;avascript:alert(1)">j</a>',
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=javascript:alert(1)></iframe>",
    "</title><script>alert(2)</script>",
    "' onmouseover='alert(1)",
    "*emphasis* __strong__ `code` ~~strike~~",
    "&amp; &lt;b&gt;",
    "1. ordered",
    "- bullet",
    "> quote",
    "*[HTML]: Hyper Text",
    "\\* backslash",
    "<!-- hidden",
]
# Web addresses pass the model only as http(s) without spaces, quotes or angle brackets, so the
# attack goes in the path: a quote to end the attribute, a parenthesis to end the Markdown link.
URL_ATTACK = "https://example.org/a'onmouseover=alert(1)//javascript:alert(1)/&#106;avascript:x?q=(1)&r=';"
URL_LINK_BREAK = "https://example.org/x)[y](javascript:alert(1))"
URL_EDIT = "https://example.org/a'onclick=alert(1)//"


class Fixture:
    """The hostile repository's text, generated from a list of attacks, with what each field holds."""

    def __init__(self, attacks: list[str]) -> None:
        self.attacks = attacks
        self.values: dict[str, str] = {}

    def _rotated(self) -> list[str]:
        # Each field starts with a different attack, so every one is also tried at the start of a line.
        k = len(self.values) % len(self.attacks)
        return self.attacks[k:] + self.attacks[:k]

    def line(self, name: str) -> str:
        """One line holding every attack, then the field's name; as a YAML double-quoted scalar."""
        value = " ".join([*self._rotated(), f"(end of {name})"])
        self.values[name] = value
        return json.dumps(value, ensure_ascii=False)

    def blocks(self, name: str) -> str:
        """Paragraphs, one attack each, then the field's name; as a YAML double-quoted scalar."""
        value = "\n\n".join([*self._rotated(), f"(end of {name})"])
        self.values[name] = value
        return json.dumps(value, ensure_ascii=False)

    def visible(self, name: str) -> list[str]:
        """What a reader must see of the field: each paragraph, its white space collapsed."""
        return [" ".join(block.split()) for block in re.split(r"\n\s*\n", self.values[name]) if block.strip()]

    def files(self) -> dict[str, str]:
        t = self
        return {
            "site.yaml": f"""
                title: {t.line("site title")}
                description: {t.blocks("site description")}
                url: {json.dumps(URL_ATTACK)}
                repository: {json.dumps(URL_EDIT)}
            """,
            "sources/report.yaml": f"""
                title: {t.line("source title")}
                publisher: {t.line("publisher")}
                kind: wire-agency
                published: 2021-08-13
                url: {json.dumps(URL_ATTACK)}
                author: {t.line("author")}
                via: {t.line("via")}
                via_url: {json.dumps(URL_ATTACK)}
                archive_url: {json.dumps(URL_LINK_BREAK)}
                note: {t.blocks("source note")}
            """,
            "actors/taliban.yaml": f"""
                name: {t.line("actor name")}
                kind: armed-group
                note: {t.line("actor note")}
                roles:
                  - title: {t.line("actor role title")}
            """,
            "actors/government.yaml": f"""
                name: {t.line("second actor name")}
                kind: government
            """,
            "actors/envoy.yaml": f"""
                name: {t.line("actor name behind a short name")}
                short_name: {t.line("actor short name")}
                kind: person
            """,
            "places/kandahar.yaml": f"""
                name: {t.line("place name")}
                kind: city
                country: AF
                aliases: [{t.line("place alias")}]
                note: {t.line("place note")}
            """,
            "places/airport.yaml": f"""
                name: {t.line("second place name")}
                kind: airport
                parent: kandahar
            """,
            "events/kandahar-falls.yaml": f"""
                title: {t.line("event title")}
                date: 2021-08-12/2021-08-13
                time: night
                kind: capture
                summary: {t.blocks("event summary")}
                places: [kandahar]
                actors: [taliban, government]
                sources: [report]
                note: {t.line("event note")}
                status:
                  - status: claimed
                    date: 2021-08-12
                    by: taliban
                    note: {t.line("status note")}
                  - status: confirmed
                    date: 2021-08-13
                    sources: [report]
                    note: {t.line("second status note")}
                control:
                  - place: kandahar
                    from: government
                    to: taliban
                    note: {t.line("control note")}
                figures:
                  - id: troops
                    label: {t.line("figure label")}
                    value: 3,000
                    qualifier: about
                    unit: {t.line("figure unit")}
                    by: envoy
                    note: {t.line("figure note")}
            """,
            "events/airport-held.yaml": f"""
                title: {t.line("second event title")}
                date: 2021-08-12
                places: [airport]
                sources: [report]
                status:
                  status: unverified
                  note: {t.line("single status note")}
                control:
                  - place: airport
                    to: government
                    how: held
                figures:
                  - id: range
                    label: {t.line("range figure label")}
                    low: 10
                    high: 20
                    unit: {t.line("range figure unit")}
                    by: government
            """,
            "quotes/official.yaml": f"""
                speaker: government
                role: {t.line("quote role")}
                text: {t.line("quote text")}
                medium: {t.line("quote medium")}
                context: {t.line("quote context")}
                translated_by: {t.line("quote translator")}
                original:
                  text: {t.line("original text")}
                  language: ps
                note: {t.line("quote note")}
                sources: [report]
                events: [kandahar-falls]
            """,
            "quotes/paraphrase.yaml": f"""
                speaker: envoy
                text: {t.line("paraphrase text")}
                kind: paraphrase
                sources: [report]
            """,
            "briefings/2021-08-13.yaml": f"""
                title: {t.line("briefing title")}
                as_of: 2021-08-13
                summary: {t.blocks("briefing summary")}
                highlights:
                  - {t.line("highlight")}
                  - {t.line("second highlight")}
                key_figures: [troops, range]
                quotes: [official, paraphrase]
                watch:
                  - {t.line("watch item")}
                  - {t.line("second watch item")}
            """,
        }


NOTES = ["publisher", "source title", "via"]
FIGURES = ["figure label", "figure unit", "actor short name", "range figure label", "range figure unit"]
EVENTS = [
    *["event title", "event summary", "status note", "second status note", "place name", "actor name"],
    *["second actor name", "second event title", "single status note", "second place name"],
]
# Which fields each of these pages shows, in full. Fields that only other pages show (notes, aliases,
# roles, ...) or that no page shows are still there to do harm: every page is checked for that.
SHOWN = {
    "": ["site title", "site description", "briefing title", "highlight", "second highlight", *FIGURES, *NOTES],
    "briefings/2021-08-13/": [
        *["briefing title", "briefing summary", "highlight", "second highlight", *FIGURES, *EVENTS],
        *["quote text", "quote role", "quote medium", "quote context", "quote translator", "original text"],
        *["paraphrase text", "second actor name"],
        *["watch item", "second watch item", *NOTES],
    ],
    "timeline/2021-08/": [*EVENTS, *FIGURES, *NOTES],
    "sources/2021-08/": [*NOTES, "author", "source note", "event title", "second event title", "quote text"],
    "archive/2021-08/": ["briefing title"],
    "places/": ["place name", "second place name"],
}
PAGES = list(SHOWN)


@dataclass(frozen=True)
class Built:
    site: Path
    fixture: Fixture


def build_fixture(workdir: Path, attacks: list[str]) -> Built:
    fixture = Fixture(attacks)
    data = workdir / "briefings"
    write_tree(data, dict(BASE))
    write_tree(data, fixture.files())
    validate(data)  # the fixture must be accepted: fix the fixture, never the code
    return Built(build_site(data, workdir), fixture)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_fixture(tmp_path_factory.mktemp("hostile"), ATTACKS)


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same records with every attack replaced by a plain word: the structure to compare with."""
    return build_fixture(tmp_path_factory.mktemp("benign"), [f"plain{i}" for i in range(len(ATTACKS))])


# --- serving and watching ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_origin(hostile: Built) -> Iterator[str]:
    with serve(hostile.site) as origin:
        yield origin


@pytest.fixture(scope="module")
def benign_origin(benign: Built) -> Iterator[str]:
    with serve(benign.site) as origin:
        yield origin


@dataclass
class Watch:
    """Everything a page did that a reader should never see happen."""

    origin: str
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pending: set[Any] = field(default_factory=set)

    def local(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def problems(self) -> dict[str, list[str]]:
        found = {
            "dialogs": self.dialogs,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "requests to other hosts": self.external,
            "failed local requests": self.failed,
        }
        return {kind: items for kind, items in found.items() if items}


@contextlib.contextmanager
def open_page(browser: Any, origin: str, viewport: dict[str, int] = DESKTOP) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport=viewport, service_workers="block")
    watch = Watch(origin)

    def route(route: Any) -> None:
        if watch.local(route.request.url):
            route.continue_()
        else:
            watch.external.append(route.request.url)
            route.abort()

    def failed(request: Any) -> None:
        watch.pending.discard(request)
        if watch.local(request.url):
            watch.failed.append(f"{request.url}: {request.failure}")

    def response(response: Any) -> None:
        if watch.local(response.url) and response.status >= 400:
            watch.failed.append(f"{response.url}: HTTP {response.status}")

    def dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    context.on("request", lambda request: watch.pending.add(request))
    context.on("requestfinished", lambda request: watch.pending.discard(request))
    context.on("requestfailed", failed)
    context.on("response", response)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", dialog)
    page.on("console", lambda message: message.type == "error" and watch.console_errors.append(message.text))
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    try:
        yield page, watch
    finally:
        context.close()


def visit(page: Any, watch: Watch, url: str) -> None:
    """Open `url` and wait until the page has loaded and no request has been in flight for 150 ms."""
    page.goto(url, wait_until="load")
    quiet = 0
    for _ in range(200):
        page.wait_for_timeout(50)
        quiet = quiet + 1 if not watch.pending else 0
        if quiet == 3:
            return
    raise AssertionError(f"requests still in flight: {[r.url for r in watch.pending]}")


def shot(page: Any, artifacts: Path, name: str) -> None:
    # From the top, so the sticky header is where a reader sees it. JPEG: a full hostile page is
    # over 10,000 px tall, and PNG takes twice as long to encode.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / f"{name}.jpg"), full_page=True, type="jpeg", quality=80)


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


# What the page holds that data could have put there. Run in the page; returns lists of findings.
INSPECT = """
() => {
  const all = Array.from(document.querySelectorAll('*'));
  const snippet = (e) => e.outerHTML.slice(0, 240);
  const handlers = [];
  const schemes = [];
  for (const e of all) {
    for (const a of Array.from(e.attributes)) {
      if (a.name.toLowerCase().startsWith('on')) handlers.push(e.tagName + ' ' + a.name + '=' + a.value);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'poster'].includes(a.name)) {
        const v = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
        if (/^(javascript|data|vbscript):/.test(v) || a.name === 'srcdoc') schemes.push(snippet(e));
      }
    }
  }
  const selectors = [
    'img[src="x"]', 'img[onerror]', 'svg[onload]', '[onclick]', '[onerror]', '[onmouseover]', '[onload]',
    'form[action*="evil.example"]', 'a[href^="javascript" i]', 'a[href^="data:" i]', 'iframe', 'object', 'embed',
    '.admonition', 'base', 'meta[http-equiv]', 'img[src*="evil.example"]', 'a[href*="evil.example"]',
    '.md-content form', '.md-content input',
  ];
  const injected = [];
  for (const s of selectors) for (const e of document.querySelectorAll(s)) injected.push(s + ' -> ' + snippet(e));
  const fixed = all.filter((e) => e.hasAttribute('style') && /fixed/i.test(e.style.position)).map(snippet);
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter((h) => /^(heading|quote|ordered|bullet)\\b/i.test(h.textContent.trim())).map(snippet);
  const dataLinks = Array.from(document.querySelectorAll('a'))
    .filter((a) => ['click', 'x', 'y', 'd', 'j', 'img', 'https://evil.example'].includes(a.textContent.trim()))
    .map(snippet);
  const footnotes = Array.from(document.querySelectorAll('a.footnote-ref'))
    .filter((a) => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).map(snippet);
  const hosts = Array.from(new Set(Array.from(document.querySelectorAll('a[href]'))
    .map((a) => a.protocol + '//' + a.host)));
  // JSON-LD is data that browsers never run; the static scan checks that it parses and holds no markup.
  const scripts = Array.from(document.querySelectorAll('script:not([src]):not([type="application/ld+json"])'))
    .map((s) => s.textContent);
  const scriptSources = Array.from(document.querySelectorAll('script[src]')).map((s) => s.src);
  return {handlers, schemes, injected, fixed, headings, dataLinks, footnotes, hosts, scripts, scriptSources};
}
"""
# The element skeleton of the article: tag names and attribute names in document order.
SKELETON = """
() => Array.from(document.querySelectorAll('article.md-content__inner *')).map((e) =>
  e.tagName.toLowerCase() + '[' + Array.from(e.attributes).map((a) => a.name).sort().join(' ') + ']')
"""


def assert_nothing_injected(found: dict[str, Any], origin: str) -> None:
    for kind in ("handlers", "schemes", "injected", "fixed", "headings", "dataLinks", "footnotes"):
        assert found[kind] == [], f"{kind}: {found[kind]}"
    # Links lead to this site, to the data's own http(s) addresses, or to the theme's home page.
    allowed = {origin, "https://example.org", "https://squidfunk.github.io"}
    assert set(found["hosts"]) <= allowed, found["hosts"]
    assert all(src.startswith(origin + "/assets/") for src in found["scriptSources"]), found["scriptSources"]
    assert not any("alert" in script for script in found["scripts"]), found["scripts"]


# --- 1. hostile content through the whole pipeline ---------------------------------------------


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("path", PAGES)
def test_hostile_data_renders_as_inert_literal_text(
    browser: Any, hostile: Built, hostile_origin: str, benign_origin: str, artifacts: Path, path: str
) -> None:
    origin = hostile_origin
    with open_page(browser, origin) as (page, watch):
        visit(page, watch, f"{origin}/{path}")
        skeleton = page.evaluate(SKELETON)
        # Pointing at every data link and the edit button would run an onmouseover smuggled into one.
        for link in page.locator('a[href^="https://example.org"]').all():
            if link.is_visible():
                link.hover()
        found = page.evaluate(INSPECT)
        text = page.inner_text("body")
        title = page.title()
        shot(page, artifacts, f"hostile-{slug(path)}")
    assert watch.problems() == {}
    assert_nothing_injected(found, origin)

    for name in SHOWN[path]:
        for block in hostile.fixture.visible(name):
            assert block in text, f"the {name} is not shown whole and literally on /{path}: {block!r}"
    for attack in ATTACKS:
        assert " ".join(attack.split()) in text, attack
    assert "{{ 7*7 }}" in text and "49" not in text
    if path == "briefings/2021-08-13/":
        assert title.startswith(hostile.fixture.visible("briefing title")[0]), title
    if path == "":
        assert title.startswith(hostile.fixture.visible("site title")[0]), title

    # Inert text changes words, never structure: the article has the elements the plain build has.
    with open_page(browser, benign_origin) as (plain_page, plain_watch):
        visit(plain_page, plain_watch, f"{benign_origin}/{path}")
        plain_skeleton = plain_page.evaluate(SKELETON)
        plain_scripts = plain_page.evaluate(INSPECT)["scripts"]
    assert plain_watch.problems() == {}
    assert skeleton == plain_skeleton
    assert found["scripts"] == plain_scripts, "inline scripts must be the theme's own"


@pytest.mark.browser
@needs_chromium
def test_every_other_hostile_page_is_inert(browser: Any, hostile: Built, hostile_origin: str) -> None:
    """Pages for places, actors, quotes and whatever comes next: nothing runs, nothing is injected."""
    others = sorted(
        page.parent.relative_to(hostile.site).as_posix() + "/"
        for page in hostile.site.rglob("index.html")
        if page.parent != hostile.site
    )
    others = [path for path in others if path not in PAGES]
    with open_page(browser, hostile_origin) as (page, watch):
        for path in others:
            visit(page, watch, f"{hostile_origin}/{path}")
            found = page.evaluate(INSPECT)
            assert_nothing_injected(found, hostile_origin)
            assert watch.problems() == {}, path
    assert others, "the site has more pages than the ones checked in full"


@pytest.mark.browser
@needs_chromium
def test_an_original_in_a_right_to_left_script_is_a_block_of_its_own(
    browser: Any, hostile: Built, hostile_origin: str
) -> None:
    with open_page(browser, hostile_origin) as (page, watch):
        visit(page, watch, f"{hostile_origin}/briefings/2021-08-13/")
        originals = page.evaluate(
            "Array.from(document.querySelectorAll('.md-content [lang=\"ps\"]'))"
            ".map((e) => [e.tagName, getComputedStyle(e).direction, e.innerText])"
        )
    assert watch.problems() == {}
    assert [(tag, direction) for tag, direction, _ in originals] == [("P", "rtl")], originals
    assert hostile.fixture.visible("original text")[0] in originals[0][2]


@pytest.mark.browser
@needs_chromium
def test_hostile_data_is_inert_in_search_results(browser: Any, hostile_origin: str, artifacts: Path) -> None:
    """The theme renders search results from its index as HTML: the data must stay text there too."""
    origin = hostile_origin
    with open_page(browser, origin) as (page, watch):
        visit(page, watch, f"{origin}/")
        shown = []
        search = page.locator("input.md-search__input")
        # Words that stand alone in the attacks: the index splits at white space only.
        for query in ("heading", "footnote", "hidden"):
            search.fill("")
            search.press_sequentially(query)
            page.locator(".md-search-result mark", has_text=query).first.wait_for()
            shown.append(page.inner_text(".md-search-result"))
            found = page.evaluate(INSPECT)
            assert_nothing_injected(found, origin)
            if query == "heading":
                shot(page, artifacts, "hostile-search")
    assert watch.problems() == {}
    assert any("<script>alert(1)</script>" in text for text in shown), shown[0][:500]


@pytest.mark.browser
@needs_chromium
def test_hostile_pages_fit_a_phone(browser: Any, hostile_origin: str) -> None:
    origin = hostile_origin
    with open_page(browser, origin, PHONE) as (page, watch):
        for path in PAGES:
            visit(page, watch, f"{origin}/{path}")
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"/{path} is {width[0]} px wide on a {width[1]} px screen"
    assert watch.problems() == {}


# --- 2. the sample site ------------------------------------------------------------------------

SECTION = """
(id) => {
  const heading = document.getElementById(id);
  let text = heading.innerText;
  for (let e = heading.nextElementSibling; e && !/^H[1-4]$/.test(e.tagName); e = e.nextElementSibling) {
    text += '\\n' + e.innerText;
  }
  return text;
}
"""
# A quote by its anchor, with what follows it up to the next quote: its speaker, role and medium.
QUOTE = """
(id) => {
  const quote = document.getElementById(id);
  if (!quote) return null;
  if (quote.tagName === 'BLOCKQUOTE') return quote.innerText;
  let text = quote.innerText;
  for (let e = quote.nextElementSibling; e && !(e.id || '').startsWith('quote-'); e = e.nextElementSibling) {
    text += '\\n' + e.innerText;
  }
  return text;
}
"""
# How many quotes share the blockquote that holds a quote's anchor.
QUOTES_IN_BLOCK = """
(id) => {
  const quote = document.getElementById(id);
  const block = quote && quote.closest('blockquote');
  return block ? block.querySelectorAll('[id^="quote-"]').length + (block.id.startsWith('quote-') ? 1 : 0) : 0;
}
"""
KEY_QUOTES = ["quote-mcconnell-saigon-sequel", "quote-mcconnell-embassy-kabul", "quote-un-catastrophic-impact"]
SAMPLE_PAGES = [
    "",
    "briefings/2021-08-13/",
    "briefings/2021-08-12/",
    "timeline/",
    "timeline/2021-08/",
    "sources/",
    "sources/2021-08/",
    "briefings/",
    "archive/2021-08/",
    "places/",
    "places/kandahar-city/",
    "actors/",
    "actors/mitch-mcconnell/",
    "corrections/",
    "data/",
    "quotes/",
    "quotes/2021-08/",
    "tags/",
]


@pytest.fixture(scope="module")
def sample_origin(sample_site: Path) -> Iterator[str]:
    with serve(sample_site) as origin:
        yield origin


@pytest.mark.browser
@needs_chromium
def test_the_13_august_briefing_reads_right_in_a_browser(browser: Any, sample_origin: str, artifacts: Path) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/briefings/2021-08-13/")
        shot(page, artifacts, "sample-briefing-2021-08-13-desktop")
        text = page.inner_text(".md-content")

        saigon, embassy, un = (page.evaluate(QUOTE, anchor) or "" for anchor in KEY_QUOTES)
        assert "“hurtling toward an even worse sequel to the humiliating fall of Saigon in 1975”" in saigon
        assert "burning down our Embassy in Kabul.”" in embassy
        for quote in (saigon, embassy):
            assert "— Mitch McConnell, US Senate Republican leader" in quote, quote
        assert "“catastrophic impact on civilians”" in un and "— UN" in un, un

        herat = page.evaluate(SECTION, "event-herat-captured")
        assert "Herat" in herat and "claimed by Taliban" in herat and "unable to confirm" in herat, herat
        assert "Kandahar: captured by Taliban from Afghan government" in text
        assert "Kandahar airport: still held by Afghan government" in text
        assert "about 3,000 troops" in text and "about 600 troops" in text

        # Numbered source notes: every reference leads to its note, and following one gets there.
        references = page.locator("a.footnote-ref")
        notes = page.evaluate("Array.from(document.querySelectorAll('.footnote li')).map((li) => li.id)")
        assert notes == [f"fn:{n}" for n in range(1, len(notes) + 1)] and len(notes) >= 5, notes
        targets = page.evaluate("Array.from(document.querySelectorAll('a.footnote-ref')).map((a) => a.hash)")
        assert set(targets) == {f"#{note}" for note in notes}
        assert len(targets) > len(notes), "events, figures and quotes share their notes"
        references.first.click()
        page.wait_for_function("location.hash === '#fn:1'")
        page.wait_for_function(
            "(() => { const r = document.getElementById('fn:1').getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; })()"
        )
        note = page.inner_text('[id="fn:1"]')
        assert "Reuters" in note and "In the sources registry" in note, note
        shot(page, artifacts, "sample-briefing-2021-08-13-source-notes")
        page.locator('[id="fn:1"] a', has_text="In the sources registry").click()
        page.wait_for_url(re.compile(r"/sources/\d{4}-\d{2}/#source-"))
        anchor = page.evaluate("decodeURIComponent(location.hash.slice(1))")
        assert page.locator(f'[id="{anchor}"]').is_visible()
    assert watch.problems() == {}


@pytest.mark.browser
@needs_chromium
def test_each_key_quote_is_a_blockquote_of_its_own(browser: Any, sample_origin: str) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/briefings/2021-08-13/")
        shared = {anchor: page.evaluate(QUOTES_IN_BLOCK, anchor) for anchor in KEY_QUOTES}
    assert shared == dict.fromkeys(KEY_QUOTES, 1)


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("path", SAMPLE_PAGES)
def test_sample_pages_fit_a_phone_and_stay_local(browser: Any, sample_origin: str, artifacts: Path, path: str) -> None:
    with open_page(browser, sample_origin, PHONE) as (page, watch):
        visit(page, watch, f"{sample_origin}/{path}")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        shot(page, artifacts, f"sample-{slug(path)}-375px")
        found = page.evaluate(INSPECT)
    assert width[0] <= width[1], f"/{path} is {width[0]} px wide on a {width[1]} px screen"
    assert watch.problems() == {}  # no console error, no failed request, no Google fonts or other host
    assert_nothing_injected(found, sample_origin)


# --- static checks: no browser needed ----------------------------------------------------------

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "base", "svg", "img", "meta", "link", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class _Page(HTMLParser):
    """Every start tag with its decoded attributes, and the text inside inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.data_scripts: list[str] = []
        self._in_script = False
        self._data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        # JSON-LD is data that browsers never run; it is checked on its own below.
        self._data = self._in_script and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            (self.data_scripts if self._data else self.scripts).append(data)


def parse(markup: str) -> _Page:
    parser = _Page()
    parser.feed(markup)
    parser.close()
    return parser


def unsafe(markup: str) -> list[str]:
    """What in a piece of HTML could run code, load something or change the page."""
    found = []
    for needle in ("<script>alert", "<svg onload", "<img src=x", "<iframe", "root:x:0:0"):
        if needle in markup:
            found.append(f"raw {needle!r}")
    page = parse(markup)
    for tag, attrs in page.tags:
        for name, value in attrs:
            plain = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and re.match(r"(javascript|data|vbscript):", plain):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and "evil.example" in plain:
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "fixed" in plain:
                found.append(f"<{tag} style={value!r}>")
    # A call, not the word: the site's own address may hold the word, percent-encoded, as inert text.
    found += [f"script {text[:80]!r}" for text in page.scripts if re.search(r"alert\s*[(`]", text)]
    for text in page.data_scripts:
        try:
            json.loads(text)
        except ValueError:
            found.append(f"JSON-LD that does not parse: {text[:80]!r}")
        if "<" in text:
            found.append(f"markup inside JSON-LD: {text[:80]!r}")
    return found


def article_skeleton(markup: str) -> list[str]:
    """Tag and attribute names, in order, inside the page's article."""
    inner = markup.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    return [f"{tag}[{' '.join(sorted(name for name, _ in attrs))}]" for tag, attrs in parse(inner).tags]


@pytest.mark.slow
def test_no_built_page_holds_anything_the_data_could_run(hostile: Built, benign: Built) -> None:
    pages = sorted(hostile.site.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        assert unsafe(markup) == [], page
        plain = benign.site / page.relative_to(hostile.site)
        if '<article class="md-content__inner md-typeset">' in markup:
            assert article_skeleton(markup) == article_skeleton(plain.read_text(encoding="utf-8")), page
    # The theme's search renders its index as HTML: titles and text there must be inert too.
    index = json.loads((hostile.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    allowed = {"p", "ul", "ol", "li", "strong", "em", "sup", "span", "blockquote", "a", "code", "pre"}
    for doc in index["docs"]:
        for part in (doc["title"], doc["text"]):
            assert unsafe(part) == [], doc["location"]
            assert {tag for tag, _ in parse(part).tags} <= allowed - DANGEROUS_TAGS, (doc["location"], part[:200])
    # Nothing from outside the data is published: no snippet include, no file from the machine.
    for path in hostile.site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".txt"}:
            assert "root:x:0:0" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_static_scan_finds_what_it_looks_for() -> None:
    """The scan is only worth something if it catches the attacks when they are not escaped."""
    for attack in [*ATTACKS[:3], '<a href="javascript:alert(1)">x</a>', '<a href="&#106;avascript:x">j</a>']:
        assert unsafe(f"<p>{attack}</p>"), attack
    assert unsafe('<div style="position: fixed; inset: 0">x</div>')
    assert unsafe('<form action="https://evil.example"></form>')
    assert not unsafe("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>")
    assert not unsafe('<nav aria-label="&lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))"></nav>')


@pytest.mark.browser
@needs_chromium
def test_the_map_and_the_chart_are_drawn_with_no_network(browser: Any, sample_origin: str, artifacts: Path) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/briefings/2021-08-13/")
        for selector in ("svg.picture--map", "svg.picture--chart"):
            picture = page.locator(selector)
            box = picture.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100, (selector, box)
            picture.scroll_into_view_if_needed()
            picture.screenshot(path=str(artifacts / f"sample-{selector.split('--')[1]}.png"))
        kandahar = page.locator('circle[data-place="kandahar-city"]')
        assert kandahar.get_attribute("data-holder") == "taliban" and kandahar.is_visible()
    assert watch.problems() == {}


@pytest.mark.browser
@needs_chromium
def test_the_dark_mode_toggle_switches_the_scheme(browser: Any, sample_origin: str) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/briefings/2021-08-13/")
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        before = page.evaluate(scheme)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function(f"{scheme} !== {before!r}")
        after = page.evaluate(scheme)
        assert (before, after) == ("default", "slate")
        red, green, blue = map(
            int, re.findall(r"\d+", page.evaluate("getComputedStyle(document.body).backgroundColor"))[:3]
        )
        assert red + green + blue < 200, "the page turned dark"
        text = page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color")
        assert sum(map(int, re.findall(r"\d+", text)[:3])) > 400, "and its text light"
    assert watch.problems() == {}


@pytest.mark.browser
@needs_chromium
def test_a_briefing_prints_without_the_navigation(browser: Any, sample_origin: str, artifacts: Path) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/briefings/2021-08-13/")
        page.emulate_media(media="print")
        for selector in (".md-header", ".md-sidebar--primary", ".md-footer"):
            assert not page.locator(selector).first.is_visible(), selector
        assert page.locator("h1").is_visible() and page.locator("svg.picture--map").is_visible()
        page.pdf(path=str(artifacts / "sample-briefing-2021-08-13.pdf"))
    assert watch.problems() == {}


@pytest.mark.browser
@needs_chromium
def test_search_finds_an_event_by_a_word_of_its_summary(browser: Any, sample_origin: str) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/")
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially("helicopter", delay=30)
        results = page.locator(".md-search-result__item")
        results.first.wait_for()
        assert "Lashkar Gah" in page.inner_text(".md-search-result")
    assert watch.problems() == {}


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Theme issues we cannot fix from the content; each entry says why it is allowed.
AXE_ALLOWED = {
    # Material's search overlay is a role="dialog" without a name; the theme owns that markup.
    "aria-dialog-name",
}


@pytest.mark.browser
@needs_chromium
@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: run `npm ci` (make test does)")
@pytest.mark.parametrize("path", ["", "briefings/2021-08-13/", "places/kandahar-city/", "places/", "timeline/2021-08/"])
def test_no_serious_accessibility_violation(browser: Any, sample_origin: str, path: str) -> None:
    with open_page(browser, sample_origin) as (page, watch):
        visit(page, watch, f"{sample_origin}/{path}")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']}: {v['help']} at {node['target']}"
        for v in results
        if v["impact"] in ("serious", "critical") and v["id"] not in AXE_ALLOWED
        for node in v["nodes"]
    ]
    assert serious == [], serious
