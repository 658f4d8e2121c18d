from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.pipeline import GENERATED
from builder.problems import DataError, Problem
from builder.validate import validate

ROOT = Path(__file__).resolve().parent.parent
# A copy of the sample data that the tests own: analysts may change `briefings/` freely, which
# `briefings check` and the strict site build guard.
SAMPLE = ROOT / "tests" / "sample"

# The smallest repository that validates: one record of each kind, all linked.
BASE: dict[str, str] = {
    "sources/report.yaml": """
        title: Taliban capture Kandahar
        publisher: Reuters
        kind: wire-agency
        published: 2021-08-13
    """,
    "actors/taliban.yaml": "name: Taliban\nkind: armed-group\n",
    "actors/government.yaml": "name: Afghan government\nkind: government\n",
    "places/kandahar.yaml": "name: Kandahar\nkind: city\ncountry: AF\n",
    "events/kandahar-falls.yaml": """
        title: Taliban take Kandahar
        date: 2021-08-13
        places: [kandahar]
        actors: [taliban]
        sources: [report]
        figures:
          - id: troops
            label: extra US troops
            value: 3,000
            by: government
    """,
    "quotes/official.yaml": """
        speaker: government
        text: The Taliban took control of Kandahar city
        sources: [report]
    """,
    "briefings/2021-08-13.yaml": """
        title: Briefing, 13 August 2021
        as_of: 2021-08-13
        key_figures: [troops]
        quotes: [official]
    """,
}


class Link:
    """A symbolic link to write in a fixture tree, pointing at `target`."""

    def __init__(self, target: str) -> None:
        self.target = target


def write_tree(root: Path, files: dict[str, str | bytes | Link | None]) -> Path:
    """Write `files` (relative path -> text, bytes, a Link, or None to delete) under `root`."""
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds under test keep their parse cache and stamps in a temporary folder, not the user's."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("BRIEFINGS_CACHE")
    os.environ["BRIEFINGS_CACHE"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["BRIEFINGS_CACHE"]
    else:
        os.environ["BRIEFINGS_CACHE"] = previous


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """A data folder holding BASE with some files replaced, added or (None) removed."""

    def make(files: dict[str, str | bytes | Link | None] | None = None) -> Path:
        data = tmp_path / "briefings"
        write_tree(data, dict(BASE))
        write_tree(data, files or {})
        return data

    return make


def problems_in(data: Path) -> list[Problem]:
    try:
        validate(data)
    except DataError as error:
        return error.problems
    return []


def build_site(data: Path, workdir: Path) -> Path:
    """Run the whole pipeline on `data`, then the strict MkDocs build `make site` runs; return the site folder."""
    from builder import pipeline
    from builder.publish import publish, site_address

    project = workdir / "project"
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides", dirs_exist_ok=True)
    docs = project / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("generated", ".generated"), dirs_exist_ok=True)
    pipeline.build(data, docs)
    # Any warning from MkDocs raises PublishError, which fails the test with every warning listed.
    return publish(project / "mkdocs.yml", site_address(data)).site


@pytest.fixture
def sample_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample data and an empty docs folder beside it: (data, docs)."""
    data, docs = tmp_path / "briefings", tmp_path / "docs"
    shutil.copytree(SAMPLE, data)
    docs.mkdir()
    return data, docs


def generated(docs: Path) -> dict[str, bytes]:
    """Every file the builder wrote under `docs`, by path."""
    folder = docs / GENERATED
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def edit(file: Path, old: str, new: str) -> None:
    """Replace the first `old` in a record file; it must be there."""
    text = file.read_text(encoding="utf-8")
    assert old in text, (file, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data built into a site, once per test run."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, for a module's browser tests; they skip where it is not installed."""
    from .browsing import CHROMIUM, LAUNCH_ARGS, NO_CHROMIUM

    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $BROWSER_ARTIFACTS, or a temporary folder."""
    folder = Path(os.environ["BROWSER_ARTIFACTS"]) if os.environ.get("BROWSER_ARTIFACTS") else None
    folder = folder or tmp_path_factory.mktemp("browser-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def git(repo: Path, *args: str) -> str:
    """Run git in the throwaway repository only, with a local identity and no signing."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout
