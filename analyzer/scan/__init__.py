"""Batch scanning: raw messages in, per-message results out, in input order, on all cores.

read.py       PATHs -> partitions (mbox byte ranges cut at message boundaries, batches
              of maildir/.eml paths); the main process only finds the boundaries
plan.py       the run's DNS: each name asked once per run, answers shipped to workers
work.py       scan_partition(): what a worker runs for one partition (reads it, parses
              each message once, analyses, renders): the shape a cluster runs too
schedule.py   the local pool, the ordered window, Ctrl-C, restarts; run_scan()
summary.py    Summary: the counts behind the text summary
"""

from analyzer.scan.plan import DnsService, Lookups, LookupServer, PrefetchedResolver
from analyzer.scan.read import FilesPart, InlinePart, MboxPart, Partition, partitions
from analyzer.scan.schedule import Scanner, Workers, default_jobs, max_jobs, run_scan
from analyzer.scan.summary import Summary
from analyzer.scan.work import (
    EXIT_INTERNAL,
    EXIT_IOERR,
    EXIT_NOINPUT,
    ScanFormat,
    ScanResult,
    Settings,
    SignatureRow,
    analyze_one,
    failure_result,
    internal_error,
    report_result,
    scan_partition,
)

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_IOERR",
    "EXIT_NOINPUT",
    "DnsService",
    "FilesPart",
    "InlinePart",
    "LookupServer",
    "Lookups",
    "MboxPart",
    "Partition",
    "PrefetchedResolver",
    "ScanFormat",
    "ScanResult",
    "Scanner",
    "Settings",
    "SignatureRow",
    "Summary",
    "Workers",
    "analyze_one",
    "default_jobs",
    "failure_result",
    "internal_error",
    "max_jobs",
    "partitions",
    "report_result",
    "run_scan",
    "scan_partition",
]
