"""The `briefings` command: a thin shell over the pipeline."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import pipeline
from .model import KINDS
from .problems import DataError, format_github, format_json, format_text, job_summary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefings", description="Validate and build situation briefings.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate every record and print every problem")
    check.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    check.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        help="text (default), github (workflow annotations; default in GitHub Actions) or json",
    )
    schemas = commands.add_parser("schemas", help="write the JSON Schemas of the record files")
    schemas.add_argument("--out", type=Path, default=pipeline.SCHEMA_DIR, help="folder to write to (default: schemas)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns 0 on success, 1 on problems in the data, 2 on misuse."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return int(exit.code or 0)
    if args.command == "check":
        return _check(args.data, args.format)
    if args.command == "schemas":
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in pipeline.schemas().items():
            (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(pipeline.schemas())} schemas to {args.out}/")
        return 0
    return 2


def _check(data: Path, output: str) -> int:
    if not data.is_dir():
        print(f"briefings: no data folder at {data}; pass --data DIR", file=sys.stderr)
        return 2
    try:
        repository = pipeline.check(data)
    except DataError as error:
        problems = error.problems
    else:
        problems = []
    if output == "json":
        print(format_json(problems))
    elif output == "github":
        print(format_github(problems) if problems else "no problems found")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as stream:
                stream.write(job_summary(problems))
    elif problems:
        print(format_text(problems))
    if not problems and output == "text":
        counts = ", ".join(f"{len(getattr(repository, kind))} {kind}" for kind in KINDS)
        print(f"no problems found ({counts})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
