"""What was known, and when: later records never change a published briefing, and arrive in the next one.

`tests/late/` holds news of the days after 13 August 2021, some of it about days the sample's
briefings already cover; the tests add it to a copy of the sample, as an analyst would.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from builder import derive, known
from builder.frozen import frozen_content
from builder.model import Repository
from builder.render import render
from builder.validate import validate

from .conftest import SAMPLE, edit, problems_in

LATE = Path(__file__).parent / "late"

# Herat's confirmation, dated the 13th but published after that evening's briefing: a step of the
# event's status, and one of its control change's.
CONFIRMED = "status: confirmed\ndate: 2021-08-13\nsources:\n  - late-herat-confirmed\n"


LATE_CLAIM = """claims:
  - kind: responsibility
    claimant: taliban
    text: the Taliban say they had the crossing closed
    sources:
      - late-strike-report
    status:
      - status: claimed
        by: taliban
      - status: retracted
        date: 2021-08-17
        sources:
          - late-ministry-withdraws
"""


def step(indent: int) -> str:
    lines = CONFIRMED.splitlines()
    return "".join(" " * indent + ("- " if n == 0 else "  ") + line + "\n" for n, line in enumerate(lines))


def with_late_news(folder: Path) -> Path:
    """A copy of the sample with the later records added, and Herat's confirmation added to its event."""
    data = folder / "briefings"
    shutil.copytree(SAMPLE, data)
    for path in LATE.rglob("*.yaml"):
        target = data / path.relative_to(LATE)
        target.write_bytes(path.read_bytes())
    herat = data / "events" / "herat-captured.yaml"
    edit(herat, "control:\n", step(2) + "control:\n")
    edit(herat, "    note: >-\n      The Taliban claim", step(6) + "    note: >-\n      The Taliban claim")
    # A claim about an event of the 12th, first made on the 15th and withdrawn on the 17th.
    chaman = data / "events" / "chaman-crossing-closed.yaml"
    chaman.write_text(chaman.read_text(encoding="utf-8") + LATE_CLAIM, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def before() -> dict[str, str]:
    return {path: str(text) for path, text in render(validate(SAMPLE)).items()}


@pytest.fixture(scope="module")
def late_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_late_news(tmp_path_factory.mktemp("late"))


@pytest.fixture(scope="module")
def late(late_data: Path) -> Repository:
    return validate(late_data)


@pytest.fixture(scope="module")
def after(late: Repository) -> dict[str, str]:
    return {path: str(text) for path, text in render(late).items()}


def later_regions(page: str) -> list[str]:
    return re.findall(r"<!-- later:start -->\n(.*?)<!-- later:end -->", page, re.S)


def test_the_late_records_validate(late_data: Path) -> None:
    assert problems_in(late_data) == []


@pytest.mark.parametrize("day", ["2021-08-12", "2021-08-13"])
def test_published_briefings_keep_their_content(day: str, before: dict[str, str], after: dict[str, str]) -> None:
    path = f"briefings/{day}.md"
    assert frozen_content(after[path]) == frozen_content(before[path])
    # What may differ is named: the navigation to the new briefings, and dated correction notices.
    if day == "2021-08-13":
        assert later_regions(before[path]) != later_regions(after[path])
        assert "[Next briefing →](2021-08-16.md)" in later_regions(after[path])[0]
    else:
        assert before[path] == after[path]


def test_a_correction_shows_on_the_briefing_that_published_the_error(
    before: dict[str, str], after: dict[str, str]
) -> None:
    on_13th = "".join(later_regions(after["briefings/2021-08-13.md"]))
    assert '!!! warning "Corrected on 18 August 2021"' in on_13th
    assert "left out the soldiers of the airport garrison" in on_13th
    assert "corrections.md#correction-lashkar-gah-surrender-recount-figure-lashkar-gah-soldiers-corrected" in on_13th
    # The original figure is still there to read.
    assert '<span class="key-figure__amount">about 200 soldiers</span>' in after["briefings/2021-08-13.md"]
    assert "Corrected on" not in after["briefings/2021-08-12.md"], "the 12th never showed the corrected figure"
    assert "Corrected on" not in "".join(later_regions(before["briefings/2021-08-13.md"]))


def what_changed(page: str) -> list[str]:
    section = page.split("## What changed since", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_the_next_briefing_lists_each_late_change_old_to_new(after: dict[str, str]) -> None:
    lines = what_changed(after["briefings/2021-08-16.md"])
    text = "\n".join(lines)
    # A confirmation dated the 13th but published after that evening's briefing.
    assert "[Taliban claim Herat](#event-herat-captured): reported → confirmed" in text
    assert "[Herat](../places/herat.md): Taliban, reported → confirmed" in text
    # An event of the 12th learned of on the 16th.
    assert "New: [Prisoners freed as Ghazni fell](#event-ghazni-prisoners-freed), which happened 12 August 2021" in text
    # New information is an update, old -> new.
    assert any(
        line.startswith("- Extra US troops to help evacuate US embassy staff: about 3,000 troops → about 4,000 troops")
        and "(update)" in line
        for line in lines
    )
    # One line per subject.
    subjects = [re.sub(r"^- New: |(?<=\)): .*|: .*", "", line) for line in lines]
    assert len(subjects) == len(set(subjects))
    later = "\n".join(what_changed(after["briefings/2021-08-20.md"]))
    assert (
        "“the target was a Taliban weapons depot”, according to Afghan government&#58; "
        "claimed by Afghan government → retracted" in later
    )
    assert "about 200 soldiers → about 300 soldiers, according to Afghan government (correction)" in later


def test_a_retracted_characterisation_leaves_the_event_standing(after: dict[str, str]) -> None:
    page = after["timeline/2021-08.md"]
    block = page.split("{ #event-lashkar-gah-strike }", 1)[1].split("\n#### ", 1)[0]
    assert '<span class="status status--reported">reported</span>' in block
    assert "Responsibility claimed by Afghan government" in block
    assert re.search(
        r"weapons depot”, according to Afghan government · \[<span class=\"status status--retracted\">", block
    )


def test_the_corrections_log_holds_corrections_and_retractions_only(after: dict[str, str]) -> None:
    log = after["corrections.md"]
    entries = [line for line in log.splitlines() if line.startswith("**")]
    assert len(entries) == 3, entries
    assert entries[0].startswith("**18 August 2021 · Correction**")
    assert "corrected from about 200 soldiers to about 300 soldiers" in entries[0]
    assert "[13 August 2021](briefings/2021-08-13.md)" in entries[0]
    assert all(entry.startswith("**17 August 2021 · Retraction**") for entry in entries[1:])
    assert "4,000" not in log, "an update is not a correction"


def test_each_briefing_shows_only_what_was_known_at_its_as_of(late: Repository, after: dict[str, str]) -> None:
    editions = {edition.id: edition for edition in derive.editions(late)}
    assert "ghazni-prisoners-freed" not in editions["2021-08-13"].events
    assert "ghazni-prisoners-freed" in editions["2021-08-16"].events
    on_13th = after["briefings/2021-08-13.md"]
    assert "late-" not in on_13th and "Herat officials confirm" not in on_13th, "no later source is cited"
    assert "4,000" not in on_13th
    assert "**about 4,000 troops**" in after["briefings/2021-08-16.md"], "the 16th, which learned of it, shows it"
    # A briefing's key figure is the figure as it stood at its as-of: the correction, on the 20th.
    assert '<span class="key-figure__amount">about 300 soldiers</span>' in after["briefings/2021-08-20.md"]


def test_a_source_time_in_another_zone_is_compared_in_the_site_zone(late: Repository) -> None:
    clock = known.Clock(late)
    # 09:00 in New York is 17:30 in Kabul.
    assert clock.source("late-pentagon-4000") == (date(2021, 8, 14), 17 * 60 + 30)
    evening = known.as_of(late.briefings["2021-08-13"], late.site.time_zone)
    assert clock.source("late-herat-confirmed") > evening


def test_exports_carry_claims_and_the_claimant(late: Repository) -> None:
    from builder import exports

    files = exports.exports(late, None)
    events = json.loads(files["data/events.json"])
    claims = events["lashkar-gah-strike"]["claims"]
    assert {claim["kind"] for claim in claims} == {"characterisation", "responsibility"}
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(files["data/events.csv"]))}
    assert rows["lashkar-gah-strike"]["claimant"] == "afghan-government"


def test_the_claimants_actor_page_lists_the_claim(after: dict[str, str]) -> None:
    page = after["actors/afghan-government.md"]
    claims = page.split("## Claims of responsibility", 1)[1].split("\n## ", 1)[0]
    assert "[Air strike near Lashkar Gah](../timeline/2021-08.md#event-lashkar-gah-strike)" in claims
    assert "claimed by Afghan government" in claims


def test_a_claim_made_later_is_corrected_only_where_it_was_shown(after: dict[str, str]) -> None:
    # The claim about the 12th's closure was made on the 15th: the 12th never showed it, the 16th did.
    on_16th = "".join(later_regions(after["briefings/2021-08-16.md"]))
    assert '!!! warning "Retracted on 17 August 2021"' in on_16th
    assert "Responsibility claimed by Taliban&#58; the Taliban say they had the crossing closed, in “Chaman" in on_16th
    assert "Retracted on" not in after["briefings/2021-08-12.md"]
    assert "the Taliban say they had the crossing closed" in after["briefings/2021-08-16.md"].split("## Map")[0]


def test_a_holder_added_later_recolours_no_published_map(before: dict[str, str], after: dict[str, str]) -> None:
    def colours(page: str) -> dict[str, str]:
        # Holder -> colour; hollow markers (claims) are drawn in their holder's colour too: read the stroke.
        found = re.findall(r'stroke="(#[0-9a-f]{6})"[^>]*data-place="[^"]+" data-holder="([^"]+)"', page)
        return {holder: colour for colour, holder in found}

    for day in ("2021-08-12", "2021-08-13"):
        assert colours(after[f"briefings/{day}.md"]) == colours(before[f"briefings/{day}.md"])
    # The new holder names the Taliban's colour as its own: the Taliban, known first, keep it.
    on_16th = colours(after["briefings/2021-08-16.md"])
    assert on_16th["taliban"] == "#1f6fc5" and on_16th["commando-corps"] != on_16th["taliban"]
