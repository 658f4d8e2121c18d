"""The review summary: records added, changed and removed between a git revision and the working tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import escape
from builder.summary import INVALID, OLD_INVALID, summarize

from .conftest import SAMPLE, git

HOSTILE = "<b>x</b> [y](javascript:z)"
NEW_HIGHLIGHT = "Kabul airport is crowded with people trying to leave."
# An event of our own whose current status is a claim, so that confirming it reads as in the issue.
CLAIMED = """\
title: Taliban claim Kabul's outskirts
date: 2021-08-13
kind: capture
places:
  - kabul
actors:
  - taliban
sources:
  - reuters-kandahar-2021-08-13
status:
  - status: claimed
    by: taliban
"""


def t(value: str) -> str:
    return str(escape.text(value))


def insert_before(file: Path, marker: str, lines: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert marker in text, f"{marker!r} not in {file}"
    file.write_text(text.replace(marker, lines + marker, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the sample data (and one claimed event), committed once."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(SAMPLE, root / "briefings")
    (root / "briefings" / "events" / "kabul-outskirts-claimed.yaml").write_text(CLAIMED, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def edit(data: Path) -> None:
    """The working-tree changes of a typical pull request, plus some traps."""
    events = data / "events"
    # Status histories: a claim confirmed, and a report confirmed.
    claimed = events / "kabul-outskirts-claimed.yaml"
    claimed.write_text(claimed.read_text() + "  - status: confirmed\n    date: 2021-08-14\n", encoding="utf-8")
    insert_before(events / "herat-captured.yaml", "control:\n", "  - status: confirmed\n    date: 2021-08-14\n")
    # A new control change, and an existing one whose status moves on.
    chaman = events / "chaman-crossing-closed.yaml"
    chaman.write_text(
        chaman.read_text()
        + "control:\n  - place: chaman-border-crossing\n    from: afghan-government\n    to: taliban\n",
        encoding="utf-8",
    )
    insert_before(
        events / "herat-captured.yaml",
        "    note: >-\n      The Taliban claim a capture",
        "      - status: confirmed\n        date: 2021-08-14\n",
    )
    # A figure revised.
    pentagon = events / "pentagon-evacuation-troops.yaml"
    pentagon.write_text(pentagon.read_text().replace("value: 3000", "value: 3500"), encoding="utf-8")
    # A new quote.
    (data / "quotes" / "taliban-kabul-warning.yaml").write_text(
        "speaker: taliban\n"
        "text: >-\n"
        "  The fighters will not enter Kabul by force while talks on a peaceful transfer of power go on,\n"
        "  a spokesman said.\n"
        "kind: paraphrase\n"
        "sources:\n  - reuters-kandahar-2021-08-13\n",
        encoding="utf-8",
    )
    # A source deleted.
    (data / "sources" / "un-statement-civilians.yaml").unlink()
    # A briefing's highlights: one reworded, one added; another briefing's date moved.
    briefing = data / "briefings" / "2021-08-13.yaml"
    text = briefing.read_text()
    text = text.replace("The government still holds Kabul,", "The government still holds the capital Kabul,")
    text = text.replace("key_figures:\n", f"  - {NEW_HIGHLIGHT}\nkey_figures:\n")
    briefing.write_text(text, encoding="utf-8")
    earlier = data / "briefings" / "2021-08-12.yaml"
    earlier.write_text(earlier.read_text().replace("as_of: 2021-08-12", "as_of: 2021-08-11"), encoding="utf-8")
    # A file that does not validate.
    (events / "broken-event.yaml").write_text("title: Broken\ndate: yesterday\n", encoding="utf-8")
    # Hostile text in a name.
    herat = data / "places" / "herat.yaml"
    herat.write_text(herat.read_text().replace("name: Herat", f"name: '{HOSTILE}'"), encoding="utf-8")
    # Layout and comments only: not a content change.
    ghazni = events / "ghazni-captured.yaml"
    ghazni.write_text("# checked against the article\n" + ghazni.read_text().replace("\n", "\r\n"), encoding="utf-8")


TOUCHED = {
    "kabul-outskirts-claimed",
    "herat-captured",
    "chaman-crossing-closed",
    "pentagon-evacuation-troops",
    "taliban-kabul-warning",
    "un-statement-civilians",
    "2021-08-13",
    "2021-08-12",
    "broken-event",
    "herat",
}


@pytest.fixture
def summary(repo: Path) -> str:
    edit(repo / "briefings")
    return summarize("HEAD", repo / "briefings")


def entry(summary: str, ident: str) -> list[str]:
    """The line naming record `ident` and its detail lines."""
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if f" **{t(ident)}**" in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def test_heading_and_counts(summary: str) -> None:
    lines = summary.splitlines()
    assert lines[0].startswith("### Content changes since `HEAD` (")
    assert lines[2] == "2 added, 7 changed, 1 removed"


def test_sections_in_kind_order_and_ids_sorted(summary: str) -> None:
    headings = [line for line in summary.splitlines() if line.startswith("#### ")]
    assert headings == ["#### Events", "#### Quotes", "#### Sources", "#### Places", "#### Briefings"]
    events = summary.split("#### Events")[1].split("####")[0]
    ids = [line.split("**")[1] for line in events.splitlines() if line.startswith("- ")]
    assert (
        ids
        == sorted(ids)
        == [
            "broken-event",
            "chaman-crossing-closed",
            "herat-captured",
            "kabul-outskirts-claimed",
            "pentagon-evacuation-troops",
        ]
    )


def test_status_changes(summary: str) -> None:
    assert entry(summary, "kabul-outskirts-claimed") == [
        f"- Changed **kabul-outskirts-claimed** — {t(CLAIMED.splitlines()[0].removeprefix('title: '))}",
        "  - status: claimed by taliban → confirmed",
    ]
    assert "  - status: reported → confirmed" in entry(summary, "herat-captured")


def test_control_changes(summary: str) -> None:
    assert entry(summary, "chaman-crossing-closed")[1:] == [
        "  - added control of chaman-border-crossing: afghan-government → taliban, captured (reported)"
    ]
    assert "  - control of herat: afghan-government → taliban; status: reported → confirmed" in entry(
        summary, "herat-captured"
    )


def test_figure_change(summary: str) -> None:
    assert entry(summary, "pentagon-evacuation-troops")[1:] == [
        "  - figure changed: us-extra-troops-evacuation, about 3,000 troops → about 3,500 troops"
    ]


def test_added_quote_names_speaker_and_start_of_text(summary: str) -> None:
    (line,) = entry(summary, "taliban-kabul-warning")
    # A paraphrase is never shown in quotation marks, here as on the site.
    assert line.startswith(
        f"- Added **taliban-kabul-warning** — taliban, paraphrased: {t('The fighters will not enter Kabul')}"
    )
    assert "“" not in line and "”" not in line
    assert line.endswith("…")


def test_removed_source(summary: str) -> None:
    title = "United Nations warning on the impact on civilians of an offensive on Kabul"
    assert entry(summary, "un-statement-civilians") == [f"- Removed **un-statement-civilians** — {t(title)}"]


def test_briefing_changes(summary: str) -> None:
    later = entry(summary, "2021-08-13")
    reworded = "The government still holds the capital Kabul, Mazar-i-Sharif in the north and"
    assert later[1:] == [
        f"  - highlight changed: “{t(reworded)}…”",
        f"  - highlight added: “{t(NEW_HIGHLIGHT)}”",
    ]
    assert entry(summary, "2021-08-12")[1:] == [f"  - as_of: {t('2021-08-12')} → {t('2021-08-11')}"]


def test_file_that_does_not_validate(summary: str) -> None:
    assert entry(summary, "broken-event") == [f"- Added **broken-event** {INVALID}"]


def test_data_is_escaped(summary: str) -> None:
    assert entry(summary, "herat") == [
        f"- Changed **herat** — {t(HOSTILE)}",
        f"  - name: Herat → {t(HOSTILE)}",
    ]
    for raw in ("<b>", "</b>", "[y]", "](javascript", "javascript:z"):
        assert raw not in summary


def test_unchanged_records_are_not_mentioned(summary: str) -> None:
    every = {file.stem for file in SAMPLE.glob("*/*.yaml")} | TOUCHED
    named = {line.split("**")[1] for line in summary.splitlines() if line.startswith("- ")}
    assert named == TOUCHED
    for ident in every - TOUCHED:
        assert f"**{t(ident)}**" not in summary
    assert "ghazni-captured" not in summary  # comments and line endings only


def test_clean_tree_says_so_in_one_line(repo: Path) -> None:
    out = summarize("HEAD", repo / "briefings", repo=repo)
    assert out.startswith("No content changes since `HEAD` (")
    assert out.count("\n") == 1


def test_old_and_new_sides_that_do_not_validate(repo: Path) -> None:
    data = repo / "briefings"
    (data / "events" / "broken-event.yaml").write_text("title: Broken\ndate: yesterday\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    (data / "events" / "broken-event.yaml").write_text("title: Mended\ndate: 2021-08-13\n", encoding="utf-8")
    ghazni = data / "events" / "ghazni-captured.yaml"
    ghazni.write_text(ghazni.read_text().replace("kind: capture", "kind: conquest"), encoding="utf-8")
    out = summarize("HEAD", data)
    assert entry(out, "broken-event") == [f"- Changed **broken-event** — Mended {OLD_INVALID}"]
    assert entry(out, "ghazni-captured") == [f"- Changed **ghazni-captured** — Taliban seize Ghazni {INVALID}"]
    (data / "events" / "broken-event.yaml").unlink()
    assert entry(summarize("HEAD", data), "broken-event") == [f"- Removed **broken-event** {OLD_INVALID}"]


@pytest.mark.parametrize("base", ["no-such-branch", "HEAD~5", "--output=/tmp/x", "", "HEAD:briefings"])
def test_bad_revision(repo: Path, base: str) -> None:
    with pytest.raises(ValueError, match="git revision"):
        summarize(base, repo / "briefings")


def test_not_a_repository(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "briefings")
    with pytest.raises(ValueError, match="not inside a git repository"):
        summarize("HEAD", tmp_path / "briefings", repo=tmp_path / "briefings")


def test_data_added_after_the_base(repo: Path) -> None:
    """A data folder the base revision does not have: every record is new."""
    shutil.copytree(SAMPLE / "actors", repo / "more" / "actors")
    out = summarize("HEAD", repo / "more")
    assert out.splitlines()[2] == f"{len(list(SAMPLE.glob('actors/*.yaml')))} added"


def test_records_are_found_by_the_rules_check_uses(repo: Path) -> None:
    """A YAML file is a record whatever its name; a README that is not YAML is no record."""
    data = repo / "briefings"
    (data / "places" / "readme-kabul-airport.yaml").write_text("name: Kabul airport\nkind: airport\n", encoding="utf-8")
    (data / "places" / "README.md").write_text("# Places\n", encoding="utf-8")
    out = summarize("HEAD", data)
    assert entry(out, "readme-kabul-airport") == ["- Added **readme-kabul-airport** — Kabul airport"]
    assert "README" not in out
