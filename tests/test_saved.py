"""A one-off build takes the pages an edit did not touch from the last one-off build (builder/reuse/saved.py),
and only when they still hold. That it gives exactly a fresh build's pages after each kind of edit
is tested with the preview's memory, in tests/test_reuse.py."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from markupsafe import Markup

from builder import cache, pipeline
from builder.render import Later
from builder.reuse import saved
from builder.write import current_build

from .conftest import edit, generated
from .test_reuse import EDITS, UNLIKE, Pair, rendered

__all__ = ["rendered"]


def _fresh(data: Path, docs: Path) -> dict[str, bytes]:
    """The pages of a build in a new docs folder, which has a cache folder of its own."""
    fresh = docs.parent / f"fresh-{len(list(docs.parent.iterdir()))}"
    fresh.mkdir()
    pipeline.build(data, fresh)
    return generated(fresh)


def test_a_kept_page_changed_on_disk_is_rendered_again(sample_copy: tuple[Path, Path], rendered: list[str]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    build = current_build(docs / pipeline.GENERATED)
    assert build is not None
    page = build / "actors" / "joe-biden.md"
    page.chmod(stat.S_IRUSR | stat.S_IWUSR)
    page.write_text("# Planted\n", encoding="utf-8")
    rendered.clear()
    EDITS["title"](data)
    pipeline.build(data, docs)
    assert "actors/joe-biden.md" in rendered and "actors/pentagon.md" not in rendered
    assert generated(docs) == _fresh(data, docs)


def test_a_forged_or_foreign_record_of_pages_is_ignored(sample_copy: tuple[Path, Path], rendered: list[str]) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    everything = len(rendered)
    record = cache.folder(docs) / saved.FILE
    header, _, body = record.read_bytes().partition(b"\n")
    kept = json.loads(body)
    # Claims that no record changed and that a page shows other text: without the site's key.
    for entry in kept["pages"].values():
        entry["reads"] = {}
    record.write_bytes(header + b"\n" + json.dumps(kept).encode())
    rendered.clear()
    EDITS["title"](data)
    pipeline.build(data, docs)
    assert len(rendered) == everything
    assert generated(docs) == _fresh(data, docs)


def test_another_builder_renders_every_page(
    sample_copy: tuple[Path, Path], rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, docs = sample_copy
    pipeline.build(data, docs)
    everything = len(rendered)
    real = pipeline.stamp.builder
    monkeypatch.setattr(pipeline.stamp, "builder", lambda digests: real(digests) + "-changed")
    rendered.clear()
    EDITS["title"](data)
    pipeline.build(data, docs)
    assert len(rendered) == everything


@pytest.mark.parametrize(("a", "b"), [*UNLIKE, ({"x"}, {"y"})])
def test_values_that_print_differently_have_different_fingerprints(a: object, b: object) -> None:
    fingerprints = saved.Fingerprints({})
    assert fingerprints(a) is not None and fingerprints(b) is not None
    assert fingerprints(a) != fingerprints(b)


def test_equal_values_have_one_fingerprint_and_unknown_ones_none() -> None:
    one, other = saved.Fingerprints({}), saved.Fingerprints({})
    value = {"k": [Pair("x", (1, Markup("<b>"))), Later(len, [1]), {Decimal("2.5")}]}
    copy = {"k": [Pair("x", (1, Markup("<b>"))), Later(len, [1]), {Decimal("2.5")}]}
    assert one(value) == other(copy) is not None
    assert one([object()]) is None
    assert one({"a": lambda: 1}) is None
    # Functions of one name that may do different things: a closure, a lambda, a partial.
    closures = [Later(lambda repository, n=n: n) for n in (1, 2)]
    assert one(closures[0]) is None and one(closures[1]) is None
    assert one(Later(partial(len))) is None
    assert one(Later({"k": "A"}.get, "k")) is None
    assert one(Later(len, "ab")) is not None


def test_a_record_stands_for_the_digest_of_its_file() -> None:
    record = Pair("same", "value")
    before = saved.Fingerprints({id(record): (record, "record events e1 aaa")})
    after = saved.Fingerprints({id(record): (record, "record events e1 bbb")})
    assert before({"event": record}) != after({"event": record})


def test_a_build_without_its_cache_folder_still_builds(
    sample_copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, docs = sample_copy
    monkeypatch.setenv("BRIEFINGS_CACHE", os.devnull)
    pipeline.build(data, docs)
    edit(data / "events/herat-captured.yaml", "title: ", "title: Revised, ")
    pipeline.build(data, docs)
    assert generated(docs) == _fresh(data, docs)
