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
        (GOOD_EVENT + "reported: 2021-08-12\n", 4, 11, "this event"),
        (GOOD_EVENT + "status:\n  - status: confirmed\n    reported: 2021-08-12\n", 6, 15, "this status step"),
        (
            GOOD_EVENT + "control:\n  - place: kandahar\n    to: taliban\n    status:\n"
            "      - status: reported\n        reported: 2021-08-12\n",
            9,
            19,
            "this control step",
        ),
        (
            GOOD_EVENT + "claims:\n  - kind: responsibility\n    claimant: taliban\n    status:\n"
            "      - status: claimed\n        reported: 2021-08-12\n",
            9,
            19,
            "this step of the claim",
        ),
        (
            GOOD_EVENT + "figures:\n  - id: troops\n    label: l\n    value: 1\n    by: government\n"
            "    reported: 2021-08-12\n",
            9,
            15,
            "this figure",
        ),
        (
            GOOD_EVENT + "updates:\n  - date: 2021-08-13\n    text: more\n    sources: [report]\n"
            "    reported: 2021-08-12\n",
            8,
            15,
            "this update",
        ),
        (
            GOOD_EVENT + "revised:\n  - date: 2021-08-13\n    title: New title\n    reported: 2021-08-12\n",
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
    clean(repo({"sources/early.yaml": source("2021-08-11"), EVENT: GOOD_EVENT + step}))
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
    event = "title: t\ndate: 2021-08-11\nsources: [report, statement]\nreported: 2021-08-11\n"
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
    problems = problems_in(repo({EVENT: GOOD_EVENT + unknown}))
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
            "      - status: reported\n        correction: The wrong place was named.\n",
            9,
            21,
            "this status step",
        ),
        (
            GOOD_EVENT + "claims:\n  - kind: characterisation\n    text: a depot\n    status:\n"
            "      - status: disputed\n        by: government\n        correction: Misattributed.\n",
            10,
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
            GOOD_EVENT + "claims:\n  - kind: responsibility\n    claimant: taliban\n    status:\n"
            "      - status: claimed\n      - status: retracted\n",
            9,
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
    clean(repo({EVENT: denied, **LATER_SOURCE, LATER: later_change("government")}))
    # Unless the denial became known only after the later change did.
    denied_later = denied + "        sources: [after]\n"
    files = {EVENT: denied_later, "sources/after.yaml": source("2021-08-15"), **LATER_SOURCE}
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
        ("  - kind: characterisation\n    by: government\n", "claim-without-text", 5, 5, "add 'text:'"),
        ("  - kind: responsibility\n", "responsibility-without-claimant", 5, 5, "add 'claimant: <actor id>'"),
        (
            "  - kind: responsibility\n    claimant: taliban\n    status:\n      - status: claimed\n"
            "      - status: denied\n",
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
        "claims:\n  - kind: characterisation\n    text: the target was a military depot\n"
        "  - kind: responsibility\n    claimant: taliban\n    status:\n      - status: claimed\n"
        "      - status: denied\n        by: government\n"
    )
    clean(repo({EVENT: GOOD_EVENT + claims}))


def test_a_claim_stands_on_its_own_sources_or_the_events(repo: Repo) -> None:
    sourceless = "title: t\ndate: 2021-08-13\nclaims:\n  - kind: characterisation\n    text: a depot\n"
    problems = [(p.code, where(p)) for p in problems_in(repo({LATER: sourceless}))]
    assert problems == [("no-source", (LATER, 1, 1)), ("no-source", (LATER, 4, 5))]
    assert "this claim cites no source" in found(repo({LATER: sourceless}), "no-source")[1].message
    clean(repo({LATER: sourceless + "    sources: [report]\n" + "sources: [report]\n"}))


def test_an_update_needs_sources(repo: Repo) -> None:
    update = "updates:\n  - date: 2021-08-13\n    text: The airport still holds.\n"
    problem = only(repo({EVENT: GOOD_EVENT + update}), "no-source")
    assert where(problem) == (EVENT, 5, 5) and problem.message.startswith("this update cites no source")
    clean(repo({EVENT: GOOD_EVENT + update + "    sources: [report]\n"}))


def test_a_revision_changes_the_title_or_the_summary(repo: Repo) -> None:
    revision = "revised:\n  - date: 2021-08-13\n    note: nothing new\n"
    problem = only(repo({EVENT: GOOD_EVENT + revision}), "empty-revision")
    assert where(problem) == (EVENT, 5, 5) and "add 'title:' or 'summary:'" in problem.message
    clean(repo({EVENT: GOOD_EVENT + revision + "    summary: Kandahar fell overnight.\n"}))


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("updates:\n  - date: 2199-06-01\n    text: t\n    sources: [report]\n", 5, 11),
        ("revised:\n  - date: 2199-06-01\n    title: t\n", 5, 11),
        ("claims:\n  - kind: characterisation\n    text: t\n    status:\n      - status: claimed\n"
         "        date: 2199-06-01\n", 9, 15),
    ],
)  # fmt: skip
def test_updates_revisions_and_claim_steps_are_not_dated_after_today(
    repo: Repo, text: str, line: int, col: int
) -> None:
    assert where(only(repo({EVENT: GOOD_EVENT + text}), "dated-in-future")) == (EVENT, line, col)


def test_an_empty_claim_kind_lists_the_kinds(repo: Repo) -> None:
    problems = problems_in(repo({EVENT: GOOD_EVENT + "claims:\n  - kind:\n    text: t\n"}))
    assert [(p.code, where(p)) for p in problems] == [("empty-text", (EVENT, 5, 10))]
    assert "'kind' is empty; write one of characterisation, responsibility" in problems[0].message


# ---- figure-revises-itself and revises-later-figure ----------------------------------------------------------

FIGURE = "  - id: {id}\n    label: troops\n    value: {value}\n    by: government\n"


def figures(*items: tuple[str, str | None]) -> str:
    text = "figures:\n"
    for number, (figure_id, revises) in enumerate(items, 1):
        text += FIGURE.format(id=figure_id, value=number) + (f"    revises: {revises}\n" if revises else "")
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
        ("figure-revises-itself", (EVENT, 14, 14)),
        ("figure-revises-itself", (EVENT, 19, 14)),
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
    the_other_way = "title: Recount\ndate: 2021-08-14\nsources: [next-day]\n" + figures(("recount", "troops"))
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


# ---- one fixture per new code, in the shape of tests/test_problems.py's CASES ---------------------------------

# Ready to merge into `test_problems.CASES`, whose test wants a fixture for every code.
CASES: dict[str, tuple[dict[str, str], str, int, int, str]] = {
    "reported-before-source": ({EVENT: GOOD_EVENT + "reported: 2021-08-12\n"}, EVENT, 4, 11, "published 2021-08-13"),
    "correction-without-source": (
        {EVENT: GOOD_EVENT + "status:\n  - status: confirmed\n    correction: It was wrong.\n"},
        EVENT,
        6,
        17,
        "where the error was set right",
    ),
    "claim-without-text": ({EVENT: GOOD_EVENT + "claims:\n  - kind: characterisation\n"}, EVENT, 5, 5, "add 'text:'"),
    "responsibility-without-claimant": (
        {EVENT: GOOD_EVENT + "claims:\n  - kind: responsibility\n"},
        EVENT,
        5,
        5,
        "'claimant: <actor id>'",
    ),
    "empty-revision": ({EVENT: GOOD_EVENT + "revised:\n  - date: 2021-08-13\n"}, EVENT, 5, 5, "'title:' or 'summary:'"),
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
