"""The `quotesvc` command (also `python -m quotesvc`).

Subcommands live in COMMANDS: name -> (add its arguments to a parser, run it with the parsed args and
return an exit status). To add one, write those two functions and register them with @command.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

from . import __version__
from .service.app import StartupError, build_attributor, configure_logging
from .service.settings import ConfigError, load_settings

Setup = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[str, Setup, Run]] = {}


def command(name: str, help: str, setup: Setup) -> Callable[[Run], Run]:
    def register(run: Run) -> Run:
        COMMANDS[name] = (help, setup, run)
        return run
    return register


class CommandError(Exception):
    """A failure to report in one line, without a traceback; exits with status 2."""


# ------------------------------------------------------------------------------------- attribute


def _attribute_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the article: a file, or - for standard input (UTF-8)")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto",
                   help="how to read it (default: auto, guessed by intake.sniff_format)")
    p.add_argument("--id", help="id to echo back in the answer")
    p.add_argument("--include-text", action="store_true", help="return the text for text input too")
    p.add_argument("--no-indirect", dest="indirect", action="store_false", help="leave out indirect speech")
    p.add_argument("--min-confidence", type=float, default=0.0, help="leave out quotes below this (0-1)")
    p.add_argument("--layout", choices=("auto", "lines", "blocks"), default="auto",
                   help="how plain text makes paragraphs (default: auto, decided from the text)")
    p.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")


@command("attribute", "print the JSON answer POST /v1/quotes would give for one article", _attribute_args)
def attribute(args: argparse.Namespace) -> int:
    from marshmallow import ValidationError

    from .core import intake
    from .service.schemas import QuoteRequestSchema, QuoteResponseSchema

    content = _read_input(args.file)
    fmt = intake.sniff_format(content) if args.format == "auto" else args.format
    payload = {fmt: content, "options": {"indirect": args.indirect, "include_text": args.include_text,
                                         "min_confidence": args.min_confidence, "layout": args.layout}}
    if args.id is not None:
        payload["id"] = args.id
    settings = _settings()
    try:
        article = QuoteRequestSchema(max_chars=settings.MAX_CHARS).load(payload)
    except ValidationError as exc:
        raise CommandError(f"invalid request: {json.dumps(exc.messages)}") from None
    answer = QuoteResponseSchema().dump(get_attributor(settings).attribute(article))
    json.dump(answer, sys.stdout, ensure_ascii=False, indent=None if args.compact else 2)
    sys.stdout.write("\n")
    return 0


def _read_input(name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {name}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{name} is not valid UTF-8: {exc.reason} at byte {exc.start}") from None


def _settings():
    try:
        return load_settings()
    except ConfigError as exc:
        raise CommandError(f"bad setting: {exc}") from None


def get_attributor(settings):
    """Load the pipeline and rules the settings name (tests replace this to reuse a loaded one)."""
    configure_logging(settings)
    try:
        return build_attributor(settings)
    except StartupError as exc:
        raise CommandError(str(exc)) from None


# ----------------------------------------------------------------------------------------- serve


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bind", help="address to listen on (default: gunicorn.conf.py's, 0.0.0.0:8000)")
    p.add_argument("--workers", type=int, help="worker processes (default: gunicorn.conf.py's)")
    p.add_argument("--config", help="gunicorn config (default: ./gunicorn.conf.py if there is one, else the "
                                    "settings inside the package, python:quotesvc.service.gunicorn_config)")


@command("serve", "run the HTTP service under gunicorn", _serve_args)
def serve(args: argparse.Namespace) -> int:
    argv = [sys.executable, "-m", "gunicorn", "--config", args.config or _default_gunicorn_config()]
    if args.bind:
        argv += ["--bind", args.bind]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    argv.append("quotesvc:create_app()")
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached


def _evaluate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", type=Path, help="annotated articles, JSON Lines (see README: Evaluating)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="also list N wrong-speaker examples")
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")


@command("evaluate", "score the service on your own annotated articles (JSON Lines)", _evaluate_args)
def evaluate(args: argparse.Namespace) -> int:
    from .evaluation import GoldFormatError, evaluate as run_evaluation, read_gold

    if not args.gold.is_file():
        print(f"quotesvc evaluate: no such file: {args.gold}", file=sys.stderr)
        return 2
    try:
        score = run_evaluation(get_attributor(_settings()), read_gold(args.gold), args.errors)
    except GoldFormatError as exc:
        print(f"quotesvc evaluate: {exc}", file=sys.stderr)
        return 2
    result = {"scores": score.summary(), "errors": score.errors(), "examples": score.examples}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    s = result["scores"]
    print(f"{s['gold']} gold quotes, {s['predicted']} predicted")
    for key in ("quotes", "end_to_end"):
        m = s[key]
        print(f"  {key:11s} P={m['p']:.3f} R={m['r']:.3f} F1={m['f']:.3f}")
    print(f"  speaker accuracy on matched quotes {s['speaker_accuracy']:.3f}")
    if s["direct_right_speaker"] is not None:
        print(f"  direct quotes with the right speaker {s['direct_right_speaker']:.3f}")
    for ex in result["examples"]:
        print(json.dumps(ex, ensure_ascii=False))
    return 0


PACKAGED_GUNICORN_CONFIG = "python:quotesvc.service.gunicorn_config"


def _default_gunicorn_config() -> str:
    """./gunicorn.conf.py (which gunicorn itself would read), else the settings shipped in the package."""
    local = Path.cwd() / "gunicorn.conf.py"
    return str(local) if local.is_file() else PACKAGED_GUNICORN_CONFIG


# -------------------------------------------------------------------------------------- backfill


def _backfill_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSON Lines or Parquet files, or folders of them: local paths or URIs pyarrow.fs opens "
                        "(s3://, gs://, ...); each article {id, text} or {id, html}, other fields kept as metadata")
    p.add_argument("--output", required=True, help="folder (or URI) for the articles, quotes and speakers tables")
    p.add_argument("--address", help="Ray cluster to run on (default: RAY_ADDRESS; unset: start Ray on this machine)")
    p.add_argument("--num-workers", type=int, help="actors, one CPU each (default: every CPU)")
    p.add_argument("--batch-size", type=int, default=16, help="articles per nlp.pipe call in a worker (default 16)")
    p.add_argument("--worker-memory-mb", type=int, default=1024,
                   help="memory Ray reserves per actor, in MiB (default 1024; one actor peaks near 500)")
    p.add_argument("--shard-mb", type=float, default=1.0,
                   help="JSON Lines shard size in MiB of input (default 1); part of the plan")
    p.add_argument("--shard-rows", type=int, default=1000,
                   help="Parquet shard size in rows, whole row groups (default 1000); part of the plan")
    p.add_argument("--input-format", choices=("jsonl", "parquet"),
                   help="read every input as this (default: from the file names)")
    p.add_argument("--force", action="store_true", help="rewrite the output's tables and manifest from scratch")
    p.add_argument("--max-retries", type=int, default=3, help="tries again of a shard whose worker died (default 3)")
    p.add_argument("--progress", choices=("auto", "bar", "log", "off"), default="auto",
                   help="progress on stderr: a bar on a terminal, else a line every 30 s (default auto)")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object")


@command("backfill", "attribute an archive on Ray into Parquet tables (resumable)", _backfill_args)
def backfill(args: argparse.Namespace) -> int:
    try:
        from .backfill import BackfillConfig, BackfillError, run
        import ray  # noqa: F401
    except ImportError as exc:
        raise CommandError(f"needs the backfill extra ({exc.name} is missing): "
                           "pip install 'quotesvc[backfill]'") from None
    from .core.rules import default_rules_dir

    settings = _settings()
    configure_logging(settings)
    custom_rules = settings.RULES_DIR.resolve() != default_rules_dir().resolve()
    config = BackfillConfig(
        inputs=args.inputs, output=args.output, spacy_model=settings.SPACY_MODEL,
        rules_dir=str(settings.RULES_DIR.resolve()) if custom_rules else None,
        max_chars=settings.MAX_CHARS, max_tokens=settings.MAX_TOKENS, address=args.address,
        num_workers=args.num_workers, batch_size=args.batch_size, worker_memory_mb=args.worker_memory_mb,
        shard_mb=args.shard_mb, shard_rows=args.shard_rows, input_format=args.input_format, force=args.force,
        progress=args.progress, max_retries=args.max_retries)
    if args.num_workers is not None and args.num_workers <= 0:
        raise CommandError("--num-workers must be positive")
    try:
        summary = run(config)
    except BackfillError as exc:
        raise CommandError(str(exc)) from None
    except KeyboardInterrupt:
        print("quotesvc backfill: interrupted; the shards completed so far are kept: run the same command "
              "again to continue", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        print(summary.format())
    return 0 if summary.complete else 1


# --------------------------------------------------------------------------------------- openapi

def _openapi_file() -> Path:
    """docs/openapi.json of the checkout quotesvc runs from; for an installed quotesvc, of the current folder."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "docs").is_dir():
        return checkout / "docs" / "openapi.json"
    return Path("docs") / "openapi.json"


OPENAPI_FILE = _openapi_file()


def openapi_document() -> str:
    """The OpenAPI document GET /openapi.json serves, for the default settings (not the environment's),
    as the text committed in docs/openapi.json."""
    from .service.openapi import openapi_spec
    from .service.settings import Settings

    defaults = Settings()
    return json.dumps(openapi_spec(defaults.MAX_CHARS, defaults.BATCH_MAX, defaults.BATCH_MAX_CHARS), indent=2, ensure_ascii=False) + "\n"


def _openapi_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", type=Path, default=OPENAPI_FILE, help=f"file to write (default: {OPENAPI_FILE})")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the file differs from the generated document")


@command("openapi", "write the OpenAPI document to docs/openapi.json (or check that it is current)", _openapi_args)
def openapi(args: argparse.Namespace) -> int:
    document = openapi_document()
    if args.check:
        try:
            current = args.output.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != document:
            print(f"{args.output} is not current: run `quotesvc openapi` and commit it", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")
    return 0


# ------------------------------------------------------------------------------------------ main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotesvc", description="Quotation attribution for news articles.")
    parser.add_argument("--version", action="version", version=f"quotesvc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help, setup, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help, description=help)
        setup(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as exc:
        print(f"quotesvc {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
