"""The table of contents' marker, looked for only on pages that hold it (builder/sitebuild/marker.py)."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.extensions import toc

from builder.sitebuild import marker

EXTENSIONS = ["toc", "md_in_html", "attr_list", "tables", "fenced_code"]


def convert(text: str, marker_text: str = "[TOC]") -> str:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"marker": marker_text}})
    return str(md.convert(text))


@pytest.mark.parametrize("marker_text", ["[TOC]", "{{toc}}", ""])
def test_pages_convert_the_same_with_the_marker_or_without(marker_text: str) -> None:
    rng = random.Random(3)
    pieces = [
        "# A title", "## A section {#s}", "[TOC]", "{{toc}}", "  [TOC]  ", "A paragraph with [TOC] inside.",
        "*[TOC]*", "\\[TOC\\]", "- [TOC]", "> [TOC]", "```\n[TOC]\n```", "    [TOC]", "<div>[TOC]</div>",
        '<div markdown="1">\n[TOC]\n</div>', "| a | b |\n|---|---|\n| [TOC] | x |", "Text", "### Deeper",
    ]  # fmt: skip
    replaced = 0
    for _ in range(300):
        text = "\n\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        plain = convert(text, marker_text)
        with marker.skipped():
            skipping = convert(text, marker_text)
        assert skipping == plain, text
        replaced += 'class="toc"' in plain
    # The marker was replaced often enough for the comparison to mean something (an empty one never is).
    assert replaced > 30 if marker_text else replaced == 0


def test_a_page_without_the_marker_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[str] = []
    original = marker._replace
    monkeypatch.setattr(marker, "_replace", lambda self, root, elem: searched.append("x") or original(self, root, elem))
    with marker.skipped():
        convert("# Title\n\nNo marker here.\n")
        convert("# Title\n\n[TOC]\n")
    assert searched == ["x"]


def test_the_extension_is_put_back_after_the_block() -> None:
    original = toc.TocTreeprocessor.replace_marker
    with pytest.raises(RuntimeError), marker.skipped():
        raise RuntimeError
    assert toc.TocTreeprocessor.replace_marker is original
