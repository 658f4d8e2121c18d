"""`builder.footnotes` writes what Python-Markdown's `footnotes` writes, in work that grows linearly with a page."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from markdown.extensions import footnotes as original

from builder import footnotes

ROOT = Path(__file__).resolve().parent.parent
# The other extensions the site uses, so that footnotes in lists, tables, admonitions and raw HTML come out as on it.
SITE_EXTENSIONS: list[Any] = ["admonition", "attr_list", "md_in_html", "tables", "toc"]

DOCUMENTS = {
    "none": "No footnote here, only [a link](https://example.org) and ^carets^.",
    "single": "A claim.[^1]\n\n[^1]: Reuters, “Report”.",
    "duplicate": "First.[^1] Again.[^1]\n\nAnd once more.[^1]\n\n[^1]: Reuters.",
    "many duplicates": " ".join(f"Event {n}.[^{n % 7}]" for n in range(400))
    + "\n\n"
    + "\n".join(f"[^{n}]: Source {n}." for n in range(7)),
    "one note cited everywhere": "\n\n".join(f"Paragraph {n}.[^a]" for n in range(300)) + "\n\n[^a]: The one source.",
    "reference order differs from definition order": "B[^b], A[^a], C[^c], A again[^a].\n\n"
    "[^a]: First defined.\n[^c]: Second.\n[^b]: Third.",
    "undefined": "Cited[^missing] and defined[^1], then [^missing] again.\n\n[^1]: Here.",
    "defined twice": "One[^x] two[^x].\n\n[^x]: First text.\n\n[^x]: Second text.",
    "unused definition": "Only one[^used].\n\n[^used]: Cited.\n[^spare]: Never cited.",
    "ids that look like generated ones": "A[^1] b[^fnref2] c[^2:1] d[^fnref2] e[^1]\n\n"
    "[^1]: One.\n[^fnref2]: Odd.\n[^2:1]: Colon.",
    "in a list": "- one[^1]\n- two[^1]\n    - nested[^2]\n- three[^2][^1]\n\n[^1]: Note one.\n[^2]: Note two.",
    "in a table": "| Event | Source |\n|---|---|\n| Fall[^1] | x[^2] |\n| Rise[^1] | y[^1] |\n\n[^1]: One.\n[^2]: Two.",
    "in an admonition": '!!! note "Heads up"\n    Inside[^1] and again[^1].\n\nOutside[^1].\n\n[^1]: Note.',
    "in raw HTML": '<div markdown="1">\nInside[^1].\n</div>\n\nOutside[^1].\n\n[^1]: Note.',
    "in a blockquote": "> Quoted[^q], quoted[^q].\n>\n> — someone[^q]\n\n[^q]: Note.",
    "long definition": "See[^long] and[^long].\n\n[^long]: First paragraph.\n\n    Second paragraph, indented.\n\n"
    "    - a list in it\n\nAfter.",
    "a note citing a note": "Body[^1].\n\n[^1]: Note that cites[^2] and[^2].\n[^2]: The other.",
    "place marker": "Before[^1].\n\n///Footnotes Go Here///\n\nAfter[^1].\n\n[^1]: Note.",
    "attributes": "# Heading[^1] { #own }\n\nText[^1]{ .cls }\n\n[^1]: Note.",
}

CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    "unique ids": {"UNIQUE_IDS": True},
    "separator -": {"SEPARATOR": "-"},
    "separator _": {"SEPARATOR": "_"},
    # Inside "fnref" itself: the candidates then take the path where RE_REF_ID does not match.
    "separator e": {"SEPARATOR": "e"},
    "separator e, unique ids": {"SEPARATOR": "e", "UNIQUE_IDS": True},
    "backlink text": {"BACKLINK_TEXT": "back", "BACKLINK_TITLE": "Back to note %d"},
    "superscript text": {"SUPERSCRIPT_TEXT": "[{}]"},
    "reference order": {"USE_DEFINITION_ORDER": False},
    "reference order, unique ids, separator -": {"USE_DEFINITION_ORDER": False, "UNIQUE_IDS": True, "SEPARATOR": "-"},
}


def convert(
    extension: Callable[..., markdown.Extension], config: dict[str, Any], *texts: str, reset: bool
) -> list[str]:
    """Each text converted in turn by one `Markdown`, reset between them or not."""
    md = markdown.Markdown(extensions=[*SITE_EXTENSIONS, extension(**config)])
    out = []
    for text in texts:
        out.append(md.convert(text))
        if reset:
            md.reset()
    return out


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_the_html_is_the_original_extensions(text: str, config: dict[str, Any]) -> None:
    assert convert(footnotes.FootnoteExtension, config, text, reset=True) == convert(
        original.FootnoteExtension, config, text, reset=True
    )


@pytest.mark.parametrize("reset", [True, False], ids=["reset between", "no reset"])
@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_documents_converted_by_one_markdown_in_turn_are_the_originals(config: dict[str, Any], reset: bool) -> None:
    texts = [DOCUMENTS["many duplicates"], DOCUMENTS["duplicate"], DOCUMENTS["in a list"], DOCUMENTS["duplicate"]]
    assert convert(footnotes.FootnoteExtension, config, *texts, reset=reset) == convert(
        original.FootnoteExtension, config, *texts, reset=reset
    )


@pytest.mark.parametrize("extension", [footnotes.FootnoteExtension, original.FootnoteExtension])
def test_a_separator_that_cannot_split_fails_as_the_original_does(extension: Callable[..., markdown.Extension]) -> None:
    with pytest.raises(ValueError, match="empty separator"):
        convert(extension, {"SEPARATOR": ""}, DOCUMENTS["duplicate"], reset=True)


def test_the_overrides_were_checked_against_this_python_markdown() -> None:
    assert markdown.__version__ == "3.11.3", (
        "builder/footnotes.py copies and overrides parts of Python-Markdown 3.11.3's footnotes extension "
        "(unique_ref, addFootnoteRef, FootnoteInlineProcessor.handleMatch): compare them with the new "
        "version's before changing this pin, and drop the override if the new version is linear itself"
    )


def test_the_site_uses_the_linear_extension() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    assert "builder.footnotes" in names
    assert "footnotes" not in names
    md = markdown.Markdown(extensions=["builder.footnotes"])
    assert isinstance(md.inlinePatterns["footnote"], footnotes.FootnoteInlineProcessor)


class _CountedKeys(OrderedDict[str, str]):
    keys_calls = 0

    def keys(self) -> Any:
        type(self).keys_calls += 1
        return super().keys()


def test_each_reference_takes_one_step_however_often_its_note_is_cited(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = 0
    following = footnotes.FootnoteExtension._following

    def counted(self: footnotes.FootnoteExtension, reference: str) -> str:
        nonlocal steps
        steps += 1
        return following(self, reference)

    monkeypatch.setattr(footnotes.FootnoteExtension, "_following", counted)
    cited, notes = 2_000, 300
    text = " ".join(f"[^{n % notes}]" for n in range(cited)) + "\n\n"
    text += "\n".join(f"[^{n}]: Note {n}." for n in range(notes))
    extension = footnotes.FootnoteExtension()
    md = markdown.Markdown(extensions=[extension])
    extension.footnotes = _CountedKeys()
    html = md.convert(text)

    assert html.count('class="footnote-ref"') == cited
    # One candidate after the last handed out, per repeated reference: the original tries every earlier one.
    assert steps == cited - notes
    # Numbers come from a lookup, not from listing every note per reference (twice per document is makeFootnotesDiv).
    assert _CountedKeys.keys_calls <= 2
