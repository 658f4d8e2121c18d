"""The live preview, end to end: a save reaches the served pages and search in one rebuild; SIGTERM stops it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(check: object, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.slow
def test_a_saved_edit_reaches_the_served_pages_and_sigterm_stops_everything(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site / "briefings")
    shutil.copytree(ROOT / "docs", site / "docs", ignore=shutil.ignore_patterns("generated", ".generated"))
    shutil.copytree(ROOT / "overrides", site / "overrides")
    shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
    port = free_port()
    environment = {**os.environ, "BRIEFINGS_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "builder", "serve", "--addr", f"127.0.0.1:{port}"]
    output = tmp_path / "output"
    with output.open("w", encoding="utf-8") as stream:
        environment["PYTHONUNBUFFERED"] = "1"
        preview = subprocess.Popen(command, cwd=site, env=environment, stdout=stream, stderr=subprocess.STDOUT)
    page = f"http://127.0.0.1:{port}/timeline/2021-08/"
    search = f"http://127.0.0.1:{port}/search/search_index.json"
    try:
        assert wait_for(lambda: "Taliban claim Herat" in (fetch(page) or "")), "the preview never served the page"
        started = output.read_text(encoding="utf-8")
        herat = site / "briefings/events/herat-captured.yaml"
        herat.write_text(herat.read_text(encoding="utf-8").replace("title: ", "title: Saved, ", 1), encoding="utf-8")
        assert wait_for(lambda: "Saved, Taliban claim Herat" in (fetch(page) or ""), 30), "the edit never showed"
        briefing = fetch(f"http://127.0.0.1:{port}/briefings/2021-08-13/") or ""
        assert "Saved, Taliban claim Herat" in briefing, "the briefing that shows the event was not rebuilt"
        # The whole site is current, search included, as `make site` would build it.
        assert "Saved, Taliban claim Herat" in (fetch(search) or "")
        time.sleep(1)
        # One rebuild for the save, said in one line, and nothing else.
        said = output.read_text(encoding="utf-8")[len(started) :].splitlines()
        assert len(said) == 1 and said[0].startswith("rebuilt "), said
    finally:
        preview.send_signal(signal.SIGTERM)
        preview.wait(timeout=30)
    assert wait_for(lambda: fetch(page) is None, 15), "the server went on serving after the preview stopped"
    assert any((folder / "parsed.json").is_file() for folder in (tmp_path / "cache").iterdir())
