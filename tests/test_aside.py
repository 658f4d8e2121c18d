"""Long lines of plain markup set aside from Markdown's HTML passes (builder/sitebuild/aside.py).

A page converted with lines set aside must be the page MkDocs converts: the same HTML, anchors,
table of contents and title, wherever the line stands (a raw HTML block, a paragraph, code, a
Markdown block, after an open comment, quote or script). Where that cannot be shown the page is
converted the usual way, and these tests check both that this happens and that the fast way is the
one taken for a briefing's map.
"""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest
from markdown import core
from markdown.extensions import md_in_html
from mkdocs.config import load_config
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from builder.sitebuild import aside

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "footnotes"]


def svg(rng: random.Random, marks: int = 40) -> str:
    """One line of SVG like a briefing's map: a title, a style sheet, groups, markers, labels and ids."""
    parts = [
        '<svg class="picture picture--map" viewBox="0 0 100 100" role="img" aria-labelledby="t" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="t">Control of the places as of 9 March&#160;2022, a map&#39;s title</title>',
        '<desc id="d">Markers: solid is confirmed &amp; ringed is reported</desc>',
        "<style>.m>*{transform:scale(1.8)}.l{stroke:var(--md-default-bg-color,#fff)}"
        "@media screen and (max-width: 44em){.w{display:none}}</style>",
    ]
    for number in range(marks):
        x, y = rng.randint(0, 100), rng.randint(0, 100)
        ident = f' id="place-{number}"' if rng.random() < 0.3 else ""
        parts.append(
            f'<g class="marker"{ident}><title>Place {number}: held by *them* [confirmed]</title>'
            f'<circle cx="{x}" cy="{y}" r="3"/><text x="{x}" y="{y}"><tspan>Place_{number}</tspan></text></g>'
        )
    parts.append("</svg>")
    line = "".join(parts)
    assert len(line) >= aside.LONG
    return line


def figure(line: str) -> str:
    return f'<figure class="picture-frame">\n{line}\n<figcaption>The places, by who holds them.</figcaption>\n</figure>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Files]:
    folder = tmp_path_factory.mktemp("aside")
    (folder / "docs").mkdir()
    (folder / "docs" / "other.md").write_text("# Other\n", encoding="utf-8")
    config_file = folder / "mkdocs.yml"
    config_file.write_text(
        "site_name: Test\nmarkdown_extensions:\n" + "".join(f"  - {name}\n" for name in EXTENSIONS), encoding="utf-8"
    )
    config = load_config(str(config_file))
    files = Files([File("page.md", str(folder / "docs"), str(folder / "site"), False)])
    return config, files


def convert(site: tuple[object, Files], text: str, fast: bool) -> tuple[tuple[object, ...], int]:
    """The page's HTML, anchors, table of contents and title; and how many lines were set aside."""
    config, files = site
    page = Page("Page", files.get_file_from_path("page.md"), config)  # type: ignore[arg-type]
    page.markdown = text
    if fast:
        put_back = aside.render(page, config, files)
    else:
        page.render(config, files)  # type: ignore[arg-type]
        put_back = 0
    return (page.content, page.present_anchor_ids, _toc(page.toc.items), page._title_from_render), put_back


def _toc(items: list[AnchorLink]) -> list[tuple[object, ...]]:
    return [(item.title, item.id, item.level, _toc(item.children)) for item in items]


def same(site: tuple[object, Files], text: str) -> int:
    """Assert that `text` converts the same both ways; the number of lines set aside."""
    fast, put_back = convert(site, text, fast=True)
    plain, _ = convert(site, text, fast=False)
    assert fast == plain, text[:300]
    return put_back


def test_a_briefings_map_is_set_aside_and_converts_the_same(site: tuple[object, Files]) -> None:
    line = svg(random.Random(1))
    text = f"# A briefing\n\n<!-- later:end -->\n\n## Map\n\n{figure(line)}\n\n## Timeline\n\n- An [event](#t).\n"
    assert same(site, text) == 1
    fast, _ = convert(site, text, fast=True)
    # The map's ids are anchors a link may point to.
    assert {"t", "d", "place-0"} & fast[1] == {"t", "d"} | ({"place-0"} if 'id="place-0"' in line else set())  # type: ignore[operator]
    assert line in fast[0]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("before", "after", "set_aside"),
    [
        ("<figure>", "</figure>", 1),
        ("<div>\n<figure>", "</figure>\n</div>", 1),
        ("<div>a</div><figure\n>", "</figure>", 1),
        # None: set aside or not, as long as the page is the same.
        ("<div>a</div><figure>", "</figure>", None),
        # md_in_html looks ahead from a comment to the end of its paragraph, the line included.
        ("<figure>\n<!-- a comment -->", "</figure>", 0),
        ("<span>text\n<!-- a comment -->\n<figure>", "</figure>", 0),
        # Not raw HTML: Markdown reads the line as a paragraph, or code, or Markdown inside HTML.
        ("", "", 0),
        ("Some text", "", 0),
        ("```", "```", 0),
        ('<div markdown="1">', "</div>", 0),
        ('<div markdown="1">\n<figure>', "</figure>\n</div>", 0),
        # The parsers are not reading tags where the line begins.
        ("<!-- an open comment\n<figure>", "</figure>", 0),
        ("<figure>\n<script>", "</script>\n</figure>", 0),
        ("<figure>\n<a title='an open quote", "</figure>", None),
        ('<figure>\n<a title="an open quote', "</figure>", None),
        ("<figure><?pi", "</figure>", 0),
        # Markup left unread until the end, which md_in_html then reads at shifted positions.
        ("<figure>\n<![CDATA[", "</figure>", 0),
    ],
)
def test_wherever_the_line_stands_the_page_converts_the_same(
    site: tuple[object, Files], before: str, after: str, set_aside: int | None
) -> None:
    line = svg(random.Random(2))
    text = f"# Title\n\n{before}\n{line}\n{after}\n\nA paragraph after.\n"
    put_back = same(site, text)
    if set_aside is not None:
        assert put_back == set_aside


def test_lines_that_are_not_one_plain_element_are_left_to_the_parsers() -> None:
    md = markdown.Markdown(extensions=["md_in_html"])
    good = svg(random.Random(3))
    assert aside.element(good, md) is not None
    inner = good[good.index(">") + 1 : -len("</svg>")]
    refused = {
        "two elements": good + good,
        "text after": good + " and text",
        "unclosed": good[: -len("</svg>")],
        "badly nested": good.replace("</tspan></text>", "</text></tspan>", 1),
        "a script": good.replace("<style>", "<script>").replace("</style>", "</script>"),
        "markup in a title": good.replace('<title id="t">', '<title id="t"><tspan>x</tspan>', 1),
        "a block-level element": "<div>" + inner + "</div>",
        "a quote the start tag lacks": good.replace("Place 1:", "Place's 1:", 1),
        "a comment's end": good.replace(".m>*", ".m-->*", 1),
        "a marked section's end": good.replace(".m>*", ".m]>*", 1),
        "a bare ampersand": good.replace("&amp;", "&", 1),
        "an unquoted attribute": good.replace('r="3"', "r=3", 1),
        "a comment": good.replace("<g ", "<!-- c --><g ", 1),
        "a line break": good.replace("<g ", "<g\n", 1),
    }
    for reason, line in refused.items():
        assert aside.element(line, md) is None, reason


@pytest.mark.parametrize(
    "line",
    [
        '<svg id="a&amp;b" class="x"><a name="old" ID="upper"><text name="not-an-anchor">x</text></a></svg>',
        # Look-alikes in text, in a style sheet and in another attribute's value.
        '<svg class="x"><title> id="in-text"</title><style>a{b: id="in-style"}.c>d{}</style>'
        '<g data-x="a id=" Id="last"><a Name="n" id="i"/></g></svg>',
    ],
)
def test_the_anchors_are_read_as_mkdocs_reads_them(line: str) -> None:
    found = aside.element(line, markdown.Markdown())
    assert found is not None
    mkdocs_own = pages._HTMLHandler()
    mkdocs_own.feed(line)
    assert set(found[3]) == mkdocs_own.present_anchor_ids
    assert len(found[3]) >= 2


@pytest.mark.parametrize("seed", range(6))
def test_generated_pages_convert_the_same(site: tuple[object, Files], seed: int) -> None:
    rng = random.Random(seed)
    snippets = [
        "", "text", "<figure>", "</figure>", "<div>", "</div>", '<div markdown="1">', "<!--", "-->", "<!-- c -->",
        "<span>", "</span>", "<p>", "```", "> quoted", "- item", "    code", "<script>", "</script>", "<title>",
        "</title>", "<a title='", "'>", '<a title="', '">', "<?x", "?>", "<![CDATA[", "]]>", "[^1]", "[^1]: A note.",
        "*emphasis*", "<hr>", "<br>", "&amp;", "<svg>", "</svg>", "| a | b |", "|---|---|",
    ]  # fmt: skip
    lines = [svg(rng, marks=rng.randint(20, 40)) for _ in range(3)]
    set_aside = 0
    for _ in range(60):
        parts: list[str] = []
        for _ in range(rng.randint(2, 12)):
            if rng.random() < 0.25:
                parts.append(rng.choice(lines))
            elif rng.random() < 0.3:
                parts.append(figure(rng.choice(lines)))
            else:
                parts.append(rng.choice(snippets))
        text = rng.choice(["\n", "\n\n"]).join(parts)
        set_aside += same(site, text)
    # The fast way was taken often enough for the comparison to mean something.
    assert set_aside > 5


def test_python_markdown_is_put_back_after_the_block() -> None:
    build, extractor, in_html = (
        core.build_preprocessors,
        markdown.preprocessors.HTMLExtractor,
        md_in_html.HTMLExtractorExtra,
    )
    with pytest.raises(RuntimeError), aside.handed():
        assert core.build_preprocessors is not build
        raise RuntimeError
    assert core.build_preprocessors is build
    assert markdown.preprocessors.HTMLExtractor is extractor
    assert md_in_html.HTMLExtractorExtra is in_html


def test_without_the_passes_it_knows_nothing_is_set_aside(site: tuple[object, Files], tmp_path: Path) -> None:
    class Between(markdown.preprocessors.Preprocessor):  # type: ignore[misc]
        def run(self, lines: list[str]) -> list[str]:
            return lines

    class Extension(markdown.Extension):  # type: ignore[misc]
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.preprocessors.register(Between(md), "between", 20.5)

    config, files = site
    page = Page("Page", files.get_file_from_path("page.md"), config)  # type: ignore[arg-type]
    page.markdown = figure(svg(random.Random(4)))
    extensions = config["markdown_extensions"]  # type: ignore[index]
    config["markdown_extensions"] = [*extensions, Extension()]  # type: ignore[index]
    try:
        assert not aside.render(page, config, files)
    finally:
        config["markdown_extensions"] = extensions  # type: ignore[index]
