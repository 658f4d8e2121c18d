"""The template engine: a page's job (path, template, context) in, its Markdown out.

Templates never decide how text is made safe: every value they print passes through `escape.text`
unless it is already escaped Markup (from the `escape` filters or from the formatters).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup

from .. import escape, parallel, vocabulary
from ..model import Repository, kinds
from .text import format_date, format_day, format_time, period, tag_name, zone_name
from .views import Citation, View

MACROS = "_macros.md"
# The version whose private `CodeGenerator._output_child_pre` `_Generator` overrides; the project pins
# it, and tests/test_engine.py holds the override to Jinja's own output.
JINJA_VERSION = "3.1.6"


@dataclass(frozen=True)
class Job:
    """A page to render: its path, its template and what the template is given."""

    path: str
    template: str
    context: dict[str, Any]


class Later:
    """A context value computed while the page renders, from what the page reads: `function(repository, *arguments)`.

    What a page shows must come from its context or from the repository it is rendered with, so a
    value derived from records is given as the function and its arguments, not computed beforehand.
    """

    def __init__(self, function: Callable[..., Any], *arguments: Any) -> None:
        self.function = function
        self.arguments = arguments

    def value(self, repository: Repository) -> Any:
        return self.function(repository, *self.arguments)


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, Citation):
        return value.__html__()
    return escape.text(value)


class _Generator(CodeGenerator):
    """Compiles `{{ value }}` to `_finalize(value)` alone, without Jinja's `escape()` around it.

    `_finalize` already returns Markup for every value, so that `escape()` only copied it: a
    quarter of all rendering time. Volatile autoescape (which we never switch) keeps Jinja's code.
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is not None:
            self.write("(" + finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class _Environment(Environment):
    code_generator_class = _Generator


class _Templates(BaseLoader):
    """The builder's templates, then those of any kind of record registered with a folder of its own."""

    def __init__(self) -> None:
        self.builtin = PackageLoader("builder", "templates")

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        loaders = [self.builtin, *(FileSystemLoader(kind.templates) for kind in kinds() if kind.templates)]
        for loader in loaders[:-1]:
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        return loaders[-1].get_source(environment, template)

    def list_templates(self) -> list[str]:
        names = set(self.builtin.list_templates())
        for kind in kinds():
            if kind.templates:
                names.update(FileSystemLoader(kind.templates).list_templates())
        return sorted(names)


EARLIER = "Earlier events, newly reported"


def by_day(repository: Repository, event_ids: Sequence[str], since: date | None = None) -> list[tuple[str, list[str]]]:
    """Events grouped under the last day they may have happened, newest day first.

    Events over before `since` (learned of only in a briefing's period) come last, under one heading.
    """
    groups: dict[date, list[str]] = defaultdict(list)
    earlier = []
    for event_id in event_ids:
        day = repository.events[event_id].date.end
        if since is not None and day < since:
            earlier.append(event_id)
        else:
            groups[day].append(event_id)
    days = [(format_day(day), groups[day]) for day in sorted(groups, reverse=True)]
    return [*days, (EARLIER, earlier)] if earlier else days


def term(code: str, name: str) -> str:
    """The `term` filter: `{{ source.kind|term("source") }}` prints 'official statement' for `official-statement`."""
    return vocabulary.label(name, code)


def meaning(code: str, name: str) -> str:
    """The `meaning` filter: the glossary's one-line definition of a code."""
    return vocabulary.definition(name, code)


def configure(env: Environment) -> Environment:
    """`env` with the filters and globals the templates use."""
    env.filters.update(
        paragraphs=escape.paragraphs,
        url=escape.url,
        fmtitle=lambda value: Markup(escape.title(value)),
        zone=zone_name,
        anchor=escape.anchor,
        when=format_date,
        day=format_day,
        # Codes in words: no code of the model reaches a page.
        term=term,
        meaning=meaning,
        country=vocabulary.country,
        capital=vocabulary.capital,
        tag=tag_name,
        time=format_time,
    )
    env.globals.update(by_day=by_day, period=period)
    return env


@cache
def environment() -> Environment:
    """The one Jinja environment of the templates under builder/templates."""
    env = _Environment(
        loader=_Templates(),
        # Autoescape only makes macro output Markup; `_finalize` does the escaping, for Markdown.
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return configure(env)


def templates(names: set[str]) -> dict[str, Template]:
    """The named templates, each looked up once (a lookup checks its file), with the macros they import."""
    found = {name: environment().get_template(name) for name in sorted(names)}
    if found:
        environment().get_template(MACROS)
    return found


def compile_templates() -> None:
    """Compile every template ahead of the render, which then finds them in the environment.

    One that fails is left for the render, which reports it as it would have.
    """
    env = environment()
    for name in env.list_templates():
        try:
            env.get_template(name)
        except Exception:
            continue


# Spelled with a literal prefix, which the regex engine scans for far faster than "\n{3,}".
_BLANK_LINES = re.compile(r"\n\n\n+")


def page(template: Template, path: str, repository: Repository, context: dict[str, Any]) -> str:
    """The Markdown of the page at `path`: `template` rendered with `context`, reading `repository`."""
    view = View(repository, path)
    values = {key: value.value(repository) if isinstance(value, Later) else value for key, value in context.items()}
    text = template.render(view=view, page=path, **values)
    # Trailing spaces would be Markdown line breaks; runs of blank lines are noise in diffs.
    text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def run(
    repository: Repository, jobs: list[Job], workers: int | None = None, meanwhile: Callable[[], None] | None = None
) -> dict[str, str]:
    """The text of every job's page, rendered on `workers` cores; `meanwhile` runs here alongside."""
    loaded = templates({job.template for job in jobs})
    # Templates are compiled before any fork, so workers start with them.
    texts = parallel.split_map(lambda job: page(loaded[job.template], job.path, repository, job.context), jobs,
                               workers, meanwhile or (lambda: None))  # fmt: skip
    return {job.path: text for job, text in zip(jobs, texts, strict=True)}
