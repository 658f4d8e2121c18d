"""`builder.sitebuild.search` indexes pages exactly as Material's search plugin does.

Material's own `Parser` is the reference: every case runs through both and must give the same
sections (tag, attributes, depth, id, title and text pieces) and the same index entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser, SearchIndex  # type: ignore[import-untyped]
from mkdocs.structure.toc import get_toc

from builder.sitebuild.search import Index, Sections

CONFIG: dict[str, Any] = {
    "lang": ["en"],
    "separator": r"[\s\-]+",
    "pipeline": ["stemmer"],
    "fields": {"title": {"boost": 1e3}, "text": {"boost": 1e0}, "tags": {"boost": 1e6}},
}


@dataclass
class Page:
    """The fields of an MkDocs page that the search index reads."""

    content: str
    toc: Any = field(default_factory=lambda: get_toc([]))
    url: str = "page/"
    title: str = "Page title"
    meta: dict[str, Any] = field(default_factory=dict)


Shape = list[tuple[Any, ...]] | tuple[str, str]


def shape(sections: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded()) for s in sections]


def material_sections(html: str) -> Shape:
    """Material's sections, or the exception it raises (the fast parser must raise it too)."""
    try:
        parser = Parser()
        parser.feed(html)
        parser.close()
        return shape(parser.data)
    except Exception as error:
        return ("raises", type(error).__name__)


def fast_sections(html: str) -> Shape:
    try:
        return shape(Sections(html).data)
    except Exception as error:
        return ("raises", type(error).__name__)


def entries(index_type: type[Any], *pages: Page) -> tuple[list[dict[str, Any]], str]:
    index = index_type(**CONFIG)
    for page in pages:
        index.add_entry_from_context(page)
    return index.entries, index.generate_search_index(None)


HEADERLINK = '<a class="headerlink" href="#{0}" title="Permanent link">&para;</a>'
LINENOS = (
    '<table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre><span></span>1\n2</pre>'
    '</div></td><td class="code"><div class="highlight"><pre><span></span><code>x = 1\ny = 2\n</code></pre>'
    "</div></td></tr></table>"
)
SVG_MAP = (
    '<figure><svg class="picture picture--map" viewBox="0 0 1000 874" role="img" aria-labelledby="t">'
    '<title id="t">Control as of 13 August</title><desc>10 places; each marker&#39;s tooltip names it</desc>'
    "<style>.label{paint-order:stroke} a > b {x:1}</style>"
    '<g class="countries"><path d="M1006 261l-17 10-13-33z" fill-opacity="0.06"><title>Siachen</title></path>'
    '<clipPath id="c"><rect width="10" height="10"/></clipPath>'
    '<circle cx="1" cy="2" r="3"/><text x="5" y="6" class="label">Kabul</text>'
    '<text x="7" y="8"><tspan>Herat</tspan> &amp; <tspan>Kandahar</tspan></text></g></svg>'
    "<figcaption>Map</figcaption></figure>"
)

# Every case is a page body; the name says what it exercises.
CASES: dict[str, str] = {
    "plain page": f'<h1 id="t">Title{HEADERLINK.format("t")}</h1>\n<p>Hello <em>world</em>.</p>\n'
    f'<h2 id="a">A <code>b</code>{HEADERLINK.format("a")}</h2>\n<p>Text</p>\n',
    "preface before the first heading": '<p>Intro</p>\n<h2 id="a">A</h2>\n<p>x</p>',
    "text before any tag": 'loose text\n<h1 id="t">T</h1>',
    "first heading is h2": '<h2 id="a">A</h2><p>x</p><h3 id="b">B</h3><p>y</p>',
    "first heading is h1 (no id kept)": '<h1 id="t">T</h1><p>x</p>',
    "heading without id": '<h1 id="t">T</h1><h2>No id</h2><p>x</p><h2 id="">Empty id</h2><h3 id>Bare id</h3>',
    "heading nested in a div": '<h1 id="t">T</h1><div><h2 id="a">A</h2><p>in</p></div><p>after</p>',
    "heading nested deeper": '<h1 id="t">T</h1><ul><li>one<div><h3 id="b">B</h3>x</div>y</li></ul>z<h2 id="c">C</h2>w',
    "heading inside a list item": '<p>a</p><ul><li><h2 id="x">X</h2>in</li><li>two</li></ul><p>out</p>',
    "heading inside a kept paragraph": '<p>a<h2 id="x">X</h2>b</p>c',
    "same heading tag open twice": '<h2 id="a">A<h2 id="b">B</h2>text</h2>after',
    "entities": "<p>&amp; &lt;b&gt; &nbsp; &#39; &copy &copy; &notanentity; a & b &#x41; &#1; &#0; &amp</p>",
    "entity alone between tags": "<p>a</p>&nbsp;<p>b</p>&#1;\n<p>c</p>",
    "stray less-than": "<p>1 < 2 and 3 > 2</p>\n<\n<p>x <3 y</p><p>a<</p>",
    "whitespace between blocks": "<p>a</p>\n\n<p>b</p>  \n\t<p>c</p><p> </p>\n \n",
    "empty kept elements": "<p>x</p><p>  </p><code></code><ul>\n<li>\n</li>\n</ul><p><code> </code></p><sub></sub>",
    "preformatted": "<pre><code>line 1\n\n  line 2\n</code></pre>\n<pre>  \n  </pre><p>a\nb</p>",
    "spaces split by other tags in pre": "<pre>a<span>\n</span>\n<!-- c -->  </pre><p>b<span> </span> </p>",
    "headerlink text left out of titles": f'<h2 id="a">Title{HEADERLINK.format("a")} tail</h2><p>t</p>',
    "headerlink outside a heading": f"<p>x{HEADERLINK.format('x')}</p>",
    "excluded heading": '<h1 id="t">T</h1><h2 id="a" data-search-exclude>A</h2><p>hidden</p><h2 id="b">B</h2><p>v</p>',
    "excluded block": "<p>a</p><div data-search-exclude><p>hidden</p></div><p>b</p>",
    "excluded block with a nested div (Material's quirk)": "<div data-search-exclude><div>x</div>leaks</div>tail",
    "excluded attribute in capitals": '<div DATA-SEARCH-EXCLUDE="">no</div><p>yes</p>',
    "excluded void element": '<p>a<img src="x" data-search-exclude>b<br data-search-exclude/>c</p>',
    "excluded self-closing element": "<p>a<span data-search-exclude/>b</p>",
    "excluded twice": "<div data-search-exclude><p>x</p></div><div data-search-exclude>y</div>z",
    "line numbers": f'<h1 id="t">T</h1>{LINENOS}<p>after</p>',
    "linenodiv spelled with an entity": '<div class="&#108;inenodiv">1</div><div class=&#108;inenodiv>2</div>x',
    "script and style": '<p>a</p><script>if (a < b && c > d) { x = "</p>" }</script><style>p > a {}</style><p>b</p>',
    "script in capitals, spaced end tag": "<SCRIPT>x<p>y</p></script >z<Style>s</STYLE>w",
    "script closed on itself": "<p>a<script/>b</p>",
    "unclosed script drops the rest": "<p>a</p><script>var x = 1; <p>lost</p>",
    "object": "<object><p>x</p><param name=a></object><p>y</p>",
    "excluded script": "<script data-search-exclude>x</script><p>y</p>",
    "comments": "<p>a<!-- x -->b<!-- <p>no</p> -->c<!---->d<!-- e -- >f<!-->g--></p>",
    "unclosed comment": "<p>a</p><!-- never closed <p>b</p>",
    "declarations": "<!DOCTYPE html><?xml version='1.0'?><![CDATA[x]]><!x>y<!>z",
    "attribute syntax": '<p class=x id=\'y\' title="a>b" hidden data-a=b/>t</p><P CLASS="Q">u</P>',
    "attributes HTMLParser reads on its own": '<p a==b>x</p><p a="1"b="2">y</p><p a= =b>z</p><a href="#q"/>w'
    '<h2 id==a>A</h2><h2 id="b"class="c">B</h2><h2 id=c x= =y>C</h2><h2 id=d/ x>D</h2><h2 id=e x=\'1\'y>E</h2>',
    "duplicate class": '<h2 id="a">A<a class="headerlink" class="x">&para;</a></h2>'
    '<h2 id="b">B<a class="x" class="headerlink">L</a></h2>',
    "odd characters in tags": "<p\vclass=x>a</p\v><p\xa0b>c</p><a\x00>d</a>",
    "uppercase and mismatched tags": "<H2 ID=X>T</H2><p><em>x</p></em>y</div><li>z",
    "void elements": '<p>a<br>b<img src="x" alt="y">c<hr/>d<input value="v">e<wbr>f</p>',
    "self-closing elements": "<div/>a<p/>b<span/>c",
    "end tags with space and junk": "<p>a</p >b</p x>c</ p>d</>e",
    "a tag named hx": "<p>a</p><hx>inside</hx><p>b</p>",
    "inline svg map": f'<h1 id="t">Briefing</h1><h2 id="map">Map</h2>{SVG_MAP}<p>after the map</p>',
    # Later Python patch releases (3.11.13 on) read these differently: then Material's parser does
    # too, and these cases fail until search.py follows.
    "markup in an svg title": "<svg><title>a <b>bold</b></title></svg><p>x</p>",
    "comment ended by --!>": "<p>a<!-- b --!>c</p>d-->e",
    "textarea": "<textarea><p>x</p></textarea>y",
    "cut markup at the end": "<p>a</p><p b=",
    "cut end tag at the end": "<p>a</",
    "cut comment at the end": "<p>a</p><!--",
    "less-than at the very end": "<p>a</p><",
    "entity cut at the end": "<p>a</p>text &am",
    "empty page": "",
    "spaces only": " \n ",
    "opening tag missing for a kept end tag (Material raises)": "<div data-search-exclude><p><div></div></p></div>",
}


@pytest.mark.parametrize("html", CASES.values(), ids=CASES.keys())
def test_sections_are_materials(html: str) -> None:
    assert fast_sections(html) == material_sections(html)


@pytest.mark.parametrize("html", CASES.values(), ids=CASES.keys())
def test_entries_are_materials(html: str) -> None:
    toc = get_toc(
        [
            {"level": 1, "id": "t", "name": "T", "children": [{"level": 2, "id": "a", "name": "A", "children": []}]},
            {"level": 2, "id": "map", "name": "Map", "children": []},
        ]
    )
    pages = (Page(html, toc), Page(html, url="other/", meta={"title": "From front matter"}))
    try:
        expected = entries(SearchIndex, *pages)
    except ValueError:
        with pytest.raises(ValueError):
            entries(Index, *pages)
        return
    assert entries(Index, *pages) == expected


def test_entries_of_a_plain_page() -> None:
    """Not only the same as Material's: what Material gives, pinned."""
    found, _ = entries(Index, Page(CASES["plain page"], url="p/"))
    assert found == [
        {"location": "p/", "title": "Title", "text": "<p>Hello world.</p>"},
        {"location": "p/#a", "title": "A <code>b</code>", "text": "<p>Text</p>"},
    ]


def test_cases_cover_what_they_name() -> None:
    """The cases are not vacuous: each special path shows in what they give."""

    def words(name: str) -> str:
        found = fast_sections(CASES[name])
        assert isinstance(found, list), name
        return "|".join("".join(section[4]) + "/" + "".join(section[5]) for section in found)

    excluded = fast_sections(CASES["excluded heading"])
    assert [section[-1] for section in excluded] == [False, True, False]
    assert words("excluded block") == "/<p>a</p><p>b</p>"
    assert words("excluded block with a nested div (Material's quirk)") == "/leakstail"
    assert fast_sections(CASES["heading nested in a div"])[-1][2] == float("inf")
    assert words("heading nested in a div") == "T/<p>after</p>|A/<p>in</p>"
    assert "line 1\n\n  line 2\n" in words("preformatted")
    assert words("headerlink text left out of titles") == "/|Title tail/<p>t</p>"
    assert words("line numbers") == "T/<pre><code>x = 1\ny = 2\n</code></pre><p>after</p>"
    assert "KabulHerat &amp; Kandahar" in words("inline svg map") and "paint-order" not in words("inline svg map")
    assert words("script and style") == "/<p>a</p><p>b</p>"
    assert fast_sections(CASES["opening tag missing for a kept end tag (Material raises)"]) == ("raises", "ValueError")


def test_meta_search_fields_and_tags_are_materials() -> None:
    pages = (
        Page(CASES["plain page"], meta={"search": {"exclude": True}}),
        Page(CASES["plain page"], url="b/", meta={"search": {"boost": 2}, "tags": ["kabul", 1, None, ["x"]]}),
        Page(CASES["first heading is h2"], url="c/", meta={"search": None, "tags": "not a list"}),
    )
    found = entries(Index, *pages)
    assert found == entries(SearchIndex, *pages)
    assert [entry["location"] for entry in found[0]] == ["b/", "b/#a", "c/", "c/#a", "c/#b"]
    assert found[0][0]["boost"] == 2 and found[0][0]["tags"] == ["kabul", "1"]


def test_the_index_replaces_materials_after_its_configuration() -> None:
    """What `on_config` does (`SearchIndex(**self.config)`) works with `Index` and gives the same index."""
    index = Index(**CONFIG)
    assert isinstance(index, SearchIndex)
    index.add_entry_from_context(Page(CASES["plain page"]))
    data = json.loads(index.generate_search_index(None))
    assert data["config"]["lang"] == ["en"] and len(data["docs"]) == 2


def test_material_is_the_version_the_parser_was_checked_against() -> None:
    assert version("mkdocs-material") == "9.8.1", (
        "mkdocs-material changed: builder/sitebuild/search.py copies the state machine of "
        "material.plugins.search.plugin.Parser and SearchIndex.add_entry_from_context. Compare them with "
        "the new release, run this file, then change this pin."
    )


# Generated pages: nested elements that matter to the parser, with the text and attributes that do.
TAGS = ["div", "p", "li", "ul", "pre", "code", "span", "a", "em", "sup", "svg", "text", "script", "object", "td"]
ATTRIBUTES = ["", "", "", "data-search-exclude", 'class="linenodiv"', 'class="headerlink"', 'class="x" id="y"']
TEXTS = ["x", "Two words", " ", "\n", "\n  \n", "a\nb", "&amp;", "&lt;i&gt;", "&nbsp;", "&#1;", "1 < 2", "é"]
ODD = ["<!-- c -->", "<br>", "<img src=x>", "</div>", "</p>", "<p/>", "<", "<!--", "<p a=", "<p a==b>", "</ x>"]


def element(children: list[str], tag: str, attrs: str, closed: bool) -> str:
    return f"<{tag} {attrs}>{''.join(children)}" + (f"</{tag}>" if closed else "")


def heading(level: int, key: str, attrs: str, inner: str) -> str:
    return f'<h{level} id="{key}" {attrs}>{inner}</h{level}>'


leaves = st.one_of(
    st.sampled_from(TEXTS),
    st.sampled_from(ODD),
    st.builds(
        heading,
        st.integers(1, 4),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["", "", "data-search-exclude"]),
        st.sampled_from(["T", "T <code>c</code>", "T" + HEADERLINK.format("a"), " ", ""]),
    ),
)
pages = st.recursive(
    leaves,
    lambda inner: st.builds(
        element,
        st.lists(inner, max_size=4),
        st.sampled_from(TAGS),
        st.sampled_from(ATTRIBUTES),
        st.booleans(),
    ),
    max_leaves=25,
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pages, min_size=1, max_size=5).map("".join))
def test_generated_pages_give_materials_sections(html: str) -> None:
    assert fast_sections(html) == material_sections(html)


ARTICLE = re.compile(r"<article[^>]*>(.*)</article>", re.S)


@pytest.fixture(scope="module")
def articles(sample_site: Path) -> dict[str, str]:
    """The content of every page of the sample site, as the search plugin saw it (less `data-search-*`)."""
    found = {}
    for page in sorted(sample_site.rglob("*.html")):
        match = ARTICLE.search(page.read_text(encoding="utf-8"))
        if match:
            found[page.relative_to(sample_site).as_posix()] = match[1]
    return found


@pytest.mark.slow
def test_sample_site_pages_give_materials_sections(articles: dict[str, str]) -> None:
    assert len(articles) >= 30 and any("<svg" in html for html in articles.values())
    for name, html in articles.items():
        expected = material_sections(html)
        assert expected and expected[0] != "raises", name
        assert fast_sections(html) == expected, name
