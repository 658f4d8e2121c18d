"""Python-Markdown's block-level tags, asked about with a set (builder/sitebuild/blocklevel.py)."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown import core

from builder.sitebuild import blocklevel
from builder.sitebuild.blocklevel import Listed


def test_a_listed_list_answers_in_as_a_list_after_any_change() -> None:
    rng = random.Random(7)
    names = ["div", "p", "figure", "custom", "DIV", "x-y", "", "svg"]
    plain: list[object] = ["div", "p"]
    listed = Listed(plain)
    for _ in range(3000):
        change = rng.randrange(9)
        name = rng.choice(names)
        if change == 0:
            plain.append(name), listed.append(name)
        elif change == 1:
            plain.extend([name, "p"]), listed.extend([name, "p"])
        elif change == 2:
            plain.insert(0, name), listed.insert(0, name)
        elif change == 3 and name in plain:
            plain.remove(name), listed.remove(name)
        elif change == 4 and plain:
            assert plain.pop() == listed.pop()
        elif change == 5 and plain:
            plain[0] = name
            listed[0] = name
        elif change == 6 and plain:
            del plain[-1]
            del listed[-1]
        elif change == 7:
            plain += [name]
            listed += [name]
        elif change == 8 and rng.random() < 0.05:
            plain.clear(), listed.clear()
        assert list(listed) == plain
        assert all((probe in listed) == (probe in plain) for probe in names)
    # Unhashable items and questions still answer as a list does.
    listed.append(["a", "list"])
    assert ["a", "list"] in listed and {"a": 1} not in listed and "div" not in Listed([["div"]])


class _Custom(markdown.Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.block_level_elements.append("custom")


@pytest.mark.parametrize("extensions", [["md_in_html", "attr_list", "toc"], [_Custom(), "md_in_html"], []])
def test_markdown_converts_the_same_with_a_listed_list(extensions: list[object]) -> None:
    text = (
        '# Title {#top}\n\n<div markdown="1">\n*in* a div\n</div>\n\n<custom>\n*raw*\n</custom>\n\n'
        "<figure>\n<p>inside</p>\n</figure>\n\nA *paragraph* with <span>inline</span> markup.\n"
    )
    plain = markdown.Markdown(extensions=extensions)
    with blocklevel.listed():
        listed = markdown.Markdown(extensions=extensions)
    assert isinstance(listed.block_level_elements, Listed)
    assert not isinstance(plain.block_level_elements, Listed)
    assert listed.block_level_elements == plain.block_level_elements
    assert listed.convert(text) == plain.convert(text)


def test_markdown_is_put_back_after_the_block() -> None:
    original = core.build_block_parser
    with pytest.raises(RuntimeError), blocklevel.listed():
        raise RuntimeError
    assert core.build_block_parser is original
