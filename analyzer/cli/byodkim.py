"""`dkim-analyzer byodkim`: an Amazon SES BYODKIM key and selector, and the record to publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from analyzer.cli import options
from analyzer.cli.output import write_stdout
from analyzer.errors import AnalyzerError, InputError, UsageError

SUMMARY = "Check a BYODKIM key and selector; print the record to publish."
EXIT_CODES = """\
  0    the key and selector are usable (the record to publish is printed)
  1    a problem;  75 only temporary DNS failures (--check-dns)
  65   the key file is over the 64 KiB limit;  66 it cannot be read
  2    usage error (neither or both key options, a bad --domain...)
  70   a bug in this tool;  130 interrupted"""

# An 8192-bit RSA private key is under 7 KB in PEM; a key file larger than this is not a
# key (and /dev/zero would otherwise be read until memory runs out).
MAX_KEY_BYTES = 64 * 1024


def define() -> options.Parser:
    parser = options.command_parser(
        "byodkim",
        usage="(--private-key FILE | --public-key KEY) [OPTIONS]",
        description=SUMMARY,
        examples=[
            "dkim-analyzer byodkim --private-key key.pem --selector s1 --domain example.com",
            "dkim-analyzer byodkim --public-key pub.pem --selector s1 \\\n"
            "    --domain example.com --check-dns",
            "dkim-analyzer byodkim --public-key 'MIIBIjANBgkq...'",
        ],
        exit_codes=EXIT_CODES,
    )
    key = parser.add_argument_group("The key (exactly one)")
    key.add_argument("--private-key", metavar="FILE", type=Path,
                     help="The private key for Amazon SES BYODKIM: PEM or base64.")  # fmt: skip
    key.add_argument("--public-key", metavar="KEY",
                     help="A public key about to be pasted: a file (PEM or base64), or "
                     "the key's text itself.")  # fmt: skip
    where = parser.add_argument_group("Where it is published")
    where.add_argument("--selector", metavar="S", help="The BYODKIM selector.")
    where.add_argument("--domain", metavar="D", help="The domain to sign for.")
    where.add_argument("--check-dns", action="store_true",
                       help="Compare with the key DNS serves at S._domainkey.D (needs "
                       "--selector and --domain).")  # fmt: skip
    out = parser.add_argument_group("Output")
    out.add_argument("--console-key", action="store_true",
                     help="Also print the private key as the one-line base64 (PKCS #1) the "
                     "SES console asks for. Prints secret material.")  # fmt: skip
    options.add_format(out, ("text", "json"), "text (the default) or json.")
    options.add_lang(out, "the findings")
    return options.finish(parser)


def run(args: argparse.Namespace) -> int:
    from analyzer import byodkim as byodkim_check
    from analyzer.render import byodkim as byodkim_render

    private_key: Path | None = args.private_key
    public_key: str | None = args.public_key
    if (private_key is None) == (public_key is None):
        raise UsageError("give exactly one of --private-key FILE and --public-key FILE|STRING")
    if args.check_dns and (args.selector is None or args.domain is None):
        raise UsageError("--check-dns needs --selector and --domain")
    if args.console_key and private_key is None:
        raise UsageError("--console-key needs --private-key")
    domain = options.domain_name(args.domain, "--domain") if args.domain is not None else None
    lang = options.output_lang(args, args.format)
    if private_key is not None:
        report = byodkim_check.check_private_key(
            _read_key(private_key),
            selector=args.selector,
            domain=domain,
            console=args.console_key,
            lang=lang,
        )
    else:
        assert public_key is not None
        path = Path(public_key)
        data = _read_key(path) if path.is_file() else public_key.encode("utf-8")
        report = byodkim_check.check_public_key(
            data, selector=args.selector, domain=domain, lang=lang
        )
    if args.check_dns:
        with options.resolver(args)() as resolver:
            report = byodkim_check.compare_with_dns(report, resolver, lang=lang)
    if args.format == "json":
        write_stdout(byodkim_render.render_json(report, lang=lang) + "\n")
    else:
        write_stdout(byodkim_render.render_text(report, lang=lang, width=options.terminal_width()))
    return int(report.outcome)


def _read_key(path: Path) -> bytes:
    """A key file, read up to MAX_KEY_BYTES: a larger one is refused (exit 65, README)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_KEY_BYTES + 1)
    except IsADirectoryError as e:
        raise InputError(f"{path}: is a directory") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    if len(data) > MAX_KEY_BYTES:
        raise AnalyzerError(  # exit 65 (EX_DATAERR): this is not a key
            f"{path}: larger than the {MAX_KEY_BYTES // 1024} KiB limit for a key file; "
            "not read further"
        )
    return data
