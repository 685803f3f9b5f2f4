"""Writing to the terminal: one escaped error line on stderr, stdout that fails loudly."""

from __future__ import annotations

import contextlib
import os
import sys

from analyzer.render.escape import safe

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in this tool
EXIT_IOERR = 74  # EX_IOERR: the output cannot be written (a full disk)
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a pipeline cut short


class Exit(Exception):
    """End the command with this status (what has to be said was said)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def say_error(message: str) -> None:
    """One line on stderr; every character that could act on a terminal shown escaped."""
    print(f"dkim-analyzer: error: {safe(message)}", file=sys.stderr, flush=True)


def say(message: str) -> None:
    """One line on stderr that is not an error (`interrupted`), escaped as say_error's."""
    print(f"dkim-analyzer: {safe(message)}", file=sys.stderr, flush=True)


def silence_stdout() -> None:
    """Point stdout at /dev/null: nothing more can reach the reader, and the interpreter's
    own final flush must not fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def write_stdout(text: str) -> None:
    """Write and flush stdout. A closed pipe is 141; any other write failure (ENOSPC, EIO)
    is one line and 74, never a half-written document that looks complete."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a shell pipeline expects.
        silence_stdout()
        raise Exit(EXIT_BROKEN_PIPE) from None
    except OSError as e:
        silence_stdout()
        say_error(f"cannot write the output: {e.strerror or e}")
        raise Exit(EXIT_IOERR) from None
