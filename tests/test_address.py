"""The site knows its own address: `url` in site.yaml becomes MkDocs' `site_url`.

From it come the sitemap, a canonical link on every page, the Open Graph and Twitter card tags, the
feed's absolute links, and a 404 page that is styled when the site is served under a project path,
as GitHub Pages serves it (https://user.github.io/briefings/). The 404 test drives Debian's chromium
and skips with a reason where it is absent.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from builder import cli
from builder.escape import site_address as mkdocs_address
from builder.publish import publish, site_address
from builder.validate import validate

from .browsing import serve
from .conftest import SAMPLE, build_site, edit, write_tree

PROJECT_PATH = "https://user.github.io/briefings/"
CARD = ["og:type", "og:site_name", "og:title", "og:description", "twitter:card", "twitter:title", "twitter:description"]


def published(data: Path, workdir: Path) -> Path:
    """The site as `briefings site` (and so `make site`) builds it: the project laid out as the tests'
    `build_site` lays it out, then published with the data's address."""
    site = build_site(data, workdir)
    project = workdir / "project"
    command = ["site", "--data", str(data), "--docs", str(project / "docs"), "--config", str(project / "mkdocs.yml")]
    assert cli.main(command) == 0
    return site


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published(SAMPLE, tmp_path_factory.mktemp("address"))


class Head(HTMLParser):
    """The `<link>` and `<meta>` tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.meta: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "rel" in values:
            self.links.setdefault(values["rel"], []).append(values.get("href", ""))
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))


def head(page: Path) -> Head:
    parser = Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def pages(site: Path) -> dict[str, Path]:
    """Every page of a built site by its address relative to the site, the 404 page aside."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html" and page.parent == site:
            continue
        relative = page.relative_to(site).as_posix()
        found[relative.removesuffix("index.html")] = page
    return found


# --- the address from site.yaml ------------------------------------------------------------------


def test_site_address_is_read_from_site_yaml(tmp_path: Path) -> None:
    assert site_address(SAMPLE) == "https://briefings.example.org/"
    assert site_address(write_tree(tmp_path / "none", {"site.yaml": "title: Desk\n"})) is None
    assert site_address(tmp_path / "missing") is None
    # A site.yaml with problems names no address; `briefings check` reports them.
    assert site_address(write_tree(tmp_path / "bad", {"site.yaml": "url: javascript:alert(1)\n"})) is None


def test_the_address_mkdocs_gets_is_a_folder_with_nothing_that_could_end_an_attribute() -> None:
    assert mkdocs_address("https://user.github.io/briefings") == "https://user.github.io/briefings/"
    assert mkdocs_address("HTTPS://example.org") == "https://example.org/"
    assert mkdocs_address("https://example.org/desk/?from=feed#top") == "https://example.org/desk/"
    hostile = mkdocs_address("https://example.org/a'onmouseover=alert(1)//x/&amp;<b>\"y")
    assert not set("'\"<>& ?#()=:;") & set(hostile.removeprefix("https:")), hostile
    assert hostile.startswith("https://example.org/a%27onmouseover%3Dalert%281%29//x/%26amp%3B")


MINIMAL = """
site_name: Test
docs_dir: docs
site_dir: site
theme: mkdocs
"""


def test_publish_makes_the_address_mkdocs_site_url_unless_mkdocs_yml_names_one(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"mkdocs.yml": MINIMAL, "docs/index.md": "# Home\n"})
    site = publish(project / "mkdocs.yml", "https://example.org/desk").site
    assert "<loc>https://example.org/desk/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    write_tree(project, {"mkdocs.yml": MINIMAL + "site_url: https://docs.example.net/\n"})
    site = publish(project / "mkdocs.yml", "https://example.org/desk").site
    assert "<loc>https://docs.example.net/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    write_tree(project, {"mkdocs.yml": MINIMAL})
    site = publish(project / "mkdocs.yml").site
    assert "<loc>" not in (site / "sitemap.xml").read_text(encoding="utf-8")


# --- every page -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_has_a_canonical_link_and_open_graph_and_twitter_card_tags(sample: Path) -> None:
    built = pages(sample)
    assert len(built) > 30 and "" in built and "briefings/2021-08-13/" in built
    wrong = {}
    for path, page in built.items():
        tags = head(page)
        found = {name: tags.meta.get(name, []) for name in CARD}
        problems = [name for name, values in found.items() if len(values) != 1 or not values[0].strip()]
        if tags.links.get("canonical") != [f"https://briefings.example.org/{path}"]:
            problems.append(f"canonical {tags.links.get('canonical')}")
        if tags.meta.get("og:url") != tags.links.get("canonical"):
            problems.append(f"og:url {tags.meta.get('og:url')}")
        if problems:
            wrong[path] = problems
    assert wrong == {}


@pytest.mark.slow
def test_a_briefings_card_is_its_own_and_other_pages_have_the_sites(sample: Path) -> None:
    repository = validate(SAMPLE)
    briefing = head(sample / "briefings/2021-08-13/index.html").meta
    assert briefing["og:type"] == ["article"]
    assert briefing["og:title"] == briefing["twitter:title"] == [repository.briefings["2021-08-13"].title]
    assert briefing["og:description"][0].startswith("Kandahar, the second city, fell overnight")
    assert briefing["article:published_time"] == ["2021-08-13T19:00:00+04:30"]
    home = head(sample / "index.html").meta
    assert home["og:type"] == ["website"] and home["og:site_name"] == ["Afghanistan situation briefings"]
    timeline = head(sample / "timeline/index.html").meta
    assert timeline["og:title"] == ["Timeline"]
    missing = head(sample / "404.html")
    assert missing.meta["og:title"] == ["Afghanistan situation briefings"] and "canonical" not in missing.links


@pytest.mark.slow
def test_sitemap_lists_every_page_and_nothing_else(sample: Path) -> None:
    sitemap = (sample / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(listed) == len(set(listed))
    assert set(listed) == {f"https://briefings.example.org/{path}" for path in pages(sample)}
    # The day of the build is no page's date of change: a published briefing never changes.
    assert "<lastmod>" not in sitemap


@pytest.mark.slow
def test_the_feed_and_each_of_its_entries_have_an_author(sample: Path) -> None:
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((sample / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.author == "Afghanistan situation briefings"
    assert len(feed.entries) == len(validate(SAMPLE).briefings)
    for entry in feed.entries:
        assert entry.author == "Afghanistan situation briefings"
        assert entry.link.startswith("https://briefings.example.org/briefings/")


# --- the 404 page under a project path -------------------------------------------------------------


class _Pages(http.server.SimpleHTTPRequestHandler):
    """Serves a site under `prefix`, and its 404.html with status 404 for anything missing, as GitHub Pages does."""

    prefix = "/"
    site = Path()

    def translate_path(self, path: str) -> str:
        inside = path.split("?", 1)[0].split("#", 1)[0]
        if not inside.startswith(self.prefix):
            return str(self.site / "missing" / "nothing-here")
        return super().translate_path("/" + inside[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (self.site / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(site: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `site` under `prefix` on 127.0.0.1, GitHub Pages' way; yields the address of the site's root."""
    with serve(site, type("Handler", (_Pages,), {"prefix": prefix, "site": site})) as origin:
        yield origin + prefix


@pytest.fixture(scope="module")
def under_a_project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, published at https://user.github.io/briefings/."""
    folder = tmp_path_factory.mktemp("project-path")
    data = folder / "data"
    shutil.copytree(SAMPLE, data)
    edit(data / "site.yaml", "url: https://briefings.example.org/", f"url: {PROJECT_PATH}")
    return published(data, folder / "work")


# Run in the 404 page: what a reader would see of its styles, and the address of its link home.
STYLED = """
() => ({
  header: getComputedStyle(document.querySelector(".md-header")).position,
  body: getComputedStyle(document.body).display,
  home: document.querySelector("a.md-header__button.md-logo")?.href ?? null,
})
"""


def missing_page(browser: Any, root: str) -> tuple[int, dict[str, Any], list[str]]:
    """Open a page that does not exist under `root`: its status, its styles and the requests that failed."""
    context = browser.new_context(service_workers="block")
    failed: list[str] = []
    origin = root[: root.index("/", len("http://"))]
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort())
    context.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        page = context.new_page()
        response = page.goto(f"{root}no/such/page/", wait_until="load")
        assert response is not None
        return response.status, page.evaluate(STYLED), failed
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_404_page_is_styled_under_a_project_path(browser: Any, under_a_project_path: Path) -> None:
    site = under_a_project_path
    assert 'href="/briefings/assets/stylesheets/' in (site / "404.html").read_text(encoding="utf-8")
    with served(site, "/briefings/") as root:
        status, styles, failed = missing_page(browser, root)
        assert status == 404
        assert styles["header"] == "sticky" and styles["body"] == "flex", styles
        assert styles["home"] == root
        assert failed == [f"{root}no/such/page/"]
    # The same site served under another path than its address's: the check sees an unstyled page.
    with served(site, "/elsewhere/") as root:
        status, styles, _ = missing_page(browser, root)
        assert status == 404 and styles["header"] != "sticky", styles
