"""Publishing with MkDocs: strict for real, and never leaving the site half-written."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from builder import cli
from builder.publish import PublishError, publish

from .conftest import Link, write_tree

CONFIG = """
site_name: Test
docs_dir: docs
site_dir: site
theme: mkdocs
validation:
  links:
    not_found: warn
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny MkDocs project with one clean page."""
    return write_tree(tmp_path / "project", {"mkdocs.yml": CONFIG, "docs/index.md": "# Home\n\nAll fine.\n"})


def page(site: Path) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


def test_a_clean_build_publishes(project: Path) -> None:
    site = publish(project / "mkdocs.yml").site
    assert site == project / "site"
    assert "All fine." in page(site)
    # Nothing is left beside the site: no building or previous folder.
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_one_warning_fails_the_build_and_the_site_stays_as_it_was(project: Path) -> None:
    publish(project / "mkdocs.yml")
    write_tree(project, {"docs/index.md": "# Home\n\nNow with [a broken link](missing.md).\n"})
    with pytest.raises(PublishError) as failed:
        publish(project / "mkdocs.yml")
    assert "1 warning" in str(failed.value)
    assert "missing.md" in str(failed.value)
    assert "All fine." in page(project / "site")
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_a_quieted_mkdocs_logger_still_counts_warnings(project: Path) -> None:
    # What `mkdocs build --quiet` does to MkDocs' logger, and why `--strict --quiet` never fails.
    logger = logging.getLogger("mkdocs")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        write_tree(project, {"docs/index.md": "[broken](missing.md)\n"})
        with pytest.raises(PublishError, match=r"missing\.md"):
            publish(project / "mkdocs.yml")
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before)


def test_the_command_prints_the_warning_and_exits_1(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "briefings").mkdir()
    config = CONFIG.replace("docs_dir: docs", "docs_dir: docs/generated")
    write_tree(project, {"mkdocs.yml": config, "docs/index.md": None, "docs/notes.md": "[broken](missing.md)\n"})
    monkeypatch.chdir(project)
    # An empty data folder builds no pages; the hand-written page carries the warning.
    status = cli.main(["site", "--data", "briefings", "--docs", "docs", "--config", "mkdocs.yml"])
    err = capsys.readouterr().err
    assert status == 1
    assert "missing.md" in err
    assert "nothing was published" in err
    assert not (project / "site").exists()


def test_a_site_folder_in_a_folder_yet_to_be_made_is_published(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(CONFIG.replace("site_dir: site", "site_dir: build/site"), encoding="utf-8")
    site = publish(config).site
    assert site == project / "build" / "site"
    assert "All fine." in page(site)
    assert sorted(p.name for p in (project / "build").iterdir()) == ["site"]


def test_a_build_interrupted_between_renames_gets_its_last_site_back(project: Path) -> None:
    publish(project / "mkdocs.yml")
    # A kill after the old site was set aside and before the new one took its place.
    (project / "site").rename(project / f".site.previous-{os.getpid() + 1}")
    (project / f".site.building-{os.getpid() + 2}").mkdir()
    # And what its helper had made ahead.
    (project / f".site.ahead-{os.getpid() + 3}" / "d0").mkdir(parents=True)
    write_tree(project, {"docs/index.md": "[broken](missing.md)\n"})
    with pytest.raises(PublishError):
        publish(project / "mkdocs.yml")
    assert "All fine." in page(project / "site")
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_a_site_link_is_replaced_never_followed(project: Path, tmp_path: Path) -> None:
    elsewhere = write_tree(tmp_path / "elsewhere", {"keep.txt": "precious"})
    write_tree(project, {"site": Link(str(elsewhere))})
    publish(project / "mkdocs.yml")
    assert not (project / "site").is_symlink()
    assert "All fine." in page(project / "site")
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    ("site_dir", "reason"),
    [
        ("..", "should not be within the 'site_dir'"),
        (".", "should not be within the 'site_dir'"),
        ("/tmp/elsewhere-site", "site_dir must be a folder inside"),
        ("../sibling", "site_dir must be a folder inside"),
    ],
)
def test_a_site_folder_outside_the_project_is_refused(project: Path, site_dir: str, reason: str) -> None:
    write_tree(project, {"mkdocs.yml": CONFIG.replace("site_dir: site", f"site_dir: {site_dir}")})
    with pytest.raises(PublishError, match=reason):
        publish(project / "mkdocs.yml")
    assert sorted(p.name for p in project.iterdir()) == ["docs", "mkdocs.yml"]


def test_links_in_the_theme_folder_are_refused(project: Path, tmp_path: Path) -> None:
    secret = write_tree(tmp_path / "secret", {"environ": "TOKEN=abc"})
    config = CONFIG.replace("theme: mkdocs", "theme:\n  name: mkdocs\n  custom_dir: overrides")
    write_tree(project, {"mkdocs.yml": config, "overrides/x.txt": Link(str(secret / "environ"))})
    with pytest.raises(PublishError, match=r"overrides/x\.txt"):
        publish(project / "mkdocs.yml")
    assert not (project / "site").exists()


def test_warnings_from_pages_rendered_in_other_processes_count_under_a_quieted_logger(project: Path) -> None:
    # Enough pages that the site build shares them among processes: each one's warning comes back and counts.
    pages = {f"docs/page-{n}.md": f"# Page {n}\n\n[broken](missing-{n}.md)\n" for n in range(6)}
    write_tree(project, pages)
    logger = logging.getLogger("mkdocs")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with pytest.raises(PublishError) as failed:
            publish(project / "mkdocs.yml")
    finally:
        logger.setLevel(before)
    assert "6 warnings" in str(failed.value)
    assert all(f"missing-{n}.md" in str(failed.value) for n in range(6))
    assert not (project / "site").exists(), "a refused build publishes nothing"
