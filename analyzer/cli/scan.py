"""`dkim-analyzer scan`: every message of mailboxes and folders, in input order, and a summary."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analyzer.cli import options
from analyzer.cli.output import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_IOERR,
    say,
    say_error,
    silence_stdout,
)
from analyzer.errors import UsageError
from analyzer.render.escape import source_text

if TYPE_CHECKING:
    from analyzer.scan.summary import Summary

SUMMARY = "Scan mailboxes and folders: every message, then a summary."
FORMATS = ("text", "jsonl", "csv", "html")
EXIT_CODES = """\
  0    every message has a passing author-aligned signature (or no messages)
  1    some message has none
  75   none failed, but a temporary DNS error stands in the way for some
  65   nothing failed, but some entries are not messages
  66   a PATH, or a file in a folder, cannot be read (the rest is scanned)
  2    usage error;  70 a bug in this tool;  74 the output cannot be written
  130  interrupted (the output so far is valid);  141 the reader went away
  The worst wins, in the order 70, 66, 1, 65, 75, 0."""


app = options.app()


@options.register(
    app,
    "scan",
    usage="[OPTIONS] PATH ...",
    description=SUMMARY + "\n\nPATH is an mbox file, a maildir, a folder of .eml files "
    "(searched\nrecursively) or an .eml file; '-' reads an mbox on standard input.",
    examples=[
        "dkim-analyzer scan ~/Mail/Takeout.mbox",
        "dkim-analyzer scan --format jsonl -o results.jsonl ~/Maildir archive/",
        "dkim-analyzer scan --format csv old.mbox > signatures.csv",
    ],
    exit_codes=EXIT_CODES,
)
def scan(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", hidden=True)],
    fmt: Annotated[str, options.format_option(FORMATS, "text (the default): a summary; "
                   "jsonl: one JSON object per message, as check's; csv: one row per "
                   "signature; html: one self-contained page (use -o).")] = "text",
    output: Annotated[Path | None, options.option("-o", "--output", group="Output",
                      metavar="FILE", help="Write there instead of standard output (never "
                      "over an input).")] = None,
    lang: Annotated[str | None, options.lang_option("the summary", json=False)] = None,
    jobs: Annotated[int | None, options.option("-j", "--jobs", group="Analysis", metavar="N",
                    parser=options.integer("--jobs", 1), help="Worker processes. Default: "
                    "the usable cores; at most 4 per core.")] = None,
    headers_only: Annotated[bool, options.option("--headers-only", group="Analysis",
                            help="Treat every message as headers only.")] = False,
    now: options.Now = None,
    nameserver: options.Nameservers = None,
    timeout: options.Timeout = 5.0,
    zone: options.Zones = None,
    cluster: Annotated[str | None, options.option("--cluster", group="Cluster",
                       metavar="ADDRESS", help="Run on a Dask scheduler (tcp://HOST:PORT), or "
                       "local[:N]: N worker processes here (2 by default).")] = None,
    output_dir: Annotated[str | None, options.option("--output-dir", group="Cluster",
                          metavar="DIR", help="With --cluster: one file per partition "
                          "there, named in input order.")] = None,
    save_dns: Annotated[str | None, options.option("--save-dns", group="Cluster",
                        metavar="FILE", help="With --cluster: write the run's DNS answers "
                        "as a zone file (for --zone).")] = None,
) -> int:  # fmt: skip
    from analyzer.progress import progress_bar
    from analyzer.scan import ScanFormat, Settings, default_jobs, run_scan
    from analyzer.sources import STDIN, open_paths

    scan_format = ScanFormat(fmt)
    if paths.count(STDIN) > 1:
        raise UsageError("stdin ('-') can be read only once")
    lang = options.output_lang(lang, "text")  # the summary is text, whatever --format
    page_lang = lang if scan_format is ScanFormat.HTML else "en"  # a report to read, too
    settings = Settings(options.parse_now(now), scan_format, headers_only=headers_only,
                        lang=page_lang)  # fmt: skip
    width = options.terminal_width()
    on_cluster = None
    if cluster is not None or output_dir is not None or save_dns is not None:
        from analyzer.cluster import is_url, prepare  # --cluster, --output-dir, --save-dns

        on_cluster = prepare(cluster, output_dir, save_dns, paths, scan_format)
    out = _open_output(output, paths)
    local = [p for p in paths if on_cluster is None or not is_url(p)]  # URLs: fsspec's to read
    for unreadable in open_paths(local)[0]:
        say_error(f"{source_text(unreadable.path)}: {unreadable.error}")  # escaped, as every error
    try:
        with out:
            if on_cluster is not None:
                summary = on_cluster(paths, settings,
                                     open_dns=options.resolver(nameserver, timeout, zone),
                                     write=out.write)  # fmt: skip
            else:
                summary = run_scan(
                    paths,
                    settings,
                    jobs=jobs or default_jobs(),
                    open_dns=options.resolver(nameserver, timeout, zone),
                    write=out.write,
                    progress=lambda: progress_bar(paths),
                )
            if scan_format is ScanFormat.TEXT or output_dir is not None:
                out.write(_summary_text(summary, lang, width))
    except OutputError as e:
        # A full disk, a file-size limit, an I/O error: the lines written are whole.
        say_error(str(e))
        return EXIT_IOERR
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a shell pipeline expects.
        silence_stdout()
        return EXIT_BROKEN_PIPE
    if summary.interrupted:
        if scan_format is not ScanFormat.TEXT:  # stdout holds data: the summary goes to stderr
            sys.stderr.write(_summary_text(summary, lang, width))
        say("interrupted")
        return EXIT_INTERRUPTED
    return summary.exit_code()


def _summary_text(summary: Summary, lang: str, width: int) -> str:
    """The text summary. Its renderer is imported only when a summary is written (tabulate
    and wcwidth: ~20 ms of a jsonl or csv scan's start-up, which writes none)."""
    from analyzer.render import summary as summary_render

    return summary_render.render(summary, lang=lang, width=width)


class OutputError(Exception):
    """scan's output cannot be written (ENOSPC, EFBIG, EIO...): exit 74 (EX_IOERR)."""


class _Output:
    """scan's output: each line (or row) is one write of complete bytes, made at once.

    When a write fails, a regular file is cut back to the end of the last complete line,
    so that what is left is valid JSONL / CSV; the failure is an OutputError."""

    def __init__(self, fd: int | None, label: str, *, close: bool) -> None:
        self.fd = fd  # None: the in-process test runner's stdout, which has no descriptor
        self.label = label
        self.close_fd = close
        self.written: int | None = None  # offset after the last complete line (files only)
        if fd is not None and stat.S_ISREG(os.fstat(fd).st_mode):
            self.written = os.lseek(fd, 0, os.SEEK_CUR)

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        if self.fd is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except BrokenPipeError:
            raise
        except OSError as e:
            if self.written is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, self.written)  # no half line left behind
            raise OutputError(f"{self.label}: cannot write: {e.strerror or e}") from e
        if self.written is not None:
            self.written += len(data)

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.close_fd and self.fd is not None:
            os.close(self.fd)


def _same_file(st: os.stat_result, inputs: list[str]) -> str | None:
    """The input that is the same file as `st` (device and inode: a hard link, a symbolic
    link, standard input), if any."""
    for given in inputs:
        try:
            if given == "-":
                other = os.fstat(sys.stdin.fileno())
                given = "standard input"
            else:
                other = os.stat(given)
        except (OSError, ValueError, io.UnsupportedOperation):
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return given
    return None


def _open_output(path: Path | None, inputs: list[str]) -> _Output:
    """--output FILE, refusing any file that is, or may be, one of the inputs: inputs are
    never written. The check is made on the open descriptor, before anything is truncated:
    a path among or under the inputs, the same device and inode as an input or as
    standard input, or a file with other hard links when a folder is scanned."""
    if path is None:
        try:
            fd = sys.stdout.fileno()
        except (ValueError, io.UnsupportedOperation):
            return _Output(None, "standard output", close=False)
        sys.stdout.flush()
        if (clash := _same_file(os.fstat(fd), inputs)) is not None:
            raise UsageError(f"standard output is the input {clash}: inputs are never written")
        return _Output(fd, "standard output", close=False)
    target = path.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if given != "-" and (target == source or source in target.parents):
            raise UsageError(f"--output {path}: is one of the inputs, or inside one")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)  # no O_TRUNC yet
    except OSError as e:
        raise UsageError(f"--output {path}: cannot write: {e.strerror or e}") from e
    st = os.fstat(fd)
    problem = None
    if (clash := _same_file(st, inputs)) is not None:
        problem = f"is the same file as the input {clash}"
    elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1 and any(_is_folder(i) for i in inputs):
        problem = "has other hard links, and may be a file of a folder to scan"
    if problem is not None:
        os.close(fd)
        raise UsageError(f"--output {path}: {problem}: inputs are never written")
    if stat.S_ISREG(st.st_mode):
        os.ftruncate(fd, 0)
    return _Output(fd, f"--output {path}", close=True)


def _is_folder(path: str) -> bool:
    with contextlib.suppress(OSError):
        return path != "-" and stat.S_ISDIR(os.stat(path).st_mode)
    return False
