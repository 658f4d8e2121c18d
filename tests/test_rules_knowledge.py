"""The editorial rules of the knowledge-time model: what a record says was known, and when, against its
sources, the holders on record, the figures it revises and the briefings that show it.

Each rule has a failing fixture (its code, file:line:col and the values its message names) and a
passing one beside it, written over the smallest valid repository (`conftest.BASE`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.problems import Problem

from .conftest import problems_in

EVENT = "events/kandahar-falls.yaml"
LATER = "events/later.yaml"
QUOTE = "quotes/official.yaml"
BRIEFING = "briefings/2021-08-13.yaml"
# The base event, less its figure; its one source, 'report', is published on 2021-08-13.
GOOD_EVENT = "title: Taliban take Kandahar\ndate: 2021-08-13\nsources: [report]\n"
# GOOD_EVENT a day earlier, so that what it says can be reported on the 12th, before its source of the 13th.
EARLY_EVENT = GOOD_EVENT.replace("2021-08-13", "2021-08-12")
# The base briefing, less the figure GOOD_EVENT leaves out.
GOOD_BRIEFING = "title: B\nas_of: 2021-08-13\nquotes: [official]\n"


def source(published: str, extra: str = "") -> str:
    return f"title: t\npublisher: p\nkind: wire-agency\npublished: {published}\n{extra}"


Repo = Callable[..., Path]


@pytest.fixture
def repo(repo: Repo) -> Repo:
    """The base repository with GOOD_EVENT's briefing, and `files` written over it."""
    return lambda files: repo({BRIEFING: GOOD_BRIEFING, **files})


Where = tuple[str, int, int]


def found(data: Path, code: str) -> list[Problem]:
    return [p for p in problems_in(data) if p.code == code]


def where(problem: Problem) -> Where:
    return problem.path.split("briefings/", 1)[-1], problem.line, problem.col


def only(data: Path, code: str) -> Problem:
    """The one problem of the repository, which must be of `code`."""
    everything = problems_in(data)
    assert [p.code for p in everything] == [code], [str(p) for p in everything]
    return everything[0]


def clean(data: Path) -> None:
    everything = problems_in(data)
    assert everything == [], [str(p) for p in everything]


# ---- reported-before-source ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "what"),
    [
        (EARLY_EVENT + "reported: 2021-08-12\n", 4, 11, "this event"),
        (EARLY_EVENT + "status:\n  - status: confirmed\n    reported: 2021-08-12\n", 6, 15, "this status step"),
        (
            EARLY_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n        reported: 2021-08-12\n",
            9,
            19,
            "this control step",
        ),
        (
            EARLY_EVENT + "claims:\n  - kind: responsibility\n    claimant: taliban\n    status:\n"
            "      - status: claimed\n        reported: 2021-08-12\n",
            9,
            19,
            "this step of the claim",
        ),
        (
            EARLY_EVENT + "figures:\n  - id: troops\n    label: l\n    value: 1\n    by: government\n"
            "    reported: 2021-08-12\n",
            9,
            15,
            "this figure",
        ),
        (
            EARLY_EVENT + "updates:\n  - date: 2021-08-12\n    text: more\n    sources: [report]\n"
            "    reported: 2021-08-12\n",
            8,
            15,
            "this update",
        ),
        (
            EARLY_EVENT + "revised:\n  - date: 2021-08-12\n    title: New title\n    reported: 2021-08-12\n",
            7,
            15,
            "this revision",
        ),
    ],
)
def test_a_reported_moment_before_every_source_is_refused(
    repo: Repo, text: str, line: int, col: int, what: str
) -> None:
    problem = only(repo({EVENT: text}), "reported-before-source")
    assert where(problem) == (EVENT, line, col)
    assert f"{what} is reported 2021-08-12" in problem.message
    assert "('report', published 2021-08-13)" in problem.message
    assert "cite a source published by then, or correct 'reported'" in problem.message
    # The same record reported on the day its source was published, or later, is fine.
    clean(repo({EVENT: text.replace("reported: 2021-08-12", "reported: 2021-08-13")}))
    clean(repo({EVENT: text.replace("reported: 2021-08-12", "reported: 2021-08-14 09:00")}))


def test_a_quote_reported_before_its_source_is_refused(repo: Repo) -> None:
    quote = "speaker: government\ntext: t\nsources: [report]\nreported: 2021-08-12 evening\n"
    problem = only(repo({QUOTE: quote}), "reported-before-source")
    assert where(problem) == (QUOTE, 4, 11)
    assert "this quote is reported 2021-08-12 evening" in problem.message
    clean(repo({QUOTE: quote.replace("2021-08-12 evening", "2021-08-13 morning")}))


def test_a_step_is_compared_with_its_own_sources_before_what_it_inherits(repo: Repo) -> None:
    # The step cites a source of the 11th: known on the 11th, though the event's source is of the 13th.
    step = "status:\n  - status: reported\n  - status: confirmed\n    reported: 2021-08-11\n    sources: [early]\n"
    earlier = GOOD_EVENT.replace("2021-08-13", "2021-08-11")
    clean(repo({"sources/early.yaml": source("2021-08-11"), EVENT: earlier + step}))
    # A control step with no sources stands on its change's, before the event's.
    control = (
        "control:\n  - place: kandahar\n    to: taliban\n    sources: [late]\n    status:\n"
        "      - status: reported\n        reported: 2021-08-13\n"
    )
    problem = only(
        repo({"sources/late.yaml": source("2021-08-14"), EVENT: GOOD_EVENT + control}), "reported-before-source"
    )
    assert where(problem) == (EVENT, 10, 19) and "('late', published 2021-08-14)" in problem.message


def test_the_earliest_of_several_sources_and_the_start_of_a_range_count(repo: Repo) -> None:
    # A source dated only as a range may have been published on its first day.
    ranged = {"sources/statement.yaml": source("2021-08-11/2021-08-14")}
    event = "title: t\ndate: 2021-08-10/2021-08-11\nsources: [report, statement]\nreported: 2021-08-11\n"
    clean(repo({**ranged, LATER: event}))
    earlier = event.replace("reported: 2021-08-11", "reported: 2021-08-10")
    problem = only(repo({**ranged, LATER: earlier}), "reported-before-source")
    assert where(problem) == (LATER, 4, 11)
    assert "('statement', published 2021-08-11/2021-08-14)" in problem.message


@pytest.mark.parametrize(
    ("reported", "early"),
    [
        ("2021-08-13", False),  # known only to the day: that day may include 10:00
        ("2021-08-13 10:00", False),
        ("2021-08-13 09:59", True),
        ("2021-08-13 morning", False),  # the morning lasts until midday
        ("2021-08-13 early-morning", True),  # which ends before 09:00
    ],
)
def test_times_of_day_are_compared_at_the_latest_they_can_mean(repo: Repo, reported: str, early: bool) -> None:
    at_ten = source("2021-08-13", "time: '10:00'\n")
    data = repo({"sources/report.yaml": at_ten, EVENT: GOOD_EVENT + f"reported: {reported}\n"})
    if early:
        problem = only(data, "reported-before-source")
        assert f"is reported {reported}," in problem.message and "published 2021-08-13 10:00)" in problem.message
    else:
        clean(data)


def test_a_source_time_in_another_zone_is_compared_in_the_site_zone(repo: Repo) -> None:
    # 22:00 in UTC on the 12th is 02:30 on the 13th in Kabul.
    files = {
        "site.yaml": "time_zone: Asia/Kabul\n",
        "sources/report.yaml": source("2021-08-12", "time: '22:00'\ntime_zone: UTC\n"),
        EVENT: GOOD_EVENT + "reported: 2021-08-13 02:00\n",
    }
    problem = only(repo(files), "reported-before-source")
    assert "published 2021-08-12 22:00 (UTC))" in problem.message
    clean(repo({**files, EVENT: GOOD_EVENT + "reported: 2021-08-13 03:00\n"}))


def test_without_reported_no_moment_can_be_early(repo: Repo) -> None:
    # Unknown sources are reported as unknown references, not compared.
    clean(repo({EVENT: GOOD_EVENT + "status:\n  - status: confirmed\n    date: 2021-08-10\n"}))
    unknown = "reported: 2021-08-01\nstatus:\n  - status: confirmed\n    reported: 2021-08-01\n    sources: [nowhere]\n"
    problems = problems_in(repo({EVENT: GOOD_EVENT.replace("2021-08-13", "2021-08-01") + unknown}))
    assert sorted(p.code for p in problems) == ["reported-before-source", "unknown-reference"]


# ---- correction-without-source and retraction-without-source --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "what"),
    [
        (
            GOOD_EVENT + "status:\n  - status: reported\n  - status: confirmed\n    correction: Wrongly reported.\n",
            7,
            17,
            "this status step",
        ),
        (
            GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n      - status: confirmed\n        correction: The wrong place was named.\n",
            10,
            21,
            "this status step",
        ),
        (
            GOOD_EVENT + "claims:\n  - kind: characterisation\n    text: a depot\n    sources: [report]\n    status:\n"
            "      - status: claimed\n      - status: disputed\n        by: government\n"
            "        correction: Misattributed.\n",
            12,
            21,
            "this status step",
        ),
        (
            GOOD_EVENT + "figures:\n  - id: troops\n    label: l\n    value: 1\n    by: government\n"
            "  - id: more\n    label: l\n    value: 2\n    by: government\n    revises: troops\n"
            "    correction: The first count was a typo.\n",
            14,
            17,
            "this figure",
        ),
        (
            GOOD_EVENT + "revised:\n  - date: 2021-08-13\n    title: New title\n    correction: The place was wrong.\n",
            7,
            17,
            "this revision",
        ),
    ],
)
def test_a_correction_cites_its_own_source(repo: Repo, text: str, line: int, col: int, what: str) -> None:
    data = repo({EVENT: text})
    problem = only(data, "correction-without-source")
    assert where(problem) == (EVENT, line, col)
    assert f"add the ids of its sources under 'sources' in {what}" in problem.message
    # With a source of its own, in the same mapping as the correction.
    indent = text.rsplit("\n", 2)[-2].split("correction:")[0]
    clean(repo({EVENT: text + f"{indent}sources: [report]\n"}))


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        (GOOD_EVENT + "status:\n  - status: reported\n  - status: retracted\n", 6, 5),
        (
            GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n      - status: retracted\n",
            9,
            9,
        ),
        (
            GOOD_EVENT + "claims:\n  - kind: responsibility\n    claimant: taliban\n    sources: [report]\n"
            "    status:\n      - status: claimed\n      - status: retracted\n",
            10,
            9,
        ),
    ],
)
def test_a_retraction_cites_its_own_source_wherever_it_is(repo: Repo, text: str, line: int, col: int) -> None:
    problem = only(repo({EVENT: text}), "retraction-without-source")
    assert where(problem) == (EVENT, line, col)
    clean(repo({EVENT: text + " " * (col - 1) + "sources: [report]\n"}))


def test_a_retraction_with_a_correction_is_one_problem_not_two(repo: Repo) -> None:
    text = GOOD_EVENT + "status:\n  - status: reported\n  - status: retracted\n    correction: It was wrong.\n"
    assert where(only(repo({EVENT: text}), "retraction-without-source")) == (EVENT, 6, 5)


# ---- control-from-contradicts -------------------------------------------------------------------------------

TAKEN = GOOD_EVENT + "control:\n  - place: kandahar\n    from: government\n    to: taliban\n"
MILITIA = {"actors/militia.yaml": "name: A militia\nkind: armed-group\n"}
LATER_SOURCE = {"sources/next-day.yaml": source("2021-08-14"), **MILITIA}


def later_change(origin: str) -> str:
    return (
        "title: Kandahar changes hands again\ndate: 2021-08-14\nsources: [next-day]\ncontrol:\n"
        f"  - place: kandahar\n    from: {origin}\n    to: militia\n"
    )


def test_from_must_name_the_holder_on_record(repo: Repo) -> None:
    problem = only(repo({EVENT: TAKEN, **LATER_SOURCE, LATER: later_change("government")}), "control-from-contradicts")
    assert where(problem) == (LATER, 6, 11)
    assert problem.message.startswith(
        "'from' says 'government', but 'taliban' holds 'kandahar' on record then (event 'kandahar-falls')"
    )
    clean(repo({EVENT: TAKEN, **LATER_SOURCE, LATER: later_change("taliban")}))


def test_a_change_known_at_the_same_moment_counts_and_one_known_later_does_not(repo: Repo) -> None:
    # Both from the one article of the 13th: the capture is on record when the retaking became known.
    same = later_change("government").replace("sources: [next-day]", "sources: [report]")
    same = same.replace("date: 2021-08-14", "date: 2021-08-13")
    assert where(only(repo({EVENT: TAKEN, LATER: same, **MILITIA}), "control-from-contradicts")) == (LATER, 6, 11)
    # The capture, dated earlier, became known only on the 15th: nobody held Kandahar on record on the 14th.
    reported_late = TAKEN.replace("date: 2021-08-13\n", "date: 2021-08-13\nreported: 2021-08-15\n")
    clean(repo({EVENT: reported_late, **LATER_SOURCE, LATER: later_change("government")}))


def test_a_denied_or_retracted_change_holds_nothing(repo: Repo) -> None:
    denied = TAKEN + "    status:\n      - status: reported\n      - status: denied\n        by: government\n"
    clean(repo({EVENT: denied + "        sources: [report]\n", **LATER_SOURCE, LATER: later_change("government")}))
    # Unless the denial became known only after the later change did.
    files = {EVENT: denied + "        sources: [after]\n", "sources/after.yaml": source("2021-08-15"), **LATER_SOURCE}
    problem = only(repo({**files, LATER: later_change("government")}), "control-from-contradicts")
    assert where(problem) == (LATER, 6, 11)


def test_without_from_or_a_holder_on_record_there_is_nothing_to_contradict(repo: Repo) -> None:
    no_from = later_change("x").replace("    from: x\n", "")
    clean(repo({EVENT: TAKEN, **LATER_SOURCE, LATER: no_from}))
    clean(repo({**LATER_SOURCE, LATER: later_change("taliban")}))
    # `control-to-itself` still speaks for a change from its own holder.
    itself = later_change("militia")
    assert {p.code for p in problems_in(repo({**LATER_SOURCE, LATER: itself}))} == {"control-to-itself"}


# ---- claims, updates and revisions on their own --------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "code", "line", "col", "words"),
    [
        (
            "  - kind: characterisation\n    by: government\n    sources: [report]\n",
            "claim-without-text",
            5,
            5,
            "add 'text:'",
        ),
        (
            "  - kind: responsibility\n    sources: [report]\n",
            "responsibility-without-claimant",
            5,
            5,
            "add 'claimant: <actor id>'",
        ),
        (
            "  - kind: responsibility\n    claimant: taliban\n    status:\n      - status: claimed\n"
            "      - status: denied\n        sources: [report]\n    sources: [report]\n",
            "claim-without-claimant",
            9,
            9,
            "a 'denied' status must say who denies it",
        ),
    ],
)
def test_a_claim_says_what_and_who(repo: Repo, claims: str, code: str, line: int, col: int, words: str) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + "claims:\n" + claims}), code)
    assert where(problem) == (EVENT, line, col) and words in problem.message


def test_a_complete_claim_passes_and_its_claimed_step_needs_no_by(repo: Repo) -> None:
    claims = (
        "claims:\n  - kind: characterisation\n    text: the target was a military depot\n    sources: [report]\n"
        "  - kind: responsibility\n    claimant: taliban\n    sources: [report]\n    status:\n"
        "      - status: claimed\n      - status: denied\n        by: government\n        sources: [report]\n"
    )
    clean(repo({EVENT: GOOD_EVENT + claims}))


def test_a_claim_stands_on_its_own_sources(repo: Repo) -> None:
    sourceless = "title: t\ndate: 2021-08-13\nclaims:\n  - kind: characterisation\n    text: a depot\n"
    problems = [(p.code, where(p)) for p in problems_in(repo({LATER: sourceless}))]
    assert problems == [("no-source", (LATER, 1, 1)), ("own-source-needed", (LATER, 4, 5))]
    # The event's sources are not the claim's: a claim added later would count as known with the event.
    problem = only(repo({LATER: sourceless + "sources: [report]\n"}), "own-source-needed")
    assert problem.message.startswith(
        "this claim cites no source of its own, so it counts as known when the event became known"
    )
    assert "or the moment it became known under 'reported' in its first status step" in problem.message
    clean(repo({LATER: sourceless + "    sources: [report]\n" + "sources: [report]\n"}))
    # Its first step's own sources or `reported` place it in time as well.
    for first in ("sources: [report]", "reported: 2021-08-14"):
        step = f"    status:\n      - status: claimed\n        by: government\n        {first}\n"
        clean(repo({LATER: sourceless + step + "sources: [report]\n"}))


def test_an_update_needs_sources(repo: Repo) -> None:
    update = "updates:\n  - date: 2021-08-13\n    text: The airport still holds.\n"
    problem = only(repo({EVENT: GOOD_EVENT + update}), "no-source")
    assert where(problem) == (EVENT, 5, 5) and problem.message.startswith("this update cites no source")
    clean(repo({EVENT: GOOD_EVENT + update + "    sources: [report]\n"}))


def test_a_revision_changes_the_title_or_the_summary(repo: Repo) -> None:
    revision = "revised:\n  - date: 2021-08-13\n    note: nothing new\n    sources: [report]\n"
    problem = only(repo({EVENT: GOOD_EVENT + revision}), "empty-revision")
    assert where(problem) == (EVENT, 5, 5) and "add 'title:' or 'summary:'" in problem.message
    clean(repo({EVENT: GOOD_EVENT + revision + "    summary: Kandahar fell overnight.\n"}))


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("updates:\n  - date: 2199-06-01\n    text: t\n    sources: [report]\n", 5, 11),
        ("revised:\n  - date: 2199-06-01\n    title: t\n    sources: [report]\n", 5, 11),
        ("claims:\n  - kind: characterisation\n    text: t\n    status:\n      - status: claimed\n"
         "        date: 2199-06-01\n    sources: [report]\n", 9, 15),
    ],
)  # fmt: skip
def test_updates_revisions_and_claim_steps_are_not_dated_after_today(
    repo: Repo, text: str, line: int, col: int
) -> None:
    assert where(only(repo({EVENT: GOOD_EVENT + text}), "dated-in-future")) == (EVENT, line, col)


def test_an_empty_claim_kind_lists_the_kinds(repo: Repo) -> None:
    problems = problems_in(repo({EVENT: GOOD_EVENT + "claims:\n  - kind:\n    text: t\n    sources: [report]\n"}))
    assert [(p.code, where(p)) for p in problems] == [("empty-text", (EVENT, 5, 10))]
    assert "'kind' is empty; write one of characterisation, responsibility" in problems[0].message


# ---- figure-revises-itself and revises-later-figure ----------------------------------------------------------

FIGURE = "  - id: {id}\n    label: troops\n    value: {value}\n    by: government\n"


def figures(*items: tuple[str, str | None], source: str = "report") -> str:
    """Figures, each revising the one named after it (if any), with `source` of its own when it does."""
    text = "figures:\n"
    for number, (figure_id, revises) in enumerate(items, 1):
        text += FIGURE.format(id=figure_id, value=number)
        text += f"    revises: {revises}\n    sources: [{source}]\n" if revises else ""
    return text


def test_a_figure_that_revises_itself_is_refused(repo: Repo) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + figures(("troops", "troops"))}), "figure-revises-itself")
    assert where(problem) == (EVENT, 9, 14)
    assert "go round in a circle ('troops' → 'troops')" in problem.message


def test_a_circle_of_revisions_is_reported_on_each_figure_in_it(repo: Repo) -> None:
    circle = figures(("troops", "third"), ("second", "troops"), ("third", "second"), ("outside", "troops"))
    data = repo({EVENT: GOOD_EVENT + circle})
    problems = problems_in(data)
    assert [(p.code, where(p)) for p in problems] == [
        ("figure-revises-itself", (EVENT, 9, 14)),
        ("figure-revises-itself", (EVENT, 15, 14)),
        ("figure-revises-itself", (EVENT, 21, 14)),
    ]
    assert "('troops' → 'third' → 'second' → 'troops')" in problems[0].message
    assert "('second' → 'troops' → 'third' → 'second')" in problems[1].message
    clean(repo({EVENT: GOOD_EVENT + figures(("troops", None), ("second", "troops"), ("third", "second"))}))


def test_a_figure_revises_one_known_before_it(repo: Repo) -> None:
    # 'troops' (the base's, known on the 13th) revises 'recount', known only on the 14th.
    recount = "title: Recount\ndate: 2021-08-14\nsources: [next-day]\n" + figures(("recount", None))
    revising = GOOD_EVENT + figures(("troops", "recount"))
    problem = only(repo({**LATER_SOURCE, LATER: recount, EVENT: revising}), "revises-later-figure")
    assert where(problem) == (EVENT, 9, 14)
    assert "revises 'recount', which became known on 2021-08-14, after this one (2021-08-13)" in problem.message
    the_other_way = "title: Recount\ndate: 2021-08-14\nsources: [next-day]\n" + figures(
        ("recount", "troops"), source="next-day"
    )
    clean(repo({**LATER_SOURCE, EVENT: GOOD_EVENT + figures(("troops", None)), LATER: the_other_way}))
    # Known at the same moment is not later.
    same_day = recount.replace("next-day", "report").replace("2021-08-14", "2021-08-13")
    clean(repo({LATER: same_day, EVENT: revising}))


# ---- dated-after-briefing, as known -----------------------------------------------------------------------------


def test_a_key_figure_not_yet_known_at_the_as_of_is_refused(repo: Repo) -> None:
    # Dated the 12th, but its only source was published on the 14th: the briefing of the 13th could not know it.
    event = "title: t\ndate: 2021-08-12\nsources: [next-day]\n" + figures(("late-count", None))
    briefing = "title: B\nas_of: 2021-08-13\nkey_figures:\n  - troops\n  - late-count\n"
    problem = only(repo({**LATER_SOURCE, LATER: event, BRIEFING: briefing}), "dated-after-briefing")
    assert where(problem) == (BRIEFING, 5, 5)
    assert problem.message.startswith(
        "figure 'late-count' became known on 2021-08-14, after this briefing's as-of date 2021-08-13;"
    )
    assert "give the record's 'reported' moment, with a source published by then" in problem.message
    clean(repo({**LATER_SOURCE, LATER: event.replace("next-day", "report"), BRIEFING: briefing}))


def test_a_featured_quote_is_compared_at_the_time_of_day(repo: Repo) -> None:
    files = {
        "sources/evening.yaml": source("2021-08-13", "time: '21:30'\n"),
        QUOTE: "speaker: government\ntext: t\nsources: [evening]\n",
        BRIEFING: "title: B\nas_of: 2021-08-13\ntime: '18:00'\nkey_figures: [troops]\nquotes: [official]\n",
    }
    problem = only(repo(files), "dated-after-briefing")
    assert where(problem) == (BRIEFING, 5, 10)
    assert "quote 'official' became known on 2021-08-13 21:30 (UTC), after this briefing's as-of 2021-08-13 18:00;" in (
        problem.message
    )
    clean(repo({**files, BRIEFING: files[BRIEFING].replace("'18:00'", "night")}))


# ---- status-out-of-order -------------------------------------------------------------------------------------


def test_a_later_step_may_be_known_first_but_not_dated_first(repo: Repo) -> None:
    steps = (
        "status:\n  - status: claimed\n    by: taliban\n    date: 2021-08-13\n    reported: 2021-08-14\n"
        "  - status: confirmed\n    date: {date}\n    reported: 2021-08-13\n"
    )
    clean(repo({EVENT: GOOD_EVENT + steps.format(date="2021-08-13")}))
    problem = only(repo({EVENT: GOOD_EVENT + steps.format(date="2021-08-12")}), "status-out-of-order")
    assert where(problem) == (EVENT, 10, 11) and "(2021-08-12) is older than the one before (2021-08-13)" in (
        problem.message
    )


# ---- own-source-needed ---------------------------------------------------------------------------------------


def in_the_same_mapping(text: str, line: str) -> str:
    """`text` with `line` added to the mapping its last line belongs to."""
    last = text.rsplit("\n", 2)[-2]
    return text + " " * (len(last) - len(last.lstrip(" -"))) + line + "\n"


@pytest.mark.parametrize(
    ("text", "line", "col", "what", "whole"),
    [
        (GOOD_EVENT + "status:\n  - status: reported\n  - status: confirmed\n", 6, 5, "this status step", "the event"),
        (
            GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n      - status: confirmed\n",
            9,
            9,
            "this status step",
            "its control change",
        ),
        (
            GOOD_EVENT + "claims:\n  - kind: responsibility\n    claimant: taliban\n    sources: [report]\n"
            "    status:\n      - status: claimed\n      - status: denied\n        by: government\n",
            10,
            9,
            "this status step",
            "its claim",
        ),
        (GOOD_EVENT + "revised:\n  - date: 2021-08-13\n    title: New title\n", 5, 5, "this revision", "the event"),
        (
            GOOD_EVENT + "figures:\n" + FIGURE.format(id="troops", value=1) + FIGURE.format(id="more", value=2)
            + "    revises: troops\n",
            13,
            14,
            "this figure",
            "the event",
        ),
    ],
)  # fmt: skip
def test_what_can_be_added_later_cites_its_own_source(
    repo: Repo, text: str, line: int, col: int, what: str, whole: str
) -> None:
    problem = only(repo({EVENT: text}), "own-source-needed")
    assert where(problem) == (EVENT, line, col)
    assert problem.message.startswith(
        f"{what} cites no source of its own, so it counts as known when {whole} became known"
    )
    assert "add the ids of its sources under 'sources', or the moment it became known under 'reported'" in (
        problem.message
    )
    clean(repo({EVENT: in_the_same_mapping(text, "sources: [report]")}))
    clean(repo({EVENT: in_the_same_mapping(text, "reported: 2021-08-14")}))


def test_the_first_step_stands_on_what_it_belongs_to(repo: Repo) -> None:
    # The first step is the record itself, entered with it: the event's, the change's or the claim's sources.
    first_steps = (
        "status:\n  - status: claimed\n    by: taliban\n"
        "control:\n  - place: kandahar\n    to: taliban\n    status:\n      - status: claimed\n        by: taliban\n"
        "claims:\n  - kind: responsibility\n    claimant: taliban\n    sources: [report]\n"
    )
    clean(repo({EVENT: GOOD_EVENT + first_steps}))


def test_a_later_step_without_source_is_one_problem_when_it_retracts_or_corrects(repo: Repo) -> None:
    retracted = GOOD_EVENT + "status:\n  - status: reported\n  - status: retracted\n"
    assert where(only(repo({EVENT: retracted}), "retraction-without-source")) == (EVENT, 6, 5)
    # A retraction needs its source even when its moment is given.
    with_moment = retracted + "    reported: 2021-08-14\n"
    assert where(only(repo({EVENT: with_moment}), "retraction-without-source")) == (EVENT, 6, 5)
    corrected = GOOD_EVENT + "revised:\n  - date: 2021-08-13\n    title: t\n    correction: The place was wrong.\n"
    assert where(only(repo({EVENT: corrected}), "correction-without-source")) == (EVENT, 7, 17)


# ---- correction-of-first-step and correction-without-revises ----------------------------------------------------

CORRECTED = "    correction: The count was wrong.\n    sources: [report]\n"


@pytest.mark.parametrize(
    ("history", "line", "col"),
    [
        ("status:\n  - status: confirmed\n    correction: It was wrong.\n", 6, 17),
        (
            "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n        correction: The wrong place was named.\n",
            9,
            21,
        ),
        (
            "claims:\n  - kind: responsibility\n    claimant: taliban\n    sources: [report]\n    status:\n"
            "      - status: claimed\n        correction: Misattributed.\n",
            10,
            21,
        ),
    ],
)
def test_a_correction_needs_a_step_before_it(repo: Repo, history: str, line: int, col: int) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + history}), "correction-of-first-step")
    assert where(problem) == (EVENT, line, col)
    assert problem.message.startswith("the first step of a status history has no step before it to correct")
    # With its sources it is no better; without them, one problem: the correction has no place there at all.
    sourced = in_the_same_mapping(GOOD_EVENT + history, "sources: [report]")
    assert where(only(repo({EVENT: sourced}), "correction-of-first-step")) == (EVENT, line, col)
    # After a step, it corrects that step.
    before, step = sourced.split("- status: ", 1)
    indent = before.rsplit("\n", 1)[1]
    clean(repo({EVENT: f"{before}- status: unverified\n{indent}- status: {step}"}))


def test_a_corrected_figure_names_the_figure_it_corrects(repo: Repo) -> None:
    figure = GOOD_EVENT + "figures:\n" + FIGURE.format(id="troops", value=1) + CORRECTED
    problem = only(repo({EVENT: figure}), "correction-without-revises")
    assert where(problem) == (EVENT, 9, 17)
    assert "add 'revises: <id of the figure it corrects>', or remove 'correction'" in problem.message
    # Without its sources too, it is one problem.
    assert where(only(repo({EVENT: figure.replace("    sources: [report]\n", "")}), "correction-without-revises")) == (
        EVENT,
        9,
        17,
    )
    revising = GOOD_EVENT + "figures:\n" + FIGURE.format(id="first", value=1) + FIGURE.format(id="troops", value=2)
    clean(repo({EVENT: revising + "    revises: first\n" + CORRECTED}))


# ---- reported-before-date, a reported moment after today, and invalid-reported --------------------------------

# A source of the 11th, and an event of the 13th that cites it: its `reported` may say the 12th.
EARLY_SOURCE = {"sources/early.yaml": source("2021-08-11")}
ON_EARLY = "title: Taliban take Kandahar\ndate: 2021-08-13\nsources: [early]\n"


@pytest.mark.parametrize(
    ("text", "line", "col", "what", "about", "field"),
    [
        ("reported: 2021-08-12\n", 4, 11, "this event", "2021-08-13", "'date'"),
        ("time: night\nreported: 2021-08-13 evening\n", 5, 11, "this event", "2021-08-13 night", "'date'"),
        (
            "status:\n  - status: reported\n  - status: confirmed\n    date: 2021-08-14\n    reported: 2021-08-13\n"
            "    sources: [early]\n",
            8,
            15,
            "this status step",
            "2021-08-14",
            "'date'",
        ),
        ("status:\n  - status: confirmed\n    reported: 2021-08-12\n", 6, 15, "this status step", "2021-08-13",
         "the event's 'date'"),
        (
            "control:\n  - place: kandahar\n    to: taliban\n    status:\n      - status: reported\n"
            "        reported: 2021-08-12\n",
            9,
            19,
            "this control step",
            "2021-08-13",
            "the event's 'date'",
        ),
        (
            "figures:\n  - id: f\n    label: l\n    value: 1\n    by: government\n    as_of: 2021-08-14\n"
            "    reported: 2021-08-13\n",
            10,
            15,
            "this figure",
            "2021-08-14",
            "'as_of'",
        ),
        ("updates:\n  - date: 2021-08-14\n    text: t\n    sources: [early]\n    reported: 2021-08-13\n", 8, 15,
         "this update", "2021-08-14", "'date'"),
        ("revised:\n  - date: 2021-08-14\n    title: t\n    reported: 2021-08-13\n", 7, 15, "this revision",
         "2021-08-14", "'date'"),
    ],
)  # fmt: skip
def test_nothing_is_reported_before_the_time_it_is_about(
    repo: Repo, text: str, line: int, col: int, what: str, about: str, field: str
) -> None:
    problem = only(repo({**EARLY_SOURCE, EVENT: ON_EARLY + text}), "reported-before-date")
    assert where(problem) == (EVENT, line, col)
    assert problem.message.startswith(f"{what} is reported ")
    assert f", before the time it is about ({about}): nothing is known before it happens;" in problem.message
    assert problem.message.endswith(f"correct 'reported', or {field}")
    # Reported on the day it is about, at the latest time that day can mean, or later, is fine.
    reported = text.split("reported: ", 1)[1].split("\n", 1)[0]
    clean(repo({**EARLY_SOURCE, EVENT: ON_EARLY + text.replace(f"reported: {reported}", "reported: 2021-08-14")}))


def test_a_reported_day_is_compared_in_the_records_zone(repo: Repo) -> None:
    # 22:00 in UTC on the 13th is the 14th in Kabul; reported on the 13th, in UTC, is that day.
    event = ON_EARLY + "time: '22:00'\ntime_zone: UTC\nreported: 2021-08-13\n"
    clean(repo({**EARLY_SOURCE, "site.yaml": "time_zone: Asia/Kabul\n", EVENT: event}))
    event = event.replace("reported: 2021-08-13", "reported: 2021-08-13 21:00")
    problem = only(repo({**EARLY_SOURCE, "site.yaml": "time_zone: Asia/Kabul\n", EVENT: event}), "reported-before-date")
    assert "is reported 2021-08-13 21:00, before the time it is about (2021-08-13 22:00)" in problem.message


def test_a_quote_with_a_date_is_not_reported_before_it(repo: Repo) -> None:
    quote = "speaker: government\ntext: t\nsources: [report]\ndate: 2021-08-14\nreported: 2021-08-13\n"
    problem = only(repo({QUOTE: quote}), "reported-before-date")
    assert where(problem) == (QUOTE, 5, 11) and "this quote is reported 2021-08-13" in problem.message
    clean(repo({QUOTE: quote.replace("date: 2021-08-14\n", "")}))


@pytest.mark.parametrize(
    ("text", "line", "col", "what"),
    [
        ("reported: 2199-06-01\n", 4, 11, "this event"),
        ("status:\n  - status: confirmed\n    reported: 2199-06-01 night\n", 6, 15, "this status step"),
        ("updates:\n  - date: 2021-08-13\n    text: t\n    sources: [report]\n    reported: 2199-06-01\n", 8, 15,
         "this update"),
    ],
)  # fmt: skip
def test_a_reported_moment_is_not_after_today(repo: Repo, text: str, line: int, col: int, what: str) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + text}), "dated-in-future")
    assert where(problem) == (EVENT, line, col)
    assert problem.message.startswith(f"the 'reported' moment of {what} is dated 2199-06-01")
    # A quote the briefing does not feature: it would not be known at the briefing's as-of either.
    quote = "speaker: government\ntext: t\nsources: [report]\nreported: 2199-06-01\n"
    assert where(only(repo({"quotes/later.yaml": quote}), "dated-in-future")) == ("quotes/later.yaml", 4, 11)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2021-08", ""),
        ("2021-08-12/2021-08-13", ""),
        ("2021-08-12~", ""),
        ("2021", ""),
        ("2021-02-30", ": day is out of range for month"),
    ],
)
def test_an_invalid_reported_moment_names_only_the_forms_it_takes(repo: Repo, value: str, reason: str) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + f"reported: {value}\n"}), "invalid-reported")
    assert where(problem) == (EVENT, 4, 11)
    assert problem.message == (
        f"'{value}' is not a moment{reason}; write the day, then the time or the part of the day if known:"
        " 2021-08-13, 2021-08-13 22:30 or 2021-08-13 night"
    )


def test_a_reported_time_that_is_not_a_time_says_what_a_time_is(repo: Repo) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + "reported: 2021-08-13 25:00\n"}), "invalid-time")
    assert problem.message.startswith("'25:00' is not a time of day: write HH:MM")


# ---- source-time-needed ------------------------------------------------------------------------------------------

MORNING = "briefings/2021-08-13-morning.yaml"
TWO_EDITIONS = {BRIEFING: GOOD_BRIEFING + "time: evening\n", MORNING: "title: M\nas_of: 2021-08-13\ntime: '08:00'\n"}


def test_a_source_on_a_day_of_two_briefings_gives_its_time(repo: Repo) -> None:
    problem = only(repo(TWO_EDITIONS), "source-time-needed")
    assert where(problem) == ("sources/report.yaml", 4, 12)
    assert problem.message.startswith(
        "this source gives no time, so it counts as published at the start of 2021-08-13, and 2 briefings are"
        " published as of that day ('2021-08-13-morning' (08:00), '2021-08-13' (evening)): each would know it"
    )
    assert "give the time it was published under 'time' (and its 'time_zone' if it is not the site's, UTC)" in (
        problem.message
    )
    clean(repo({**TWO_EDITIONS, "sources/report.yaml": source("2021-08-13", "time: '07:00'\n")}))
    # A source of another day, or a day with one published briefing (a draft does not count), is placed already.
    clean(repo({**TWO_EDITIONS, "sources/report.yaml": source("2021-08-12")}))
    clean(repo({**TWO_EDITIONS, MORNING: TWO_EDITIONS[MORNING] + "draft: true\n"}))


def test_the_day_of_a_briefing_is_its_day_in_the_site_zone(repo: Repo) -> None:
    # 22:00 in UTC on the 12th is already the 13th in Kabul: two briefings of the 13th there.
    late = "title: L\nas_of: 2021-08-12\ntime: '22:00'\ntime_zone: UTC\n"
    files = {"site.yaml": "time_zone: Asia/Kabul\n", BRIEFING: GOOD_BRIEFING, "briefings/2021-08-12.yaml": late}
    problem = only(repo(files), "source-time-needed")
    assert "('2021-08-12' (22:00 UTC), '2021-08-13' (the whole day))" in problem.message
    clean(repo({**files, "site.yaml": "time_zone: UTC\n"}))


# ---- times in messages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "known"),
    [
        # A clock time is printed as one, though it is where the evening begins.
        ("sources: [seven]\n", "2021-08-13 19:00 (UTC)"),
        ("sources: [report]\nreported: 2021-08-13 evening\n", "2021-08-13 evening (UTC)"),
        # The evening in Kabul is a clock time in the site's zone.
        ("sources: [kabul-evening]\n", "2021-08-13 14:30 (UTC)"),
    ],
)
def test_a_known_moment_is_named_as_it_was_given(repo: Repo, quote: str, known: str) -> None:
    files = {
        "sources/seven.yaml": source("2021-08-13", "time: '19:00'\n"),
        "sources/kabul-evening.yaml": source("2021-08-13", "time: evening\ntime_zone: Asia/Kabul\n"),
        QUOTE: "speaker: government\ntext: t\n" + quote,
        BRIEFING: GOOD_BRIEFING + "time: '14:00'\n",
    }
    problem = only(repo(files), "dated-after-briefing")
    assert f"quote 'official' became known on {known}, after this briefing's as-of" in problem.message


# ---- one fixture per new code, in the shape of tests/test_problems.py's CASES ---------------------------------

# Ready to merge into `test_problems.CASES`, whose test wants a fixture for every code.
CASES: dict[str, tuple[dict[str, str], str, int, int, str]] = {
    "reported-before-source": ({EVENT: EARLY_EVENT + "reported: 2021-08-12\n"}, EVENT, 4, 11, "published 2021-08-13"),
    "correction-without-source": (
        {EVENT: GOOD_EVENT + "status:\n  - status: reported\n  - status: confirmed\n    correction: It was wrong.\n"},
        EVENT,
        7,
        17,
        "where the error was set right",
    ),
    "claim-without-text": (
        {EVENT: GOOD_EVENT + "claims:\n  - kind: characterisation\n    sources: [report]\n"},
        EVENT,
        5,
        5,
        "add 'text:'",
    ),
    "responsibility-without-claimant": (
        {EVENT: GOOD_EVENT + "claims:\n  - kind: responsibility\n    sources: [report]\n"},
        EVENT,
        5,
        5,
        "'claimant: <actor id>'",
    ),
    "empty-revision": (
        {EVENT: GOOD_EVENT + "revised:\n  - date: 2021-08-13\n    sources: [report]\n"},
        EVENT,
        5,
        5,
        "'title:' or 'summary:'",
    ),
    "control-from-contradicts": (
        {EVENT: TAKEN, **LATER_SOURCE, LATER: later_change("government")},
        LATER,
        6,
        11,
        "but 'taliban' holds 'kandahar' on record then",
    ),
    "figure-revises-itself": (
        {EVENT: GOOD_EVENT + figures(("troops", "troops"))},
        EVENT,
        9,
        14,
        "'troops' → 'troops'",
    ),
    "revises-later-figure": (
        {
            **LATER_SOURCE,
            LATER: "title: Recount\ndate: 2021-08-14\nsources: [next-day]\n" + figures(("recount", None)),
            EVENT: GOOD_EVENT + figures(("troops", "recount")),
        },
        EVENT,
        9,
        14,
        "which became known on 2021-08-14",
    ),
    "own-source-needed": (
        {EVENT: GOOD_EVENT + "status:\n  - status: reported\n  - status: confirmed\n"},
        EVENT,
        6,
        5,
        "cites no source of its own",
    ),
    "correction-of-first-step": (
        {EVENT: GOOD_EVENT + "status:\n  - status: confirmed\n    correction: It was wrong.\n    sources: [report]\n"},
        EVENT,
        6,
        17,
        "no step before it to correct",
    ),
    "correction-without-revises": (
        {EVENT: GOOD_EVENT + FIGURE.format(id="troops", value=1).replace("  - ", "figures:\n  - ", 1) + CORRECTED},
        EVENT,
        9,
        17,
        "the correction would be logged nowhere",
    ),
    "reported-before-date": (
        {**EARLY_SOURCE, EVENT: ON_EARLY + "reported: 2021-08-12\n"},
        EVENT,
        4,
        11,
        "this event is reported 2021-08-12, before the time it is about (2021-08-13)",
    ),
    "invalid-reported": (
        {EVENT: GOOD_EVENT + "reported: 2021-08\n"},
        EVENT,
        4,
        11,
        "'2021-08' is not a moment; write the day",
    ),
    "source-time-needed": (
        {BRIEFING: GOOD_BRIEFING + "time: evening\n", MORNING: "title: M\nas_of: 2021-08-13\ntime: '08:00'\n"},
        "sources/report.yaml",
        4,
        12,
        "briefings are published as of that day ('2021-08-13-morning' (08:00), '2021-08-13' (evening))",
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_new_code_has_a_fixture_reported_where_it_is(repo: Repo, code: str) -> None:
    files, path, line, col, words = CASES[code]
    problem = only(repo(files), code)
    assert where(problem) == (path, line, col) and words in problem.message
    assert str(problem).endswith(f"[{code}]")


@pytest.mark.parametrize("where", ["status: []\n", "control:\n  - place: kandahar\n    to: taliban\n    status: []\n"])
def test_an_empty_status_history_is_refused_with_the_words_it_takes(repo: Repo, where: str) -> None:
    problem = only(repo({EVENT: GOOD_EVENT + where}), "empty-text")
    assert "'status' is empty; write a status word (one of confirmed, reported" in problem.message
