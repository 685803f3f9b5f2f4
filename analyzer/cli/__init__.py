"""The command line: parse options, read input, build the resolver, call analyze(), render.

No verdicts are decided here. Bad input ends in one line on stderr and a documented exit
code (README, "Exit codes"), never a traceback.

The command line is a typer app. One module per command (check, scan, dns, byodkim): each
has SUMMARY and `app`, a `typer.Typer` of that one command, whose function imports what the
command needs when it runs, so a command pays only for its own imports. The root app
(`Commands`) loads a command's module only when that command is run or listed. Adding a
command is a new module and its name in COMMANDS. Shared options and values: options.py.

typer runs in `standalone_mode=False`: its usage errors come back here as exceptions and are
said in this tool's one-line style (`usage_error`), not as typer's usage box.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Protocol, cast

import typer
from typer._click.exceptions import (  # typer vendors click; it re-exports BadParameter only
    BadOptionUsage,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
)
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from analyzer import __version__
from analyzer.cli import options
from analyzer.cli.options import parse_now as parse_now
from analyzer.cli.output import EXIT_INTERNAL, EXIT_INTERRUPTED, Exit, say, say_error
from analyzer.errors import AnalyzerError, UsageError
from analyzer.render.escape import safe

if TYPE_CHECKING:
    from typer._click import Command as ClickCommand
    from typer._click import Context, HelpFormatter

COMMANDS = ("check", "scan", "dns", "byodkim", "serve")  # a command: analyzer/cli/<name>.py

EXAMPLES = """\
examples:
  dkim-analyzer check message.eml
  dkim-analyzer scan --format jsonl -o results.jsonl ~/Mail/Takeout.mbox
  dkim-analyzer dns example.com --selector s2025
  dkim-analyzer byodkim --private-key key.pem --selector s1 --domain example.com"""


class Command(Protocol):
    """What a command module holds (analyzer/cli/check.py is one)."""

    SUMMARY: str  # one line for `dkim-analyzer -h`, at most 68 characters
    app: typer.Typer  # its one command, registered with options.register


def command(name: str) -> Command:
    return cast(Command, importlib.import_module(f"analyzer.cli.{name}"))


@functools.cache
def click_command(name: str) -> ClickCommand:
    """The click command typer builds for command `name`: once per process, its values
    coerced without pydantic where they need none (analyzer/cli/coerce.py)."""
    from analyzer.cli import coerce

    return coerce.plain(typer.main.get_command(command(name).app))


class Interrupted(Exception):
    """Ctrl-C while a command ran (typer would turn it into a silent exit 130)."""


class Commands(TyperGroup):
    """The root: a command's module is imported, and its parameters built, only when the
    command is run (or listed by `dkim-analyzer -h`)."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> ClickCommand | None:
        return click_command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, ClickCommand | None, list[str]]:
        name = args[0]
        if name not in COMMANDS:
            raise UsageError(
                f"unknown command {name!r}: expected a command, {', '.join(COMMANDS)} "
                f"(see `{options.PROG} -h`)"
            )
        return name, self.get_command(ctx, name), args[1:]

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return ["COMMAND [OPTIONS] ..."]

    def format_help_text(self, ctx: Context, formatter: HelpFormatter) -> None:
        if self.help:
            options.write_verbatim(formatter, self.help)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        with formatter.section("commands"):
            formatter.write_dl([(name, command(name).SUMMARY) for name in COMMANDS])
        records = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]
        with formatter.section("options"):
            formatter.write_dl(records)

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        if self.epilog:
            options.write_verbatim(formatter, self.epilog)


root = typer.Typer(
    cls=Commands,
    help="Explain why an email's DKIM signatures pass or fail, and what to do about it.",
    epilog=f"{EXAMPLES}\n\nRun `{options.PROG} COMMAND -h` for a command's options and exit "
    f"codes.\n{options.DOCS}",
    context_settings=options.CONTEXT,
    no_args_is_help=True,
    add_help_option=False,  # its own -h below: click's defaults to None, which typer coerces
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dkim-analyzer {__version__}\n")
        raise typer.Exit(0)


def _help(ctx: typer.Context, value: bool) -> None:
    if value:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(0)


@root.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_version,
                     help="Show the version and exit."),
    ] = False,
    help: Annotated[
        bool,
        typer.Option("-h", "--help", is_eager=True, callback=_help, expose_value=False,
                     help="Show this help and exit."),
    ] = False,
) -> None:  # fmt: skip
    """Nothing to do before the command: -h and --version are handled by their callbacks.

    Both are bool flags whose default is False: typer coerces no such value, so the root's
    own options do not load pydantic (click's own help option, default None, would)."""


@functools.cache
def _root_command() -> ClickCommand:
    from analyzer.cli import coerce

    return coerce.plain(typer.main.get_command(root))


def usage_error(e: ClickUsageError, where: str) -> str:
    """One of click's usage errors as this tool words them: one line, and the -h of the
    command (`where` when click does not say which: an option's missing value)."""
    if isinstance(e, NoSuchOption):
        words = f"unknown option {e.option_name!r}"
        if e.possibilities:
            words += f" (did you mean {' or '.join(sorted(e.possibilities))}?)"
    elif isinstance(e, BadOptionUsage) and "requires" in e.message:
        words = f"{e.option_name} needs a value"
    elif isinstance(e, MissingParameter) and e.param is not None:
        words = f"missing {e.param.metavar or e.param.name}"
    elif isinstance(e, typer.BadParameter) and e.param is not None:
        words = f"{e.param.opts[0] if e.param.opts else e.param.metavar}: {e.message}"
    elif e.message.startswith("Got unexpected extra argument"):
        words = "unexpected extra argument " + e.message.partition("(")[2].rstrip(")")
    else:
        words = e.message[:1].lower() + e.message[1:].rstrip(".")
    where = e.ctx.command_path if e.ctx is not None else where
    return f"{words} (see `{where} -h`)"


def app(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; its exit status. Raises AnalyzerError."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        status = _root_command().main(args, prog_name=options.PROG, standalone_mode=False)
    except NoArgsIsHelpError as e:  # no command: the list of them, and a usage error
        sys.stdout.write(e.message)
        return 2
    except ClickUsageError as e:
        name = args[0] if args and args[0] in COMMANDS else ""
        raise UsageError(usage_error(e, f"{options.PROG} {name}".strip())) from None
    return int(status or 0)


def run(argv: Sequence[str] | None = None) -> int:
    """app(), with every way out an exit status: errors and bugs as one line on stderr."""
    try:
        return app(argv)
    except Exit as e:
        return e.code
    except (KeyboardInterrupt, Interrupted):
        say("interrupted")
        return EXIT_INTERRUPTED
    except AnalyzerError as e:
        say_error(str(e))
        return e.exit_code
    except Exception as e:  # a bug: say so on one line unless asked for the traceback
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        # The exception's text can hold bytes of the input (escape sequences): escaped.
        line = f"internal error: {type(e).__name__}: {e}"
        say(f"{safe(line)[:1000]} (set DKIM_ANALYZER_DEBUG=1 for the traceback)")
        return EXIT_INTERNAL


def main() -> NoReturn:
    """Console entry point (pyproject [project.scripts]).

    The command is done when run() returns: what is left is the interpreter's shutdown,
    whose full garbage collections (Py_FinalizeEx runs two) walk every object the imports
    made (typer, pydantic, dnspython, the analysis: ~45,000) to find next to nothing.
    gc.freeze() moves them out of their reach; atexit handlers still run, the modules are
    still torn down and the streams flushed as usual. That is ~80 ms of CPU in `check
    --zone` under load (bench/startup.py --phases: shutdown 94 -> 16 ms)."""
    status = run()
    gc.freeze()
    sys.exit(status)
