"""The `briefings` command: a thin shell over the pipeline."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import frozen, pipeline
from .handwritten import ClashError
from .model import KINDS, SINGULAR
from .parallel import ChildError
from .problems import DataError, format_github, format_json, format_text, job_summary
from .publish import PublishError, publish, site_address
from .reuse import Memory
from .scaffold import ScaffoldError, write_stub
from .validate import site_today
from .write import WriteError


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
    check.add_argument(
        "--base",
        metavar="REF",
        help="also fail on any change to a briefing published at this git revision, e.g. origin/main",
    )
    build = commands.add_parser("build", help="validate, then write the site's pages into docs/generated")
    build.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    build.add_argument("--docs", type=Path, default=pipeline.DOCS, help="the docs folder (default: docs)")
    site = commands.add_parser("site", help="build the pages, then the site with MkDocs, failing on any warning")
    site.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    site.add_argument("--docs", type=Path, default=pipeline.DOCS, help="the docs folder (default: docs)")
    site.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the MkDocs configuration (default: mkdocs.yml)"
    )
    serve = commands.add_parser("serve", help="live preview: rebuild on every change, serve on 127.0.0.1:8000")
    serve.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    serve.add_argument("--docs", type=Path, default=pipeline.DOCS, help="the docs folder (default: docs)")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="where to serve (default: 127.0.0.1:8000)")
    serve.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the MkDocs configuration (default: mkdocs.yml)"
    )
    new = commands.add_parser("new", help="write a new record's stub, ready to fill in")
    new.add_argument("kind", choices=[SINGULAR[k] for k in KINDS], help="the kind of record")
    new.add_argument("id", help="the new record's id, e.g. kandahar-airport-falls (its file name)")
    new.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    changes = commands.add_parser("changes", help="summarise in Markdown the content changed since a git revision")
    changes.add_argument("base", help="the git revision to compare with, e.g. HEAD~1 or origin/main")
    changes.add_argument("--data", type=Path, default=Path("briefings"), help="the data folder (default: briefings)")
    pdf = commands.add_parser("pdf", help="print each briefing of the built site to a PDF, in headless Chromium")
    pdf.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    pdf.add_argument("--out", type=Path, help="folder for the PDFs (default: where each page links its PDF)")
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
        return _check(args.data, args.format, args.base)
    if args.command == "build":
        return _build(args.data, args.docs)
    if args.command == "site":
        return _build(args.data, args.docs) or _publish(args.config, site_address(args.data))
    if args.command == "serve":
        from .preview import serve

        if not args.config.is_file():
            print(f"briefings: no MkDocs configuration at {args.config}; pass --config FILE", file=sys.stderr)
            return 2
        # The preview builds again on every save: one memory across its builds lets each redo only what changed.
        memory = Memory()
        try:
            return serve(
                args.data,
                args.docs,
                args.config,
                args.addr,
                lambda remembering: _build(args.data, args.docs, memory if remembering else None, quiet=True) == 0,
            )
        finally:
            memory.close()
    if args.command == "new":
        folder = next(k for k in KINDS if SINGULAR[k] == args.kind)
        try:
            written = write_stub(args.data, folder, args.id, site_today(args.data).day)
        except ScaffoldError as error:
            print(f"briefings: {error}", file=sys.stderr)
            return 2
        print(f"wrote {written}; fill in the empty fields, then run `make check`")
        return 0
    if args.command == "changes":
        from .summary import summarize

        try:
            print(summarize(args.base, args.data))
        except ValueError as error:
            print(f"briefings: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "pdf":
        return _pdf(args.site, args.out)
    if args.command == "schemas":
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in pipeline.schemas().items():
            (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(pipeline.schemas())} schemas to {args.out}/")
        return 0
    return 2


def _build(data: Path, docs: Path, memory: Memory | None = None, quiet: bool = False) -> int:
    if not data.is_dir() or not docs.is_dir():
        print(f"briefings: need a data folder ({data}) and a docs folder ({docs})", file=sys.stderr)
        return 2
    try:
        pages, changed = pipeline.build(data, docs, memory)
    except DataError as error:
        print(format_text(error.problems))
        print("nothing was written; the previous pages are unchanged")
        return 1
    except (ClashError, WriteError, OSError) as error:
        print(f"briefings: {error}; the previous pages are unchanged", file=sys.stderr)
        return 1
    except ChildError as error:
        # The worker's traceback is for a bug report; its last line says what went wrong.
        print(f"briefings: {str(error).strip().splitlines()[-1]}; the previous pages are unchanged", file=sys.stderr)
        return 1
    if not quiet:
        print(f"{pages} pages {'written to' if changed else 'unchanged in'} {docs / pipeline.GENERATED}/")
    return 0


def _publish(config: Path, site_url: str | None = None) -> int:
    if not config.is_file():
        print(f"briefings: no MkDocs configuration at {config}; pass --config FILE", file=sys.stderr)
        return 2
    try:
        made = publish(config, site_url)
    except PublishError as error:
        print(f"briefings: {error}\nnothing was published; the previous site is unchanged", file=sys.stderr)
        return 1
    if made.unchanged:
        print(f"site unchanged in {made.site}/")
    elif made.pages:
        print(f"site built strictly into {made.site}/ ({made.rendered:,} of {made.pages:,} pages rendered)")
    else:
        print(f"site built strictly into {made.site}/")
    return 0


def _pdf(site: Path, out: Path | None) -> int:
    from .pdf import PdfError, print_briefings

    if not (site / "index.html").is_file():
        print(f"briefings: no built site at {site}; run make site first, or pass --site DIR", file=sys.stderr)
        return 2
    try:
        written = print_briefings(site, out)
    except PdfError as error:
        print(f"briefings: {error}", file=sys.stderr)
        return 1
    folders = sorted({path.parent.as_posix() for path in written})
    print(f"{len(written)} PDF{'s' * (len(written) != 1)} written to {', '.join(folders) or site}/")
    return 0


def _check(data: Path, output: str, base: str | None = None) -> int:
    if not data.is_dir():
        print(f"briefings: no data folder at {data}; pass --data DIR", file=sys.stderr)
        return 2
    try:
        repository = pipeline.check(data)
    except DataError as error:
        problems = error.problems
    except OSError as error:
        print(f"briefings: cannot read {data}: {error.strerror}", file=sys.stderr)
        return 2
    else:
        problems = []
    # Published briefings are compared only once the data is valid: an invalid side cannot be rendered.
    if base is not None and not problems:
        try:
            problems = frozen.check(data, base, repository)
        except ValueError as error:
            print(f"briefings: {error}", file=sys.stderr)
            return 2
        except OSError as error:
            print(f"briefings: cannot read the data at {base}: {error.strerror or error}", file=sys.stderr)
            return 2
        except ChildError as error:
            print(f"briefings: {str(error).strip().splitlines()[-1]}", file=sys.stderr)
            return 1
    if output == "json":
        print(format_json(problems))
    elif output == "github":
        print(format_github(problems) if problems else "no problems found")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as stream:
                title = "Briefings check" if base is None else f"Published briefings since {base}"
                stream.write(job_summary(problems, title))
    elif problems:
        print(format_text(problems))
    if not problems and output == "text":
        counts = ", ".join(f"{len(getattr(repository, kind))} {kind}" for kind in KINDS)
        print(f"no problems found ({counts})")
        if base is not None:
            print(f"no briefing published at {base} would change")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
