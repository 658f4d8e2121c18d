"""`briefings check` as an editor and CI see it: output formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.cli import main

BROKEN = {"quotes/official.yaml": "speaker: government\ntext: We hold the city\nsources: [report]\nmedum: x\n"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "builder", *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


def test_clean_data_exits_0(repo: Callable[..., Path]) -> None:
    data = repo()
    result = run(["check"], cwd=data.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout


def test_problems_exit_1_with_positions_and_no_traceback(repo: Callable[..., Path]) -> None:
    data = repo(BROKEN)
    result = run(["check"], cwd=data.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "briefings/quotes/official.yaml:4:1: unknown key 'medum' in this quote; did you mean 'medium'? [unknown-key]",
        "1 problem found",
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_misuse_exits_2(tmp_path: Path) -> None:
    assert run(["check", "--data", "nowhere"], cwd=tmp_path).returncode == 2
    assert run(["check", "--format", "xml"], cwd=tmp_path).returncode == 2
    assert run(["frobnicate"], cwd=tmp_path).returncode == 2
    assert run([], cwd=tmp_path).returncode == 2


def test_github_format_annotates_and_writes_the_job_summary(repo: Callable[..., Path], tmp_path: Path) -> None:
    data = repo(BROKEN)
    summary = tmp_path / "summary.md"
    result = run(["check"], cwd=data.parent, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=briefings/quotes/official.yaml,line=4,col=1,title=unknown-key::"
        "unknown key 'medum' in this quote; did you mean 'medium'?"
    )
    table = summary.read_text()
    assert "| briefings/quotes/official.yaml:4:1 | unknown-key |" in table


def test_github_annotation_escapes_newlines_and_commas_in_properties(repo: Callable[..., Path]) -> None:
    data = repo({"events/a,b.yaml": "title: x\n"})
    result = run(["check", "--format", "github"], cwd=data.parent)
    line = next(line for line in result.stdout.splitlines() if "a%2Cb" in line)
    assert line.startswith("::error file=briefings/events/a%2Cb.yaml,line=1,col=1,")


def test_json_format_lists_every_problem(repo: Callable[..., Path]) -> None:
    data = repo({**BROKEN, "places/kandahar.yaml": "name: Kandahar\nkind: citty\n"})
    result = run(["check", "--format", "json"], cwd=data.parent)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["count"] == 2
    assert {(p["code"], p["line"], p["col"]) for p in report["problems"]} == {
        ("unknown-key", 4, 1),
        ("invalid-choice", 2, 7),
    }


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00", b"a: &x [*x]\n", b"[" * 5000, b"\x00" * 100, b"a: 'unterminated\n", b"? ? ? ? ?\n"],
)
def test_hostile_files_never_cause_a_traceback(
    repo: Callable[..., Path], content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    data = repo({"events/hostile.yaml": content})
    assert main(["check", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "briefings/events/hostile.yaml:" in out


def test_checking_and_building_pages_never_load_mkdocs() -> None:
    # `briefings check` runs on every save in editors and hooks: MkDocs and its theme are for the site only.
    probe = "import sys, builder.cli; print(sorted(m for m in ('mkdocs', 'material', 'markdown') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
