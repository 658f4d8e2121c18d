"""The GitHub Actions workflow and the pre-commit hooks: what they run is what the README documents."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "briefings.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
TAG_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@v\d+\.\d+\.\d+$")

# The events the workflow is expected to see, as (event name, ref).
PULL_REQUEST = ("pull_request", "refs/pull/7/merge")
MAIN_PUSH = ("push", "refs/heads/main")
OTHER_PUSH = ("push", "refs/heads/topic")
DISPATCH_MAIN = ("workflow_dispatch", "refs/heads/main")
DISPATCH_OTHER = ("workflow_dispatch", "refs/heads/topic")
EVENTS = (PULL_REQUEST, MAIN_PUSH, DISPATCH_MAIN, DISPATCH_OTHER)

# The one command besides `make TARGET`: Debian packages, installed as .ci/run installs them.
APT_INSTALL = re.compile(
    r"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends"
    r"((?: [a-z0-9][a-z0-9.+-]*)+)"
)


def load_workflow(text: str | None = None) -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8") if text is None else text)
    assert isinstance(data, dict)
    # YAML 1.1 reads the bare key `on` as the boolean true.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in steps(job)]


def readme_make_targets() -> set[str]:
    """The `make X` commands in the README's command table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*`make ([\w-]+)`\s*\|", text, flags=re.MULTILINE))


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, flags=re.MULTILINE))


def makefile_recipe(target: str) -> list[str]:
    """The command lines of a Makefile target, `$(BIN)/` and `@` stripped."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"^{re.escape(target)}\s*:(?!=)", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().lstrip("@").replace("$(BIN)/", ""))
    return recipe


def debian_packages(command: str) -> list[str] | None:
    """The packages a `run:` installs with apt-get, or None when it is any other command."""
    match = APT_INSTALL.fullmatch(command.strip())
    return match.group(1).split() if match else None


def undocumented_commands(workflow: dict[str, Any], documented: set[str]) -> list[str]:
    """Every `run:` that is not exactly `make TARGET` for a documented target, nor an apt-get install."""
    wrong = []
    for step in all_steps(workflow):
        if "run" not in step or debian_packages(step["run"]) is not None:
            continue
        match = re.fullmatch(r"make ([\w-]+)", step["run"].strip())
        if match is None or match.group(1) not in documented:
            wrong.append(step["run"])
    return wrong


_TOKEN = re.compile(r"\s*(github\.event_name|github\.ref|cancelled\(\)|'[^']*'|==|!=|&&|\|\||!|\(|\))")
_PYTHON = {"==": "==", "!=": "!=", "&&": " and ", "||": " or ", "!": " not ", "(": "(", ")": ")"}
# The runs these tests consider are never cancelled.
_PYTHON["cancelled()"] = "False"


def evaluate(condition: str | None, event: tuple[str, str]) -> bool:
    """Evaluate a job's or step's `if:` for an event; only the small grammar used here is accepted."""
    if condition is None:
        return True
    condition = condition.strip().removeprefix("${{").removesuffix("}}").strip()
    name, ref = event
    values = {"github.event_name": repr(name), "github.ref": repr(ref)}
    pieces, position = [], 0
    while position < len(condition):
        token = _TOKEN.match(condition, position)
        assert token, f"unexpected expression in `if: {condition}` at {condition[position:]!r}"
        word = token.group(1)
        pieces.append(values.get(word) or _PYTHON.get(word) or repr(word[1:-1]))
        position = token.end()
    return bool(eval(" ".join(pieces), {"__builtins__": {}}, {}))


def runs(job: dict[str, Any], event: tuple[str, str]) -> bool:
    return evaluate(job.get("if"), event)


def uploads(job: dict[str, Any], event: tuple[str, str]) -> dict[str, str]:
    """{action without its ref: uploaded path} for the upload steps that run on `event`."""
    return {
        step["uses"].split("@")[0]: str(step.get("with", {}).get("path", "")).rstrip("/")
        for step in steps(job)
        if "upload" in step.get("uses", "") and evaluate(step.get("if"), event)
    }


# The workflow file


def test_workflow_parses_and_has_the_four_jobs() -> None:
    workflow = load_workflow()
    assert set(workflow["jobs"]) == {"check", "test", "build", "deploy"}
    assert workflow["jobs"]["build"]["needs"] == "check"
    assert "needs" not in workflow["jobs"]["test"]  # it runs beside the check and the build
    assert sorted(workflow["jobs"]["deploy"]["needs"]) == ["build", "test"]


def test_workflow_triggers_on_pull_requests_and_pushes_to_main() -> None:
    on = load_workflow()["on"]
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on


def test_workflow_token_is_read_only_by_default() -> None:
    workflow = load_workflow()
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        if name != "deploy":
            assert "permissions" not in job, f"job {name} widens the token"


def test_workflow_sets_no_mkdocs_2_warning() -> None:
    assert str(load_workflow()["env"]["NO_MKDOCS_2_WARNING"]) == "1"


def test_every_action_is_pinned_to_a_commit_or_an_exact_version() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    workflow = load_workflow()
    used = [s["uses"] for s in all_steps(workflow) if "uses" in s]
    used += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]  # reusable workflows
    assert used, "no action found"
    for uses in used:
        assert SHA_PIN.match(uses) or TAG_PIN.match(uses), f"{uses} is not pinned to a SHA or a vX.Y.Z tag"
    # A bare SHA cannot be reviewed or updated: each line that uses one says which release it is.
    lines = re.findall(r"^\s*(?:- )?uses:\s*(\S+)(.*)$", text, re.MULTILINE)
    assert len(lines) == len(used)
    for uses, comment in lines:
        if SHA_PIN.match(uses):
            assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{uses} lacks its '# vX.Y.Z' comment"


def test_each_action_is_pinned_to_one_version_throughout() -> None:
    pins: dict[str, set[str]] = {}
    for step in all_steps(load_workflow()):
        if "uses" in step:
            action, ref = step["uses"].split("@")
            pins.setdefault(action, set()).add(ref)
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}


def test_pin_check_rejects_moving_refs() -> None:
    for moving in ("actions/checkout@v4", "actions/checkout@main", "actions/checkout@v4.2", "actions/checkout@11bd719"):
        assert not (SHA_PIN.match(moving) or TAG_PIN.match(moving)), moving


def test_readme_and_makefile_parsers_find_the_documented_commands() -> None:
    documented = readme_make_targets()
    assert {"site", "check", "test", "lint"} <= documented
    assert documented <= makefile_targets(), "the README documents a target the Makefile lacks"
    assert "PYTHON" not in makefile_targets() and "STAMP" not in makefile_targets()


def test_workflow_runs_only_the_readmes_commands() -> None:
    workflow = load_workflow()
    documented = readme_make_targets() & makefile_targets()
    assert undocumented_commands(workflow, documented) == []
    commands = {
        job: [step["run"].strip() for step in steps(j) if "run" in step and debian_packages(step["run"]) is None]
        for job, j in workflow["jobs"].items()
    }
    assert commands == {
        "check": ["make check", "make changes", "make frozen"],
        "test": ["make lint", "make test"],
        "build": ["make site", "make pdf"],
        "deploy": [],
    }


def test_pull_requests_fail_on_a_change_to_a_published_briefing() -> None:
    check = load_workflow()["jobs"]["check"]
    (frozen,) = [step for step in steps(check) if step.get("run", "").strip() == "make frozen"]
    assert evaluate(frozen.get("if"), PULL_REQUEST)
    assert not evaluate(frozen.get("if"), MAIN_PUSH)
    assert frozen["env"]["BASE"] == "origin/${{ github.base_ref }}"
    # The job has the base branch's history, as `make changes` needs too.
    assert steps(check)[0]["with"]["fetch-depth"] == 0
    assert makefile_recipe("frozen") == ["briefings check --data $(DATA) --base $(BASE)"]


def test_command_check_catches_an_undocumented_command() -> None:
    documented = readme_make_targets() & makefile_targets()
    workflow = load_workflow(
        WORKFLOW.read_text(encoding="utf-8")
        .replace("run: make site", "run: .venv/bin/mkdocs build --strict")
        .replace("run: make check", "run: make deploy")
        .replace("ca-certificates make git chromium npm", "chromium && curl -s https://example.org | sh")
    )
    assert undocumented_commands(workflow, documented) == [
        "make deploy",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends"
        " chromium && curl -s https://example.org | sh",
        ".venv/bin/mkdocs build --strict",
    ]


def test_check_job_reports_in_the_github_format() -> None:
    # `make check` passes no --format, so the CLI's GitHub Actions default applies (see the test below).
    assert not any("--format" in line for line in makefile_recipe("check"))


def test_make_check_annotates_and_writes_the_job_summary_in_github_actions(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    (data / "events" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    # The command `make check` runs, without letting make reinstall anything.
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "check", f"DATA={data}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    command = [line for line in dry.stdout.splitlines() if "briefings check" in line]
    assert len(command) == 1, dry.stdout
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(shlex.split(command[0]), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^::error file=.*broken\.yaml,line=\d+,col=\d+", result.stdout, re.MULTILINE), result.stdout
    assert "broken.yaml" in summary.read_text(encoding="utf-8")


def test_setup_python_uses_311_and_caches_pip_on_the_lock_file() -> None:
    setups = [s for s in all_steps(load_workflow()) if s.get("uses", "").startswith("actions/setup-python@")]
    assert len(setups) == 1  # the check job's; the others run in a Debian image with its Python 3.11
    for step in setups:
        # Unquoted, YAML would read 3.11 as a float (and 3.10 as 3.1).
        assert step["with"]["python-version"] == "3.11"
        assert step["with"]["cache"] == "pip"
        assert step["with"]["cache-dependency-path"] == "requirements.lock"
    assert (ROOT / "requirements.lock").is_file()


def test_build_uploads_the_site_for_pages_when_it_deploys_and_for_review_otherwise() -> None:
    workflow = load_workflow()
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    site_dir = re.search(r"^site_dir:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    site = site_dir.group(1).strip("'\"") if site_dir else "site"
    assert site == "site"
    assert uploads(build, PULL_REQUEST) == {"actions/upload-artifact": site}
    assert uploads(build, MAIN_PUSH) == {"actions/upload-pages-artifact": site}
    assert uploads(build, DISPATCH_MAIN) == {"actions/upload-pages-artifact": site}
    assert uploads(build, DISPATCH_OTHER) == {"actions/upload-artifact": site}
    for event in EVENTS:
        # The Pages artifact exists exactly when the deploy job runs to publish it.
        assert ("actions/upload-pages-artifact" in uploads(build, event)) == runs(deploy, event), event
    (pages,) = [s for s in steps(build) if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert pages["if"] == deploy["if"]


def test_the_site_build_restores_the_caches_and_only_main_saves_them() -> None:
    build = load_workflow()["jobs"]["build"]
    names = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps(build)]
    restore, site, save = (names.index(name) for name in ("actions/cache/restore", "make site", "actions/cache/save"))
    assert restore < site < save
    restored, built, saved = steps(build)[restore], steps(build)[site], steps(build)[save]
    # One folder, outside the checkout (a commit cannot plant a cache), and the one the build uses.
    assert restored["with"]["path"] == saved["with"]["path"] == built["env"]["BRIEFINGS_CACHE"]
    assert restored["with"]["path"].startswith("${{ runner.temp }}")
    assert saved["with"]["key"].startswith(restored["with"]["restore-keys"])
    for event in (*EVENTS, OTHER_PUSH):
        assert evaluate(restored.get("if"), event), event
        assert evaluate(saved.get("if"), event) == (event in (MAIN_PUSH, DISPATCH_MAIN)), event


def test_deploy_runs_on_main_when_pushed_or_started_by_hand() -> None:
    deploy = load_workflow()["jobs"]["deploy"]
    assert runs(deploy, MAIN_PUSH)
    assert runs(deploy, DISPATCH_MAIN)
    for event in (PULL_REQUEST, OTHER_PUSH, DISPATCH_OTHER, ("pull_request", "refs/heads/main")):
        assert not runs(deploy, event), event


def test_lint_and_tests_run_on_every_event_and_gate_the_deployment() -> None:
    workflow = load_workflow()
    test, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    assert "test" in deploy["needs"]
    for event in EVENTS:
        assert runs(test, event), event
        assert all(evaluate(step.get("if"), event) for step in steps(test)), event
    assert [step["run"] for step in steps(test) if str(step.get("run", "")).startswith("make ")] == [
        "make lint",
        "make test",
    ]


def test_tests_run_with_debians_chromium_and_npm_as_in_ci_run() -> None:
    test = load_workflow()["jobs"]["test"]
    # A Debian image with the Python the other jobs set up: apt's chromium is then Debian's.
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim-(bookworm|trixie)", test["container"]["image"])
    first, checkout = steps(test)[:2]
    packages = debian_packages(first["run"])
    assert packages is not None and {"make", "git", "chromium", "npm"} <= set(packages)
    assert checkout["uses"].startswith("actions/checkout@")  # git is there before the clone
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("make", "chromium", "npm"):
        assert f"missing+=({package})" in ci_run, package


def test_build_prints_each_briefing_to_a_pdf_with_debians_chromium_before_uploading_the_site() -> None:
    build = load_workflow()["jobs"]["build"]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim-(bookworm|trixie)", build["container"]["image"])
    packages = debian_packages(steps(build)[0]["run"])
    assert packages is not None and {"make", "chromium"} <= set(packages)
    runs_and_uploads = [step.get("run", "").strip() or step["uses"].split("@")[0] for step in steps(build)[1:]]
    assert runs_and_uploads == [
        "actions/checkout",
        "actions/cache/restore",
        "make site",
        "actions/cache/save",
        "make pdf",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
    ]
    # The PDFs go where the pages link them, inside the site folder that both uploads carry.
    assert makefile_recipe("pdf") == ["briefings pdf --site site"]
    assert "pdf" in readme_make_targets()


def test_screenshots_of_the_browser_tests_are_kept_even_when_tests_fail() -> None:
    test = load_workflow()["jobs"]["test"]
    (run,) = [step for step in steps(test) if step.get("run", "").strip() == "make test"]
    folder = run["env"]["BROWSER_ARTIFACTS"]
    (upload,) = [step for step in steps(test) if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert str(upload["with"]["path"]).rstrip("/") == folder
    assert upload["if"].replace(" ", "") == "${{!cancelled()}}"
    for event in EVENTS:
        assert evaluate(upload["if"], event)
    assert 'BROWSER_ARTIFACTS="$PWD/' + folder + '"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_condition_evaluator_is_not_vacuous() -> None:
    assert not evaluate("github.ref == 'main'", MAIN_PUSH)  # the classic mistake: refs/heads/ missing
    assert evaluate("${{ github.event_name != 'push' }}", PULL_REQUEST)
    assert evaluate("github.event_name == 'push' || github.ref == 'refs/heads/main'", DISPATCH_MAIN)
    with pytest.raises(AssertionError):
        evaluate("contains(github.ref, 'main')", MAIN_PUSH)
    assert evaluate("${{ !cancelled() }}", PULL_REQUEST) and not evaluate("cancelled()", MAIN_PUSH)


def test_deploy_has_pages_permissions_environment_and_no_racing() -> None:
    deploy = load_workflow()["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    (step,) = steps(deploy)
    assert step["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": f"${{{{ steps.{step['id']}.outputs.page_url }}}}",
    }
    assert deploy["concurrency"]["group"] == "pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False


# The pre-commit hooks


def pre_commit_hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "hooks must not download anything"
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_pre_commit_hooks_run_programs_from_the_projects_venv() -> None:
    hooks = pre_commit_hooks()
    assert hooks
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        program = ROOT / shlex.split(hook["entry"])[0]
        assert program.parent == ROOT / ".venv" / "bin", hook["entry"]
        assert program.name in {"briefings", "ruff"}, hook["entry"]
        assert program.is_file() and os.access(program, os.X_OK), f"{program} is missing; run make check"


def test_pre_commit_runs_the_same_data_check_as_make_check() -> None:
    (hook,) = [h for h in pre_commit_hooks() if shlex.split(h["entry"])[0].endswith("/briefings")]
    entry = shlex.split(hook["entry"])
    (recipe,) = makefile_recipe("check")
    assert [Path(entry[0]).name, *entry[1:]] == shlex.split(recipe.replace("$(DATA)", "briefings"))
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("briefings/events/kabul-falls.yaml")
    assert files.search("briefings/site.yaml")
    assert not files.search("builder/cli.py")


def test_pre_commit_runs_the_ruff_commands_of_make_lint() -> None:
    lint = [shlex.split(line) for line in makefile_recipe("lint") if line.startswith("ruff ")]
    assert lint, "make lint runs no ruff"
    hooks = [h for h in pre_commit_hooks() if shlex.split(h["entry"])[0].endswith("/ruff")]
    for command in lint:
        options = [word for word in command if word.startswith("-")]
        folders = [word for word in command[2:] if not word.startswith("-")]
        matching = [h for h in hooks if shlex.split(h["entry"])[1] == command[1]]
        assert len(matching) == 1, f"no hook runs ruff {command[1]}"
        (hook,) = matching
        assert set(options) <= set(shlex.split(hook["entry"])), hook["entry"]
        files = re.compile(hook["files"])
        for folder in folders:
            assert files.search(f"{folder}/module.py"), (hook["id"], folder)
        assert not files.search("site/module.py")


# The lock and the virtual environment

LOCK = ROOT / "requirements.lock"
LOCKED_TARGET = "$(LOCKED)"
INSTALLED_TARGET = "$(STAMP)"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return canonical(match.group(1))


def locked() -> list[tuple[str, str, list[str]]]:
    """(name, the requirement with its marker, its hashes) for each entry of requirements.lock."""
    text = re.sub(r"\\\n", " ", LOCK.read_text(encoding="utf-8"))
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        hashes = re.findall(r"--hash=(\S+)", line)
        requirement = re.sub(r"\s*--hash=\S+", "", line).strip()
        entries.append((requirement_name(requirement), requirement, hashes))
    return entries


def test_every_locked_package_is_pinned_to_one_version_with_its_hashes() -> None:
    entries = locked()
    assert len(entries) > 40
    for name, requirement, hashes in entries:
        assert re.fullmatch(r"[A-Za-z0-9._-]+==[\w.+!-]+(\s*;.+)?", requirement), requirement
        assert hashes, f"{name} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name


def test_lock_holds_every_dependency_the_build_backend_and_pip() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [
        *pyproject["project"]["dependencies"],
        *pyproject["project"]["optional-dependencies"]["dev"],
        *pyproject["build-system"]["requires"],
        "pip",
    ]
    names = {name for name, _, _ in locked()}
    assert {requirement_name(r) for r in declared} - names == set()
    assert {"pip", "setuptools", "uv"} <= names


def test_venv_installs_only_hash_checked_files_and_builds_with_the_locked_setuptools() -> None:
    recipe = makefile_recipe(LOCKED_TARGET)
    installs = [shlex.split(line) for line in recipe if "pip install" in line]
    # pip itself first, from its entry in the lock, then the whole lock.
    assert len(installs) == 2, recipe
    for command in installs:
        assert {"--require-hashes", "--no-deps"} <= set(command), command
    assert installs[0][-2:] == ["-r", "$(VENV)/pip.txt"]
    assert installs[1][-2:] == ["-r", "requirements.lock"]
    assert any(line.startswith("sed ") and line.endswith("> $(VENV)/pip.txt") for line in recipe), recipe
    # The project adds no package: its build backend is the locked setuptools already in the venv.
    (project,) = [shlex.split(line) for line in makefile_recipe(INSTALLED_TARGET) if "pip install" in line]
    assert {"--no-deps", "--no-build-isolation", "--editable"} <= set(project), project
    assert project[-1] == "."
    assert not any("pip install" in line and "--upgrade" in line for line in recipe)


def test_pip_is_installed_from_its_own_entry_in_the_lock() -> None:
    if shutil.which("sed") is None:
        pytest.skip("sed is not installed")
    (line,) = [line for line in makefile_recipe(LOCKED_TARGET) if line.startswith("sed ")]
    command = line.rsplit(" > ", 1)[0]
    extracted = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (pip,) = [entry for entry in locked() if entry[0] == "pip"]
    lines = [line.strip().rstrip("\\").strip() for line in extracted.splitlines()]
    assert lines[0] == pip[1]
    assert [line.removeprefix("--hash=") for line in lines[1:] if line.startswith("--hash=")] == pip[2]
    assert all(line.startswith(("--hash=", "#")) for line in lines[1:]), extracted


def test_make_lock_resolves_pyproject_with_hashes() -> None:
    command = " ".join(makefile_recipe("lock"))
    assert "uv pip compile pyproject.toml" in command
    for option in ("--extra dev", "--generate-hashes", "--universal", "--output-file requirements.lock"):
        assert option in command, option
    assert "build-system" in command and "echo pip" in command
