"""A builder that remembers (the preview) gives exactly the pages a fresh build would, doing less work."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import Markup

from bench.synthetic import generate
from builder import derive, parallel, pipeline, reuse
from builder.problems import DataError
from builder.render import Later, engine
from builder.render import render as render_pages
from builder.reuse import Memory, same
from builder.validate import validate

from .conftest import SAMPLE, edit, generated


@dataclass(frozen=True)
class Pair:
    left: object
    right: object


# Pairs of values that print differently, though `==` calls some of them equal.
UNLIKE = [
    (1, True),
    ("&", Markup("&")),
    (Decimal("1.0"), Decimal("1.00")),
    ([1, 2], (1, 2)),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    (Pair("x", [1]), Pair("x", [2])),
    (Later(len, "ab"), Later(str, "ab")),
]


@pytest.mark.parametrize(("a", "b"), [*UNLIKE, (object(), object())])
def test_values_that_print_differently_are_not_the_same(a: object, b: object) -> None:
    assert not same(a, b)


def test_equal_values_of_one_type_are_the_same() -> None:
    model = validate(SAMPLE).events["herat-captured"]
    # A deep copy: a dump would leave out the internal note, which is never published.
    copy = model.model_copy(deep=True)
    assert copy is not model and same(model, copy)
    assert same({"k": [Pair("x", (1, Markup("<b>")))]}, {"k": [Pair("x", (1, Markup("<b>")))]})
    assert same(Later(len, [1]), Later(len, [1]))


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages rendered (not reused), in this process."""
    pages: list[str] = []
    real = engine.page

    def counting(template: object, page: str, *args: object, **kwargs: object) -> str:
        pages.append(page)
        return real(template, page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "page", counting)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    return pages


HERAT = "events/herat-captured.yaml"
REPORTED = "  - status: reported\n    date: 2021-08-13\n    sources:\n"
DENIED = "  - status: denied\n    date: 2021-08-13\n    by: afghan-government\n    sources:\n"
EDITS: dict[str, Callable[[Path], None]] = {
    "title": lambda data: edit(data / HERAT, "title: ", "title: Revised, "),
    "date": lambda data: edit(data / HERAT, "date: 2021-08-12~\nkind", "date: 2021-07-30\nkind"),
    "status": lambda data: edit(data / HERAT, REPORTED, DENIED),
    "place name": lambda data: edit(data / "places/herat.yaml", "name: Herat", "name: Herāt"),
    "source": lambda data: edit(data / "sources/reuters-kandahar-2021-08-13.yaml", "title: ", "title: Updated, "),
    "new event": lambda data: shutil.copy(
        data / "events/chaman-crossing-closed.yaml", data / "events/chaman-again.yaml"
    ),
    "removed quote": lambda data: (data / "quotes/mcconnell-more-support.yaml").unlink(),
    "site": lambda data: edit(data / "site.yaml", "title: ", "title: The "),
    "briefing": lambda data: edit(data / "briefings/2021-08-13.yaml", "summary: >-\n", "summary: >-\n  Revised.\n"),
    "figure": lambda data: edit(data / "events/pentagon-evacuation-troops.yaml", "value: 3000", "value: 3500"),
    "tags": lambda data: edit(data / "events/ghazni-captured.yaml", "tags:\n", "tags:\n  - ghazni\n"),
}


# The preview keeps its pages in memory; a one-off build (`make site`) keeps them in the cache folder
# (`reuse.saved`). Either way, a page is reused only when rendering it again would give the same text.
KEEPERS = {"preview": Memory, "one-off": lambda: None}


@pytest.mark.parametrize("keeper", sorted(KEEPERS))
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_remembering_build_gives_the_pages_a_fresh_one_does(
    sample_copy: tuple[Path, Path], rendered: list[str], edit: str, keeper: str
) -> None:
    data, docs = sample_copy
    memory = KEEPERS[keeper]()
    pipeline.build(data, docs, memory)
    everything = len(rendered)
    rendered.clear()
    EDITS[edit](data)
    pipeline.build(data, docs, memory)
    after_edit = generated(docs)
    again = len(rendered)

    # Another docs folder has a cache folder of its own: nothing kept.
    fresh = docs.parent / "fresh"
    fresh.mkdir()
    pipeline.build(data, fresh)
    assert after_edit == generated(fresh), "the remembered pages differ from a fresh build's"
    if edit != "site":
        assert 0 < again < everything, f"{again} of {everything} pages rendered again"


@pytest.mark.parametrize("keeper", sorted(KEEPERS))
def test_pages_are_reused_only_while_what_they_read_is_unchanged(
    sample_copy: tuple[Path, Path], rendered: list[str], keeper: str
) -> None:
    data, docs = sample_copy
    memory = KEEPERS[keeper]()
    pipeline.build(data, docs, memory)
    rendered.clear()
    EDITS["title"](data)
    pipeline.build(data, docs, memory)
    assert "timeline/2021-08.md" in rendered and "places/herat.md" in rendered
    assert "places/kandahar-city.md" not in rendered and "actors/joe-biden.md" not in rendered


def test_edits_that_leave_periods_alone_derive_nothing_again(
    sample_copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, docs = sample_copy
    derivations: list[int] = []
    real = derive.derived
    monkeypatch.setattr(derive, "derived", lambda repository: derivations.append(1) or real(repository))
    memory = Memory()
    pipeline.build(data, docs, memory)
    for word in ("Revised", "Again"):
        edit(data / HERAT, "title: ", f"title: {word}, ")
        pipeline.build(data, docs, memory)
    assert len(derivations) == 1, "a title edit, twice over, derives nothing again"
    EDITS["date"](data)
    pipeline.build(data, docs, memory)
    assert len(derivations) == 2, "a date edit derives again"


def test_a_record_with_a_problem_of_its_own_is_not_remembered(sample_copy: tuple[Path, Path]) -> None:
    data, docs = sample_copy
    memory = Memory()
    pipeline.build(data, docs, memory)
    shutil.copy(data / "actors/pentagon.yaml", data / "actors/Pentagon_2.yaml")
    for _ in range(2):
        with pytest.raises(DataError) as raised:
            pipeline.build(data, docs, memory)
        assert [problem.code for problem in raised.value.problems] == ["invalid-id"]


def test_a_file_saved_while_the_build_read_others_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "record.yaml"
    file.write_text("title: one\n", encoding="utf-8")
    monkeypatch.setattr(reuse.memory, "_RACY_NS", 0)
    memory = Memory()
    reading = time.time_ns()
    old = memory.digest(file)
    memory.begin()
    # Saved after the build read it, and long before validation noted what it had read.
    file.write_text("title: two\n", encoding="utf-8")
    memory.note(file, old, reading)
    memory.begin()
    assert memory.digest(file) != old


def test_a_file_changed_right_after_it_was_hashed_is_hashed_again(tmp_path: Path) -> None:
    file = tmp_path / "record.yaml"
    file.write_text("title: one\n", encoding="utf-8")
    memory = Memory()
    first = memory.digest(file)
    # Same size, and on a coarse clock the same time: only the racy rule catches it.
    status = file.stat()
    file.write_text("title: two\n", encoding="utf-8")
    os.utime(file, ns=(status.st_atime_ns, status.st_mtime_ns))
    memory.begin()
    assert memory.digest(file) != first


def test_an_old_file_is_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "record.yaml"
    file.write_text("title: one\n", encoding="utf-8")
    # Its change time cannot be set back, so the file counts as old at once.
    monkeypatch.setattr(reuse.memory, "_RACY_NS", 0)
    memory = Memory()
    first = memory.digest(file)
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: opened.append(args[0]) or real_open(*args, **kwargs))
    memory.begin()
    assert memory.digest(file) == first and opened == []


def test_split_map_keeps_order_and_runs_meanwhile_here() -> None:
    here: list[int] = []

    def square(n: int) -> tuple[int, int]:
        time.sleep(0.001)
        return n * n, os.getpid()

    results = parallel.split_map(square, list(range(200)), workers=2, meanwhile=lambda: here.append(os.getpid()))
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert here == [os.getpid()]
    assert len({pid for _, pid in results}) == 2, "the work was shared by two processes"


def test_a_failing_worker_fails_the_map() -> None:
    def work(n: int) -> int:
        if n == 150:
            raise ValueError("no 150")
        return n

    with pytest.raises((parallel.ChildError, ValueError), match="no 150"):
        parallel.split_map(work, list(range(200)), workers=2)


class Unreadable:
    """A result that pickles but cannot be unpickled."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_refuse, ())


def _refuse() -> None:
    raise ValueError("this result cannot be read back")


def test_a_result_that_cannot_be_read_back_fails_the_map_with_the_reason() -> None:
    parent = os.getpid()

    def work(n: int) -> object:
        time.sleep(0.001)
        return Unreadable() if os.getpid() != parent else n

    with pytest.raises(parallel.ChildError, match="cannot be read back"):
        parallel.split_map(work, list(range(200)), workers=2)


PARENT = os.getpid()


def test_a_worker_that_dies_fails_the_map_without_hanging(tmp_path: Path) -> None:
    flag = tmp_path / "died"

    def one_worker_dies(n: int) -> bytes:
        time.sleep(0.001)
        if n >= 150 and os.getpid() != PARENT:
            try:
                os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                os._exit(3)  # the first worker past 150, once; the others go on with large results
        return bytes(200_000)

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError("split_map hung after a worker died")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(60)
    try:
        with pytest.raises(parallel.ChildError, match="ended without a result"):
            parallel.split_map(one_worker_dies, list(range(400)), workers=4)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert flag.exists()


def test_a_process_with_other_threads_does_not_fork() -> None:
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)
    watcher.start()
    try:
        assert parallel.workers_for(10_000) == 1
    finally:
        stop.set()
        watcher.join()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield generate(tmp_path_factory.mktemp("synthetic") / "briefings", 400, briefings=30)


def test_pages_rendered_in_workers_are_those_rendered_here(synthetic: Path) -> None:
    repository = validate(synthetic)
    assert render_pages(repository, workers=2) == render_pages(repository, workers=1)
