"""The ``ketrdf`` command line: a thin wrapper over the Python API.

Exit codes: 0 ok, 1 SHACL validation failed, 2 bad input or usage,
3 inconsistent ontology, 4 internal error (a bug: rerun with --debug),
5 a remote store failed (unreachable, refused credentials, timeout, rejected data),
130 interrupted (Ctrl-C), as shells report it.
Work is imported inside commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import importlib
import math
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ketrdf.engines.reasoners import DEFAULT_REASONER
from ketrdf.engines.validators import DEFAULT_VALIDATOR
from ketrdf.rdfio.formats import FORMAT_CHOICES

if TYPE_CHECKING:
    from ketrdf.engines.reasoners import Reasoner
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.project import Project

EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_OUT_OF_MEMORY = 2  # the input is more than the machine can hold: bad input, not a bug

F = TypeVar("F", bound=Callable[..., Any])


class Choices(click.Choice[str]):
    """A ``click.Choice`` read, when first needed, from the module that owns the names.

    ``source`` is ``module:NAME``: a collection of names, or a function returning them
    (a registry's, so that an engine registered at run time is a valid choice).
    """

    def __init__(self, *sources: str) -> None:
        super().__init__(())
        self.sources = sources

    @property
    def choices(self) -> tuple[str, ...]:
        """Every name of every source, in order."""
        names: list[str] = []
        for source in self.sources:
            module, _, attribute = source.partition(":")
            found = getattr(importlib.import_module(module), attribute)
            names.extend(found() if callable(found) else found)
        return tuple(names)

    @choices.setter
    def choices(self, _names: Sequence[str]) -> None:
        """Ignored: the names come from the sources."""


def _echo_error(message: str) -> None:
    click.echo(f"ketrdf: error: {message}", err=True)


class KetGroup(click.Group):
    """A click group that turns ketrdf's errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map errors to their documented exit codes."""
        from ketrdf.errors import KetError, ValidationFailed

        debug = bool(ctx.params.get("debug"))
        out_of_memory = False
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            _echo_error("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader (e.g. `head`) closed the pipe: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except MemoryError:
            if debug:
                raise
            out_of_memory = True  # said below, once the exception and the frames it holds are gone
        except ValidationFailed as error:
            if debug:
                raise
            for line in error.details:
                click.echo(line, err=True)
            _echo_error(str(error))
            ctx.exit(error.exit_code)
        except KetError as error:
            if debug:
                raise
            _echo_error(str(error))
            ctx.exit(error.exit_code)
        except Exception as error:
            if debug:
                raise
            _echo_error(f"internal error: {type(error).__name__}: {error} (rerun with --debug)")
            ctx.exit(EXIT_INTERNAL)
        if out_of_memory:
            _echo_error("out of memory: the graph needs more memory than this process may use "
                        "(KETRDF_MAX_TRIPLES and KETRDF_MAX_INPUT_MB bound the input); build/ is as it was")
            ctx.exit(EXIT_OUT_OF_MEMORY)
        return None


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A status line on stderr for long steps (silent when not a terminal or --quiet).

    rich is imported by the first step shown: a command that has none to show never loads it.
    """
    if quiet:
        yield lambda _stage: None
        return
    shown: list[Any] = []  # the status, once started; None when stderr is no terminal

    def show(stage: str) -> None:
        if not shown:
            from rich.console import Console

            console = Console(stderr=True)
            shown.append(console.status(stage) if console.is_terminal else None)
            if shown[0] is not None:
                shown[0].start()
        elif shown[0] is not None:
            shown[0].update(stage)

    try:
        yield show
    finally:
        if shown and shown[0] is not None:
            shown[0].stop()


def _project(ctx: click.Context) -> Project:
    from ketrdf.errors import InputError
    from ketrdf.project import ONTOLOGY_FILE, Project

    root = ctx.obj.get("project")
    if not root:
        return Project.discover()
    project = Project(Path(root).resolve())
    if not project.ontology_file.is_file():
        raise InputError(f"--project {root}: not a ketrdf project (no ontology/{ONTOLOGY_FILE})")
    return project


def _reasoner(ctx: click.Context) -> Reasoner:
    from ketrdf.engines.reasoners import get_reasoner

    return get_reasoner(ctx.obj["reasoner"])


def _graph(ctx: click.Context) -> KnowledgeGraph:
    from ketrdf.pipeline.build import obtain_graph

    with _progress(ctx.obj["quiet"]) as progress:
        return obtain_graph(_project(ctx), progress, _reasoner(ctx), ctx.obj["validator"])


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from ketrdf.rdfio.files import atomic_write_bytes

    atomic_write_bytes(output, text.encode("utf-8"))


def format_option(func: F) -> F:
    """``--format`` for query results, defined once."""
    return click.option(
        "--format", "output_format", type=Choices("ketrdf.query.results:RESULT_FORMATS"),
        default="table", show_default=True, help="How to print the results.",
    )(func)


MAX_TIMEOUT = 604_800.0  # a week


def _finite(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if math.isnan(value):
        raise click.BadParameter("not a number of seconds")
    return value


def timeout_option(func: F) -> F:
    """``--timeout``, defined once: stop a query that runs too long."""
    return click.option(
        "--timeout", type=click.FloatRange(min=0, max=MAX_TIMEOUT), default=60.0, show_default=True,
        callback=_finite, help="Stop a query after this many seconds (0: no limit).",
    )(func)


def engine_option(default: str) -> Callable[[F], F]:
    """``--engine``, defined once: a SPARQL engine of :mod:`ketrdf.engines.sparql`'s registry."""
    return click.option(
        "--engine", type=Choices("ketrdf.engines.sparql:engine_names"), default=default, show_default=True,
        help="SPARQL engine for the local graph: oxigraph (fast) or rdflib (the reference); "
             "both give the same answers.",
    )


def output_option(func: F) -> F:
    """``-o/--output``, defined once: write to a file (atomically) instead of stdout."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Write to this file instead of standard output.",
    )(func)


def store_options(func: F) -> F:
    """Options to reach a remote store, defined once (credentials only from env or netrc)."""
    options = [
        click.option("--auth", type=Choices("ketrdf.stores.endpoint:AUTH_METHODS"), default=None,
                     help="HTTP authentication (default: basic when credentials are found, else none). "
                          "Credentials: KETRDF_STORE_USER/KETRDF_STORE_PASSWORD or a netrc file."),
        click.option("--netrc", "netrc_file", type=click.Path(dir_okay=False, path_type=Path),
                     default=None,
                     help="A netrc file with the store's credentials (default: $NETRC, ~/.netrc)."),
        click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
                     help="Retries of a refused connection or an HTTP 502/503/504."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _endpoint(url: str, auth: str | None, netrc_file: Path | None, timeout: float, retries: int,
              update: str | None = None, gsp: str | None = None,
              default_graphs: tuple[str, ...] = ()) -> Any:
    from ketrdf.stores.endpoint import make_endpoint

    return make_endpoint(url, update, gsp, auth, netrc_file, timeout or 3600.0, retries, default_graphs)


@click.group(cls=KetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(file_okay=False, exists=True), default=None,
              help="The ketrdf source tree (default: found from the current folder, else the data "
                   "installed with the package).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("--reasoner", type=Choices("ketrdf.engines.reasoners:reasoner_names"),
              default=DEFAULT_REASONER, show_default=True,
              help="OWL 2 RL engine. rl: ketrdf's own OWL 2 RL engine (fast); owlrl: the owlrl library, "
                   "the reference. Both give the same entailments.")
@click.option("--validator", type=Choices("ketrdf.engines.validators:validator_names"),
              default=DEFAULT_VALIDATOR, show_default=True,
              help="SHACL validator for build and validate: fast (pyshacl-turbo), or pyshacl "
                   "(the reference); both give the same results.")
@click.version_option(package_name="ketrdf")
@click.pass_context
def main(ctx: click.Context, project: str | None, quiet: bool, debug: bool, reasoner: str,
         validator: str) -> None:
    """Build, reason over, validate, query and export the ketrdf knowledge graph.

    Exit codes: 0 ok, 1 validation failed, 2 bad input or usage,
    3 inconsistent ontology, 4 internal error, 5 remote store failed, 130 interrupted.
    """
    from ketrdf.rdfio.collector import collect_less_often

    collect_less_often()  # a command may load a large graph: see the module
    if not debug:  # a Rust library out of memory while printing a panic's backtrace hangs: abort instead
        os.environ["RUST_BACKTRACE"] = "0"
    ctx.ensure_object(dict)
    ctx.obj.update(project=project, quiet=quiet, debug=debug, reasoner=reasoner, validator=validator)


@main.command()
@click.option("--force", is_flag=True,
              help="Build even if build/ is current: made from the same sources, with the same "
                   "engines and software, and unchanged since.")
@click.pass_context
def build(ctx: click.Context, force: bool) -> None:
    """Load, reason (rules + OWL-RL), validate and write artefacts to build/ (unless it is current)."""
    from ketrdf.pipeline.cache import FAILED_BUILD_DIR, current_build

    project = _project(ctx)
    summary = None if force else current_build(project, ctx.obj["reasoner"], ctx.obj["validator"])
    written: tuple[Path, ...] = ()
    if summary is None:
        from ketrdf.pipeline.build import build as run_build

        with _progress(ctx.obj["quiet"]) as progress:
            result = run_build(project, reasoner=_reasoner(ctx), validator=ctx.obj["validator"],
                               progress=progress)
        summary, written = result.summary, result.artefacts
    click.echo(f"asserted triples: {summary.ontology + summary.content} "
               f"(ontology {summary.ontology}, content {summary.content})")
    click.echo(f"inferred triples: {summary.inferred}")
    click.echo(f"saved-query catalogue: {summary.queries} triples")
    click.echo(f"SHACL: {summary.shapes} shapes, conforms"
               + (f" with {len(summary.warnings)} warning(s)" if summary.warnings else ""))
    click.echo(f"QC: {summary.qc_checks} checks, no problems")
    for path in written:
        click.echo(f"wrote {path.relative_to(project.root) if path.is_relative_to(project.root) else path}")
    if not written:  # build/ passed: a failure's report from other sources is out of date
        shutil.rmtree(project.build_dir.with_name(FAILED_BUILD_DIR), ignore_errors=True)
        click.echo(f"{project.build_dir} is current (same sources, engines and software, files unchanged): "
                   "nothing written; --force builds again")


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True, dir_okay=True))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check Turtle FILES with the ontology, content and shapes; writes nothing.

    A file named like a content file replaces it for this check.
    """
    from ketrdf.pipeline.build import check_graph, failure

    with _progress(ctx.obj["quiet"]) as progress:
        checked = check_graph(_project(ctx), extra_content=list(files), reasoner=_reasoner(ctx),
                              validator=ctx.obj["validator"],
                              progress=progress)
    if not checked.passes:
        raise failure(checked)
    for result in checked.report.results:
        click.echo(result.describe())
    click.echo(f"conforms: {', '.join(str(f) for f in files)} "
               f"({checked.report.shapes_checked} shapes, {checked.qc_checks} QC checks)")


@main.group()
def query() -> None:
    """Saved SPARQL queries (queries/*.rq)."""


@query.command("list")
@click.pass_context
def query_list(ctx: click.Context) -> None:
    """List the saved queries with their questions and parameters."""
    from ketrdf.query.saved import load_saved_queries

    for saved in load_saved_queries(_project(ctx).queries_dir).values():
        click.echo(f"{saved.name}: {saved.title}")
        click.echo(f"    {saved.question}")
        for param in saved.params:
            default = f", default {param.default}" if param.default is not None else ""
            required = ", required" if param.required else ""
            click.echo(f"    --param {param.name}=... ({param.cls or param.type}{required}{default}) "
                       f"{param.description}")
        if saved.example:
            example = " ".join(f"-p {key}={value!r}" for key, value in saved.example.items())
            click.echo(f"    example: ketrdf query run {saved.name} {example}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from ketrdf.errors import InputError

    values = {}
    for pair in pairs:
        _check_utf8(pair, "--param")
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param takes NAME=VALUE, not {pair!r}")
        values[key] = value
    return values


def _check_utf8(text: str, what: str) -> None:
    """Refuse an argument that is not UTF-8 (Python keeps its bad bytes as lone surrogates)."""
    from ketrdf.errors import InputError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(f"{what}: not UTF-8 text (a bad byte at character {error.start + 1})") from None


@query.command("run")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value (repeatable).")
@click.option("--all", "run_all", is_flag=True,
              help="Run every saved query, with the parameters of its example.")
@format_option
@output_option
@timeout_option
@click.option("--endpoint", default=None, metavar="URL",
              help="Run on this SPARQL endpoint instead of the local graph (labels in parameters "
                   "are resolved in the local build).")
@click.option("--default-graph", "default_graphs", multiple=True, metavar="IRI",
              help="With --endpoint: a graph to query (repeatable; default: ketrdf's four named graphs).")
@store_options
@engine_option("oxigraph")
@click.pass_context
def query_run(ctx: click.Context, name: str | None, params: tuple[str, ...], run_all: bool,
              output_format: str, output: Path | None, timeout: float, endpoint: str | None,
              default_graphs: tuple[str, ...], auth: str | None, netrc_file: Path | None,
              retries: int, engine: str) -> None:
    """Run the saved query NAME on the reasoned graph, or on a remote endpoint."""
    from ketrdf.answer import answer_queries, cached_engine, choose_queries, query_engine
    from ketrdf.engines.sparql import DEFAULT_ENGINE
    from ketrdf.query.results import render
    from ketrdf.query.saved import load_saved_queries

    project = _project(ctx)
    chosen = choose_queries(load_saved_queries(project.queries_dir), name, run_all)
    values = _parse_params(params)
    with _progress(ctx.obj["quiet"]) as progress:  # on a current build: Oxigraph from the cache, no rdflib
        lookups = cached_engine(project, ctx.obj["reasoner"], ctx.obj["validator"], progress)
    kg = None
    if lookups is None or (engine != DEFAULT_ENGINE and not endpoint):
        kg = _graph(ctx)
        lookups = lookups or query_engine(kg, DEFAULT_ENGINE)
    remote = None
    if endpoint:
        from ketrdf.rdfio.writers import GRAPH_SELECTIONS

        graphs = default_graphs or tuple(str(g) for g in GRAPH_SELECTIONS["all"])
        remote = _endpoint(endpoint, auth, netrc_file, timeout, retries, default_graphs=graphs)
    target = lookups if engine == DEFAULT_ENGINE and remote is None else query_engine(kg, engine, remote)
    texts = []
    for answer in answer_queries(None, chosen, None if run_all else values, target, timeout or None,
                                 resolver=lookups):
        saved = answer.query
        arguments = "".join(f" -p {key}={value!r}" for key, value in answer.values.items())
        heading = (f"{saved.title}  [ketrdf query run {saved.name}{arguments}]\n{saved.question}"
                   if output_format == "table" else "")
        texts.append(render(answer.result, output_format, heading))
    _write_output("\n".join(texts), output)


def _query_text(query_or_file: str) -> tuple[str, str]:
    """The query text and its origin: a file's text, or the argument itself.

    An argument naming a ``.rq`` or ``.sparql`` file that does not exist is an error.
    """
    from ketrdf.errors import InputError
    from ketrdf.query.saved import read_query_file

    _check_utf8(query_or_file, "the query")
    candidate = Path(query_or_file)
    try:
        is_file = "\n" not in query_or_file and candidate.is_file()
    except (OSError, ValueError):  # a name too long for the system, a NUL: not a file
        is_file = False
    if is_file:
        return read_query_file(candidate), str(candidate)
    if candidate.suffix.lower() in (".rq", ".sparql") and not any(c.isspace() for c in query_or_file):
        raise InputError(f"{query_or_file}: no such file")
    return query_or_file, "query"


@main.command()
@click.argument("query_or_file")
@click.option("--format", "output_format",
              type=Choices("ketrdf.query.results:RESULT_FORMATS", "ketrdf.query.results:GRAPH_FORMATS"),
              default="table", show_default=True,
              help="How to print the results: table, csv, tsv or json for SELECT and ASK; turtle "
                   "(the default's form), ntriples or jsonld for CONSTRUCT and DESCRIBE.")
@output_option
@timeout_option
@engine_option("rdflib")
@click.pass_context
def sparql(ctx: click.Context, query_or_file: str, output_format: str,
           output: Path | None, timeout: float, engine: str) -> None:
    """Run an ad-hoc query (text, or a .rq file) on the reasoned graph.

    SELECT, ASK, CONSTRUCT or DESCRIBE. The default graph is the union of ketrdf's
    graphs; GRAPH reaches each of them by name, as with 'ketrdf serve'.
    """
    from ketrdf.answer import cached_engine
    from ketrdf.engines.sparql import DEFAULT_ENGINE, sparql_engine
    from ketrdf.query.gate import prepare
    from ketrdf.query.results import render

    text, origin = _query_text(query_or_file)
    prepare(text, origin)  # the gate refuses before the graph is built
    target = None
    if engine == DEFAULT_ENGINE:  # on a current build: Oxigraph from the cache, as `query run` does
        with _progress(ctx.obj["quiet"]) as progress:
            target = cached_engine(_project(ctx), ctx.obj["reasoner"], ctx.obj["validator"], progress)
    target = target or sparql_engine(engine, _graph(ctx))
    result = target.run(text, origin=origin, timeout=timeout or None)
    _write_output(render(result, output_format), output)


@main.command()
@output_option
@click.pass_context
def docs(ctx: click.Context, output: Path | None) -> None:
    """Write the reference (Markdown) of every class, property and named individual of the graph."""
    from ketrdf.present.reader import GraphReader
    from ketrdf.present.vocabulary_docs import vocabulary_markdown

    reader = GraphReader.for_project(_graph(ctx), _project(ctx).prefixes_file)
    _write_output(vocabulary_markdown(reader), output)


@main.command()
@click.argument("identifier")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="The language of labels, where the graph has them.")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to print the view.")
@output_option
@click.pass_context
def show(ctx: click.Context, identifier: str, lang: str, output_format: str, output: Path | None) -> None:
    """One view of a claim id (ENAN-14), IRI, CURIE or label (en or ja) in the reasoned graph.

    A claim: what it says, where, its status, whose view, evidence, references, the
    claims it is based on and what reasoning derived. Anything else: what the graph
    says of it, its external identifiers and the claims that involve it.
    """
    from ketrdf.present.reader import GraphReader
    from ketrdf.present.show import resolve
    from ketrdf.present.show_render import render_view

    project = _project(ctx)
    reader = GraphReader.for_project(_graph(ctx), project.prefixes_file)
    _write_output(render_view(resolve(reader, identifier, lang), output_format), output)


@main.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder to write the site into, replaced whole [default: build/site].")
@click.option("--lang", type=click.Choice(["en", "ja", "both"]), default="both", show_default=True,
              help="The language of the pages (both: English and Japanese, with a switch).")
@click.option("--publish-base", default=None, metavar="URL",
              help="The static host the w3id.org rules (.htaccess) send readers to "
                   "(default: a placeholder, https://example.org/ketrdf/).")
@click.pass_context
def site(ctx: click.Context, output: Path | None, lang: str, publish_base: str | None) -> None:
    """Write the static Linked Data site: a page per term, resource and saved query, diagrams, RDF files."""
    from ketrdf.present.site.build import build_site
    from ketrdf.present.site.publish import DEFAULT_PUBLISH_BASE
    from ketrdf.present.site.writer import SiteOptions, check_output

    project = _project(ctx)
    output = output or project.build_dir / "site"
    check_output(output)
    options = SiteOptions(("en", "ja") if lang == "both" else (lang,), publish_base or DEFAULT_PUBLISH_BASE)
    count = build_site(project, _graph(ctx), output, options)
    click.echo(f"wrote the site ({count} files) to {output}; open {output / 'index.html'}")


@main.command()
@click.option("--format", "output_format", required=True, type=click.Choice(FORMAT_CHOICES),
              help="The RDF format to write; nanopub: a nanopublication per claim (TriG); "
                   "kgx: KGX nodes and edges TSV files in the folder -o DIR.")
@click.option("--graph", "selection", type=Choices("ketrdf.rdfio.writers:GRAPH_SELECTIONS"),
              default="all", show_default=True, help="Which triples to export.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of standard output (kgx: into this folder).")
@click.pass_context
def export(ctx: click.Context, output_format: str, selection: str, output: Path | None) -> None:
    """Export the reasoned graph; TriG and N-Quads keep the named graphs apart."""
    from ketrdf.pipeline.export import export as write_export
    from ketrdf.rdfio.writers import serialize_chunks

    if output_format == "kgx":
        from ketrdf.pipeline import kgx

        if output is None:
            from ketrdf.errors import InputError

            raise InputError("--format kgx writes two files (nodes and edges): give a folder with -o DIR")
        for path, size in kgx.write(_graph(ctx), output):
            click.echo(f"wrote {path} ({size} bytes)", err=True)
        return
    kg = _graph(ctx)
    if output_format == "nanopub":
        from ketrdf.pipeline import nanopub

        if output is None:
            sys.stdout.buffer.write(nanopub.serialize(kg))
            return
        click.echo(f"wrote {output} ({nanopub.write(kg, output)} bytes)", err=True)
        return
    if output is None:
        sys.stdout.buffer.writelines(serialize_chunks(kg, output_format, selection))
        return
    size = write_export(kg, output_format, output, selection)
    click.echo(f"wrote {output} ({size} bytes)", err=True)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's SPARQL query endpoint (used to check triple counts).")
@click.option("--update-endpoint", default=None, metavar="URL",
              help="The SPARQL Update endpoint (default: --endpoint).")
@click.option("--gsp-endpoint", default=None, metavar="URL",
              help="A Graph Store Protocol endpoint: upload batches by HTTP POST instead of INSERT DATA.")
@click.option("--graph", default=None, metavar="IRI",
              help="Put every selected triple into this one graph (default: ketrdf's named graphs).")
@click.option("--what", type=Choices("ketrdf.rdfio.writers:GRAPH_SELECTIONS"), default="all",
              show_default=True, help="Which triples to push.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Triples per request (default: 10000 by Graph Store, 1000 by SPARQL Update, "
                   "which some stores compile into memory).")
@click.option("--timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for each request (0: an hour).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; contact no store.")
@store_options
@click.pass_context
def push(ctx: click.Context, endpoint: str, update_endpoint: str | None, gsp_endpoint: str | None,
         graph: str | None, what: str, batch_size: int | None, timeout: float, dry_run: bool,
         auth: str | None, netrc_file: Path | None, retries: int) -> None:
    """Load the build into a SPARQL 1.1 store, replacing each target graph in one step."""
    from ketrdf.stores.push import describe, plan
    from ketrdf.stores.push import push as run_push

    target = _endpoint(endpoint, auth, netrc_file, timeout, retries, update_endpoint, gsp_endpoint)
    uploads = plan(_graph(ctx), what, graph, batch_size or (10_000 if gsp_endpoint else 1_000))
    if dry_run:
        for line in describe(uploads, target):
            click.echo(line)
        return
    with _progress(ctx.obj["quiet"]) as progress:
        run_push(target, uploads, progress)
    for upload in uploads:
        click.echo(f"pushed <{upload.target}>: {upload.triples} triples in {len(upload.batches)} batch(es)")


def _site_folder(ctx: click.Context, kg: KnowledgeGraph, site_dir: Path | None) -> tuple[Path, str]:
    """The site ``serve`` serves (``site_dir``, else the build's), written first if it is missing."""
    from ketrdf.present.site.build import build_site

    project = _project(ctx)
    site = site_dir or project.build_dir / "site"
    if (site / "index.html").is_file():
        return site, f"the site {site}"
    return site, f"the site {site}, just written: {build_site(project, kg, site)} files"


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True,
              help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any other than 127.0.0.1 lets other machines in.")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The site folder to serve (default: build/site, written first if missing).")
@click.option("--no-site", is_flag=True, help="Serve only the SPARQL endpoint (no site, no IRIs).")
@click.option("--timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Stop each query after this many seconds.")
@click.option("--max-answer-mb", type=click.IntRange(1, 1024), default=64, show_default=True,
              help="Refuse an answer larger than this many megabytes.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, site_dir: Path | None, no_site: bool, timeout: int,
          max_answer_mb: int) -> None:
    """Serve the site and a read-only SPARQL endpoint over the reasoned graph (Ctrl-C stops it).

    Resource and term IRIs resolve with content negotiation; the endpoint is /sparql.
    Updates, SERVICE and FROM are refused; each query is bounded in time and answer size.
    """
    from ketrdf.stores.serve import HOST, Limits, listen
    from ketrdf.stores.serve import serve as run_server

    if no_site and site_dir is not None:
        raise click.UsageError("give --site DIR or --no-site, not both")
    with listen(host, port) as server:  # a port in use is reported before the graph is loaded
        kg = _graph(ctx)
        site, written = (None, "no site") if no_site else _site_folder(ctx, kg, site_dir)

        def ready(url: str) -> None:
            click.echo(f"serving {url} ({written}) and the SPARQL endpoint {url}sparql "
                       "(default graph: the union of ketrdf's graphs); Ctrl-C stops it", err=True)
            if host != HOST:
                click.echo(f"listening on {host}, not only on {HOST}: other machines can reach it", err=True)

        ctx.exit(run_server(kg, server, ready, Limits(timeout, max_answer_mb * 2**20), site))


@main.command("import")
@click.argument("name")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@click.pass_context
def import_module(ctx: click.Context, name: str, source: Path, output: Path | None) -> None:
    """Extract a module of the OBO ontology NAME (chebi, mondo, go, ...) from its OWL file SOURCE.

    The module holds every term of NAME in the mapping table and in
    ontology/imports/NAME_terms.txt, their ancestors and has-role restrictions;
    it is written to ontology/imports/NAME_import.ttl and queried with the graph.
    """
    from rdflib.namespace import OWL, RDF

    from ketrdf.external.extract import extract, module_iri, module_path, seed_terms
    from ketrdf.rdfio.files import atomic_write_bytes
    from ketrdf.rdfio.writers import turtle

    project = _project(ctx)
    seeds = seed_terms(project, name)
    result = extract(source, seeds, module_iri(name))
    target = output or module_path(project, name)
    atomic_write_bytes(target, turtle(result.graph))
    classes = len(set(result.graph.subjects(RDF.type, OWL.Class)))
    click.echo(f"read {result.classes_read} classes from {source}; {len(result.seeds)} seed terms; "
               f"wrote {target} ({classes} classes, {len(result.graph)} triples)")
    for seed in result.missing:
        click.echo(f"warning: seed term {seed} is not in {source}", err=True)


@main.command()
@click.argument("name", type=Choices("ketrdf.external.link:LINKERS"))
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@format_option
@click.pass_context
def link(ctx: click.Context, name: str, source: Path, output_format: str) -> None:
    """Propose mappings of the compounds to ontology NAME by InChIKey (exact, stereo-mismatch, missing)."""
    from rdflib import Literal

    from ketrdf.external.link import LINKERS
    from ketrdf.query.results import QueryResult, render

    proposals = LINKERS[name](_project(ctx), source)
    columns = ("subject_id", "subject_label", "inchikey", "status", "suggestion", "chebi_id", "chebi_label",
               "chebi_inchikey", "in_table")
    rows = tuple(tuple(Literal(str(getattr(p, column)).lower() if column == "in_table"
                               else getattr(p, column)) for column in columns) for p in proposals)
    click.echo(render(QueryResult(variables=columns, rows=rows), output_format), nl=False)


# --- Releases (issue 18): `ketrdf release` and `ketrdf diff` ---------------------------------------


@main.command("release")
@click.argument("version")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The folder to write (default: releases/VERSION in the project, where the next "
                   "release looks for the last one).")
@click.option("--force", is_flag=True, help="Replace the output folder if it holds an earlier release.")
@click.pass_context
def release_command(ctx: click.Context, version: str, output: Path | None, force: bool) -> None:
    """Write the release VERSION (SemVer, above the last release in releases/), whole or not at all.

    The ontology in base, full and OWL-RL forms (RDF/XML and Turtle), the shapes, the
    SSSOM table, every export format, VoID and DCAT, CHANGELOG.md and checksums.
    """
    from ketrdf.release.release import release

    _check_utf8(version, "VERSION")
    with _progress(ctx.obj["quiet"]) as progress:
        made = release(_project(ctx), version, output, force, _reasoner(ctx), ctx.obj["validator"], progress)
    for name, size in made.files.items():
        click.echo(f"{size:>10}  {name}")
    since = f"; changes since {made.previous} in CHANGELOG.md" if made.previous else "; first release"
    click.echo(f"released {made.version} in {made.folder} ({len(made.files)} files{since})")


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Markdown for people, JSON for machines.")
@output_option
@click.pass_context
def diff_command(ctx: click.Context, old: Path, new: Path, output_format: str, output: Path | None) -> None:
    """Say what changed from the build or release folder OLD to NEW.

    Claims, references, terms, other resources, mappings and identifiers added, removed
    or changed; blank nodes compared by structure.
    """
    from ketrdf.errors import InputError
    from ketrdf.release.diff import SystemOf, compare, markdown, project_systems, read_folder, to_json

    old_graphs, new_graphs = read_folder(old), read_folder(new)
    try:
        systems: SystemOf = project_systems(_project(ctx))
    except InputError:  # outside a project: mappings are matched by their whole object IRI
        systems = lambda _iri: None  # noqa: E731
    changes = compare(old_graphs, new_graphs, str(old), str(new), systems)
    _write_output(to_json(changes) if output_format == "json" else markdown(changes), output)
