"""`dkim-analyzer byodkim`: an Amazon SES BYODKIM key and selector, and the record to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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


app = options.app()
KEY, WHERE = "The key (exactly one)", "Where it is published"


@options.register(
    app,
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
def byodkim(
    private_key: Annotated[Path | None, options.option("--private-key", group=KEY,
                           metavar="FILE", help="The private key for Amazon SES BYODKIM: PEM "
                           "or base64.")] = None,
    public_key: Annotated[str | None, options.option("--public-key", group=KEY, metavar="KEY",
                          help="A public key about to be pasted: a file (PEM or base64), or "
                          "the key's text itself.")] = None,
    selector: Annotated[str | None, options.option("--selector", group=WHERE, metavar="S",
                        help="The BYODKIM selector.")] = None,
    domain: Annotated[str | None, options.option("--domain", group=WHERE, metavar="D",
                      help="The domain to sign for.")] = None,
    check_dns: Annotated[bool, options.option("--check-dns", group=WHERE, help="Compare with "
                         "the key DNS serves at S._domainkey.D (needs --selector and "
                         "--domain).")] = False,
    console_key: Annotated[bool, options.option("--console-key", group="Output", help="Also "
                           "print the private key as the one-line base64 (PKCS #1) the SES "
                           "console asks for. Prints secret material.")] = False,
    fmt: options.TextOrJson = "text",
    lang: options.FindingsLang = None,
    nameserver: options.Nameservers = None,
    timeout: options.Timeout = 5.0,
    zone: options.Zones = None,
) -> int:  # fmt: skip
    from analyzer import byodkim as byodkim_check
    from analyzer.render import byodkim as byodkim_render

    if (private_key is None) == (public_key is None):
        raise UsageError("give exactly one of --private-key FILE and --public-key FILE|STRING")
    if check_dns and (selector is None or domain is None):
        raise UsageError("--check-dns needs --selector and --domain")
    if console_key and private_key is None:
        raise UsageError("--console-key needs --private-key")
    domain = options.domain_name(domain, "--domain") if domain is not None else None
    lang = options.output_lang(lang, fmt)
    if private_key is not None:
        report = byodkim_check.check_private_key(
            _read_key(private_key),
            selector=selector,
            domain=domain,
            console=console_key,
        )
    else:
        assert public_key is not None
        path = Path(public_key)
        is_file = path.is_file()
        data = _read_key(path) if is_file else public_key.encode("utf-8")
        report = byodkim_check.check_public_key(
            data, selector=selector, domain=domain, file=is_file
        )
    if check_dns:
        with options.resolver(nameserver, timeout, zone)() as resolver:
            report = byodkim_check.compare_with_dns(report, resolver)
    if fmt == "json":
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
