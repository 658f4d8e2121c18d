"""The site build's lighter link and anchor passes (builder/sitebuild/links.py) find what MkDocs' own do."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure import pages
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from builder.sitebuild import links

PAGE = """# A page

A [link](b.md), [again](b.md), [to a section](b.md#part), [again](b.md#part), [itself](#top), [itself](#top).
A [broken link](missing.md) and [the same](missing.md); [outside](https://example.org) twice [outside](https://example.org).
An [unrecognised](folder) link, [twice](folder), and [mail](someone@example.org).

<div id="raw-block" markdown="1">
Inside *raw* HTML.
</div>

<a name="old-style"></a>
"""


def _project(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(PAGE, encoding="utf-8")
    (docs / "b.md").write_text("# B\n\n## Part\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\nmarkdown_extensions:\n  - md_in_html\n  - toc\n", encoding="utf-8")
    return config


def _render(config_file: Path, caplog: pytest.LogCaptureFixture) -> tuple[object, ...]:
    config = load_config(str(config_file))
    files = get_files(config)
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.read_source(config)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="mkdocs"):
        page.render(config, files)
    logged = [(record.levelno, record.getMessage()) for record in caplog.records]
    anchors = {file.src_uri: dict(found) for file, found in (page.links_to_anchors or {}).items()}
    return page.content, page.present_anchor_ids, anchors, logged


def test_pages_render_and_log_as_with_mkdocs_own_passes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = _project(tmp_path)
    plain = _render(config, caplog)
    with links.remembered():
        lighter = _render(config, caplog)
    assert lighter == plain
    logged = plain[3]
    assert isinstance(logged, list)
    # Each broken link warns every time it appears, remembered or not.
    assert sum("missing.md" in message for _, message in logged) == 2
    assert sum("'folder'" in message for _, message in logged) == 2
    assert {"raw-block", "old-style"} <= plain[1]  # type: ignore[operator]


def test_everything_is_put_back_after_the_block() -> None:
    logger, resolve, collect = pages.log, pages._RelativePathTreeprocessor.path_to_url, pages._RawHTMLPreprocessor.run
    with pytest.raises(RuntimeError), links.remembered():
        raise RuntimeError
    assert pages.log is logger
    assert pages._RelativePathTreeprocessor.path_to_url is resolve
    assert pages._RawHTMLPreprocessor.run is collect


@pytest.mark.parametrize("seed", range(4))
def test_the_raw_html_pass_finds_the_same_anchors(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["<", ">", "/", "=", '"', "'", " ", "\n", "\t", "id", "ID", "name", "Name", "a", "div", "x",
              "<!--", "-->", "<a ", "<div ", "<script>", "</script>", "<!", "<?", "&amp;", "b", "-", "idx", "nameless",
              "<a id=x>", "<p ID='y'>", "<a name=z", " id", "/id="]  # fmt: skip
    found = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        lines = text.split("\n")
        original, lighter = pages._RawHTMLPreprocessor(), pages._RawHTMLPreprocessor()
        links._collect(original, list(lines))
        links._run(lighter, list(lines))
        assert lighter.present_anchor_ids == original.present_anchor_ids, text
        found += bool(original.present_anchor_ids)
    # The generated text held anchors often enough for this to mean something.
    assert found > 100


def test_text_without_anchor_attributes_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    monkeypatch.setattr(links, "_collect", lambda self, lines: parsed.append("\n".join(lines)) or lines)
    links._run(pages._RawHTMLPreprocessor(), ["<p class='x'>A paragraph, no anchors: width, hidden.</p>"])
    links._run(pages._RawHTMLPreprocessor(), ['<p id="x">An anchor.</p>'])
    assert parsed == ['<p id="x">An anchor.</p>']


def test_markup_that_fails_mkdocs_still_fails_it() -> None:
    # HTMLParser stops on this declaration; MkDocs' build stops with it, so this build must too.
    lines = ["A paragraph with `<![foo[ x ]]>` in it."]
    with pytest.raises(AssertionError):
        links._collect(pages._RawHTMLPreprocessor(), list(lines))
    with pytest.raises(AssertionError):
        links._run(pages._RawHTMLPreprocessor(), list(lines))
