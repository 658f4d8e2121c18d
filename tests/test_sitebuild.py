"""The site build that redoes only what changed: whatever path made it, the site is the one a clean build makes.

Each test edits a copy of the sample project, builds it again with the caches of earlier builds,
and compares every file of the site, search index included, with a clean build of the same
project in a fresh folder with no cache at all; and a clean build with MkDocs' own `build`.
"""

from __future__ import annotations

import hashlib
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from builder import cache, pipeline
from builder.publish import Published, PublishError, publish, site_address
from builder.sitebuild import engine, store

from .conftest import ROOT, SAMPLE, edit

pytestmark = pytest.mark.slow


def make_project(folder: Path) -> Path:
    """A project like the repository's: the sample data, the hand-written pages, the theme and mkdocs.yml."""
    folder.mkdir(parents=True)
    shutil.copytree(SAMPLE, folder / "briefings")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", folder / "overrides")
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns("generated", ".generated"))
    return folder


def site_of(project: Path) -> Published:
    """`make site` in `project`: the pages, then the site, with whatever the earlier builds left."""
    pipeline.build(project / "briefings", project / "docs")
    return publish(project / "mkdocs.yml", site_address(project / "briefings"))


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def identities(site: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(site).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in site.rglob("*")
        if path.is_file()
    }


def clean(project: Path, elsewhere: Path) -> dict[str, bytes]:
    """The site a clean build of `project` makes: a copy without site, generated pages or cache."""
    copy = elsewhere / "clean"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", "generated", ".generated"))
    made = site_of(copy)
    assert made.rendered == made.pages, "the clean build found a cache"
    return files(made.site)


def assert_same(built: dict[str, bytes], expected: dict[str, bytes]) -> None:
    assert sorted(built) == sorted(expected)
    differing = [name for name in expected if built[name] != expected[name]]
    assert differing == [], f"differ from a clean build: {differing[:10]}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    built = make_project(tmp_path / "project")
    first = site_of(built)
    assert first.pages > 50 and first.rendered == first.pages
    assert "search/search_index.json" in files(first.site)
    return built


def test_nothing_changed_rewrites_nothing(project: Path) -> None:
    before = identities(project / "site")
    again = site_of(project)
    assert again.unchanged
    assert identities(project / "site") == before


def test_a_tampered_site_is_built_again(project: Path, tmp_path: Path) -> None:
    page = project / "site" / "glossary" / "index.html"
    page.unlink()
    page.write_text("defaced", encoding="utf-8")
    again = site_of(project)
    assert not again.unchanged
    # Every page's output was kept: none is rendered, and the defaced one is whole again.
    assert again.rendered == 0
    assert_same(files(project / "site"), clean(project, tmp_path))


@pytest.mark.parametrize(
    "change",
    [
        "event title",
        "new event",
        "removed event",
        "hand-written page",
        "configuration",
        "theme template",
        "site address",
    ],
)
def test_each_kind_of_edit_gives_the_clean_build(project: Path, tmp_path: Path, change: str) -> None:
    data = project / "briefings"
    before = identities(project / "site")
    if change == "event title":
        edit(data / "events" / "herat-captured.yaml", "title: ", "title: Edited, ")
    elif change == "new event":
        text = (data / "events" / "un-warning-civilians.yaml").read_text(encoding="utf-8")
        (data / "events" / "un-warning-again.yaml").write_text(text.replace("title: ", "title: Again, ", 1))
    elif change == "removed event":
        text = (data / "events" / "un-warning-civilians.yaml").read_text(encoding="utf-8")
        added = data / "events" / "un-warning-again.yaml"
        added.write_text(text.replace("title: ", "title: Again, ", 1))
        site_of(project)
        before = identities(project / "site")
        added.unlink()
    elif change == "hand-written page":
        edit(project / "docs" / "editing.md", "\n", "\nA new first paragraph for editors.\n\n")
    elif change == "configuration":
        edit(project / "mkdocs.yml", "site_description: ", "site_description: Edited. ")
    elif change == "theme template":
        overrides = sorted((project / "overrides").rglob("*.html"))
        edit(overrides[0], "\n", "\n<!-- edited -->\n")
    elif change == "site address":
        edit(data / "site.yaml", "url: https://", "url: https://edited.")
    again = site_of(project)
    assert not again.unchanged
    built = files(again.site)
    assert_same(built, clean(project, tmp_path))
    if change in ("event title", "hand-written page"):
        # Only the pages that show the change are rendered; the others keep their very files.
        assert 0 < again.rendered < again.pages / 2
        after = identities(again.site)
        kept = [name for name in before if name.endswith(".html") and after.get(name) == before[name]]
        assert len(kept) > again.pages / 2


def test_a_corrupt_forged_or_foreign_cache_is_never_trusted(project: Path, tmp_path: Path) -> None:
    kept = cache.folder(project) / "site"
    herat = project / "briefings" / "events" / "herat-captured.yaml"
    # Every object damaged in place (the site's files are links to them: the site is damaged too).
    for path in (kept / store.OBJECTS).rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes()[:-1] + b"!")
    edit(herat, "title: ", "title: Edited, ")
    again = site_of(project)
    assert again.rendered == again.pages
    assert_same(files(again.site), clean(project, tmp_path / "first"))

    # Records altered by anyone without the site's key are ignored as a whole.
    records = kept / store.PAGES
    header, _, body = records.read_bytes().partition(b"\n")
    records.write_bytes(header + b"\n" + body.replace(b'"title":', b'"title":"forged","x":', 1))
    edit(herat, "title: Edited, ", "title: Edited twice, ")
    assert site_of(project).rendered == again.pages

    # The cache of another project, made with another configuration, gives nothing wrong.
    other = make_project(tmp_path / "other")
    edit(other / "mkdocs.yml", "site_name: ", "site_name: Other ")
    site_of(other)
    shutil.rmtree(kept.parent)
    shutil.copytree(cache.folder(other), kept.parent)
    edit(herat, "title: Edited twice, ", "title: Edited, ")
    assert site_of(project).rendered == again.pages
    assert_same(files(project / "site"), clean(project, tmp_path / "second"))


def test_a_kept_page_whose_link_stops_resolving_warns_again(project: Path) -> None:
    (project / "docs" / "notes.md").write_text("# Notes\n\nSee [the extra page](extra.md).\n", encoding="utf-8")
    (project / "docs" / "extra.md").write_text("# Extra\n\nMore.\n", encoding="utf-8")
    site_of(project)
    # The page with the link does not change; the page it links to goes.
    (project / "docs" / "extra.md").unlink()
    with pytest.raises(PublishError, match=r"extra\.md"):
        site_of(project)


def test_the_site_is_what_mkdocs_itself_builds(project: Path, tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from builder import escape

    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.site_url = escape.site_address(site_address(project / "briefings") or "")
    config.site_dir = str(tmp_path / "mkdocs")
    build(config)
    assert_same(files(project / "site"), files(tmp_path / "mkdocs"))


def test_the_internals_it_relies_on_are_the_versions_it_was_checked_against() -> None:
    installed = {name: metadata.version(name) for name in engine.PINNED}
    assert installed == engine.PINNED, (
        "MkDocs, Material or Python-Markdown changed: check builder/sitebuild against the new version"
        " (this file's tests compare it with MkDocs' own build), then update PINNED and requirements.lock"
    )


def test_objects_are_named_by_their_bytes(tmp_path: Path) -> None:
    objects = store.Objects(tmp_path / "objects")
    digest = objects.put(b"page")
    assert digest == hashlib.sha256(b"page").hexdigest() and objects.usable(digest)
    objects.path(digest).write_bytes(b"other")
    assert not store.Objects(tmp_path / "objects").usable(digest)


def test_a_signed_record_missing_a_field_is_rendered_again_not_trusted(project: Path, tmp_path: Path) -> None:
    kept = cache.folder(project) / "site"
    saved = store.read_signed(kept / store.PAGES)
    assert saved is not None
    for record in saved["pages"].values():
        del record["search"]
    store.write_signed(kept / store.PAGES, saved)
    edit(project / "briefings" / "events" / "herat-captured.yaml", "title: ", "title: Edited, ")
    again = site_of(project)
    assert again.rendered == again.pages
    assert_same(files(again.site), clean(project, tmp_path))
