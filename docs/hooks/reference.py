"""MkDocs hook: the reference pages, generated from the code at every build.

The words (summary, remedy, permanence) come from the catalogue, the code lists from the
enums and the CLI; docs/hooks/codes.toml adds what the code does not say (the severity each
command gives a finding, when it is reported, what a result or an exit code means). A page
asks for a generated part with a marker line:

    <!-- reference: reasons -->        a table (see BLOCKS)
    <!-- values: DnsStatus -->         the values of an enum of analyzer.model, inline
    <!-- value: SCHEMA_VERSION -->     one constant of analyzer.model
    <!-- values: analyzer.doctor.COMMON_SELECTORS -->   elsewhere: a dotted name

Whatever does not match (a catalogue code or an enum value without its note, a note for a
code that no longer exists, an option of a command that its page does not mention, an
unknown marker) is a warning, so `mkdocs build --strict` fails on it.

Importable without MkDocs: tests/test_docs.py calls the same functions.
"""

from __future__ import annotations

import functools
import html
import importlib
import logging
import posixpath
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.reference")  # under "mkdocs": --strict counts it
NOTES = Path(__file__).with_name("codes.toml")
COMMANDS = ("check", "dns", "byodkim")  # the commands whose findings carry a code
PERMANENCE = {True: "permanent", False: "temporary", None: "information"}
MARKER = re.compile(r"<!--\s*(reference|values|value):\s*([\w.-]+)\s*-->")


@dataclass(frozen=True)
class Entry:
    """One wording of the English catalogue: a code, or one of its variants."""

    code: str
    variant: str | None  # the catalogue key of another wording of `code`; None: the code's own
    severity: str | None  # when the catalogue says (today it does not: codes.toml does)
    permanent: bool | None  # None: neither (information)
    summary: str
    remedy: str


# --- the code this reference depends on: re-point these when its shape changes -----------


def catalogue_entries() -> list[Entry]:
    """Every wording of the English catalogue, in catalogue order.

    The one function that reads the catalogue's format (the msgids of analyzer/messages.py,
    permanence from model.PERMANENCE): a key is a code or `code.variant`; `change.KIND`
    words header_modified's kinds of change.
    """
    from analyzer import messages, model

    def english(part: str | messages.Plural) -> str:
        return part.other if isinstance(part, messages.Plural) else part

    out = []
    for key, text in messages.FINDINGS.items():
        code, _, variant = key.partition(".")
        permanent = None if code == "change" else model.permanence(code, variant or None)
        if code == "change":
            code, variant = "header_modified", key
        out.append(Entry(code, key if variant else None, None, permanent,
                         english(text.summary), english(text.remedy)))  # fmt: skip
    return out


def exit_codes() -> dict[int, str]:
    """Every exit status the CLI can end with -> its name (model.ExitCode)."""
    from analyzer import model

    return {int(c): c.name.lower() for c in model.ExitCode}


def cli_options() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each command -> its long options (`--no-color` too) -> the values it accepts when it
    is a choice (`--format`: text, json); "" -> the top level's options (`--help` is
    documented once, there). Read from the click commands typer builds."""
    import inspect

    import typer.main

    from analyzer.cli import COMMANDS, click_command, root

    def choices(param: Any) -> tuple[str, ...]:
        info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
        parser = getattr(info, "parser", None)
        if inspect.isfunction(parser):  # options.choice(): the values it accepts
            found = inspect.getclosurevars(parser).nonlocals.get("choices")
            if isinstance(found, list | tuple):
                return tuple(str(c) for c in found)
        return ()

    def longs(param: Any) -> list[str]:
        return [
            o for o in (*param.opts, *getattr(param, "secondary_opts", ())) if o.startswith("--")
        ]

    none: tuple[str, ...] = ()
    top = typer.main.get_command(root).params
    out = {"": {o: none for p in top for o in longs(p)}}
    for name in COMMANDS:
        out[name] = {o: choices(p) for p in click_command(name).params for o in longs(p)
                     if o != "--help"}  # fmt: skip
    return out


def _lookup(name: str) -> object:
    """`Name` in analyzer.model, or `analyzer.module.Name` anywhere in the package."""
    module, _, attr = name.rpartition(".")
    if module and not module.startswith("analyzer."):
        raise KeyError(name)
    try:
        found = getattr(importlib.import_module(module or "analyzer.model"), attr)
    except (ImportError, AttributeError):
        raise KeyError(name) from None
    return found


def enum(name: str) -> type[Enum]:
    found = _lookup(name)
    if not (isinstance(found, type) and issubclass(found, Enum)):
        raise KeyError(name)
    return found


def constant(name: str) -> object:
    if not name.rpartition(".")[2].isupper():
        raise KeyError(name)
    return _lookup(name)


# --- checks: what the notes and the code must agree on -----------------------------------


@functools.cache
def notes() -> dict[str, dict[str, Any]]:
    with NOTES.open("rb") as f:
        return tomllib.load(f)


def codes() -> dict[str, list[Entry]]:
    """Catalogue code -> its entries, the code's own first."""
    out: dict[str, list[Entry]] = {}
    for entry in catalogue_entries():
        out.setdefault(entry.code, []).append(entry)
    return out


def problems() -> list[str]:
    """Everything the generated reference would miss or get wrong (empty: all documented)."""
    n = notes()
    catalogue = codes()
    out = []
    for code in catalogue:
        if code not in n["reasons"] and code not in n["findings"]:
            out.append(f"code {code!r} is in the catalogue but has no note in {NOTES.name}")
    for code in n["findings"]:
        if code not in catalogue:
            out.append(f"{NOTES.name}: [findings.{code}] is not a code of the catalogue")
    severities = {s.value for s in enum("Severity")}
    for code, note in n["findings"].items():
        for command, value in note.get("severity", {}).items():
            given = value if isinstance(value, list) else [value]
            if command not in COMMANDS or not set(given) <= severities:
                out.append(f"{NOTES.name}: [findings.{code}] severity.{command} = {value!r}")
        if set(note.get("when", {})) != set(note.get("severity", {})) or not note.get("when"):
            out.append(f"{NOTES.name}: [findings.{code}] needs when.X for each severity.X")
    for table, name in (("reasons", "Reason"), ("results", "Result"), ("arc_reasons", "ArcReason")):
        values = [v.value for v in enum(name)]
        out += [f"{name}.{v} has no [{table}.{v}] in {NOTES.name}" for v in values
                if v not in n[table]]  # fmt: skip
        out += [f"{NOTES.name}: [{table}.{v}] is not a value of {name}" for v in n[table]
                if v not in values]  # fmt: skip
    results = {r.value for r in enum("Result")}
    out += [f"{NOTES.name}: [reasons.{code}] result {note['result']!r}"
            for code, note in n["reasons"].items() if note.get("result") not in results]  # fmt: skip
    exits = {str(c) for c in exit_codes()}
    out += [f"exit code {c} has no [exit_codes.{c}] in {NOTES.name}" for c in exits
            if c not in n["exit_codes"]]  # fmt: skip
    out += [f"{NOTES.name}: [exit_codes.{c}] is not an exit code of the CLI"
            for c in n["exit_codes"] if c not in exits]  # fmt: skip
    return out


def undocumented_options(command: str, markdown: str) -> list[str]:
    """The options of `command` (and the values of its choices) that its page does not name:
    an option as `--opt` in code, a value in code too (`--format text|json`, `json`)."""
    missing = []
    for option, choices in cli_options().get(command, {}).items():
        if f"`{option}" not in markdown:
            missing.append(option)
        missing += [f"{option} {c}" for c in choices
                    if not re.search(rf"`([^`]*[ |])?{re.escape(c)}([ |][^`]*)?`", markdown)]  # fmt: skip
    return missing


def command_pages(docs: Path = NOTES.parent.parent) -> list[str]:
    """The commands without a page of their own in docs/commands/."""
    return [f"command {name!r} has no page docs/commands/{name}.md" for name in cli_options()
            if name and not (docs / "commands" / f"{name}.md").is_file()]  # fmt: skip


# --- rendering -------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Catalogue text as Markdown, shown as written: `code` stays code, and nothing else is
    read as HTML or emphasis."""
    parts = re.split(r"(`[^`]*`)", value)
    return "".join(part if part.startswith("`") else re.sub(r"([\\*_|\[\]])", r"\\\1",
                   html.escape(part, quote=False)) for part in parts)  # fmt: skip


def _cell(markdown: str) -> str:
    """A note (Markdown written for a table cell) on one line."""
    return markdown.replace("\n", " ")


def _severity(value: str | list[str]) -> str:
    if isinstance(value, str):
        return value
    return ", ".join(value[:-1]) + " or " + value[-1]


def _page_of(code: str) -> str:
    return "reference/results.md" if code in notes()["reasons"] else "reference/findings.md"


def _link(code: str, here: str) -> str:
    """A link from the page `here` (its path in docs/) to the code's section."""
    target = _page_of(code)
    relative = "" if target == here else posixpath.relpath(target, posixpath.dirname(here))
    return f"[`{code}`]({relative}#{code})"


def _permanence(entries: list[Entry]) -> str:
    own = PERMANENCE[entries[0].permanent]
    other = sorted({PERMANENCE[e.permanent] for e in entries[1:]} - {own})
    return own + (f" (some wordings: {', '.join(other)})" if other else "")


def _details(code: str, entries: list[Entry]) -> list[str]:
    """One code's section: its words from the catalogue, each variant's summary."""
    own = entries[0]
    lines = [f"### `{code}` {{#{code}}}", ""]
    meta = [f"**{command}**: {_severity(sev)}"
            for command, sev in notes()["findings"].get(code, {}).get("severity", {}).items()]  # fmt: skip
    if not meta and own.severity:  # a catalogue that carries the severity itself
        meta.append(f"**severity**: {own.severity}")
    if code in notes()["reasons"]:
        meta.insert(0, f"**result**: `{notes()['reasons'][code]['result']}`")
    lines += [" · ".join([*meta, f"**{_permanence(entries)}**"]), ""]
    lines += [f"**Summary:** {_text(own.summary)}", "", f"**Remedy:** {_text(own.remedy)}", ""]
    if len(entries) > 1:
        lines.append("Other wordings of this code:")
        lines.append("")
        lines += [f"- `{e.variant}` ({PERMANENCE[e.permanent]}): {_text(e.summary)}"
                  for e in entries[1:]]  # fmt: skip
        lines.append("")
    return lines


def _reasons(_: str) -> list[str]:
    n, catalogue = notes()["reasons"], codes()
    lines = ["| reason | result | permanence | what it means |", "|---|---|---|---|"]
    lines += [f"| [`{c}`](#{c}) | `{note['result']}` | {PERMANENCE[catalogue[c][0].permanent]} "
              f"| {_cell(note['means'])} |" for c, note in n.items() if c in catalogue]  # fmt: skip
    lines += ["", "## Each reason code's words", ""]
    for code in n:
        lines += _details(code, catalogue.get(code, [Entry(code, None, None, None, "", "")]))
    return lines


def _results(_: str) -> list[str]:
    lines = ["| result | meaning |", "|---|---|"]
    return lines + [f"| `{r}` | {_cell(note['means'])} |" for r, note in notes()["results"].items()]


def _findings_of(command: str) -> Callable[[str], list[str]]:
    def table(here: str) -> list[str]:
        catalogue = codes()
        lines = ["| code | severity | permanence | when |", "|---|---|---|---|"]
        for code, note in notes()["findings"].items():
            if command in note.get("severity", {}) and code in catalogue:
                lines.append(f"| {_link(code, here)} | {_severity(note['severity'][command])} "
                             f"| {PERMANENCE[catalogue[code][0].permanent]} "
                             f"| {_cell(note['when'][command])} |")  # fmt: skip
        return lines

    return table


def _finding_details(_: str) -> list[str]:
    lines: list[str] = []
    for code, entries in codes().items():
        if code not in notes()["reasons"]:
            lines += _details(code, entries)
    return lines


def _arc_reasons(_: str) -> list[str]:
    lines = ["| reason | meaning |", "|---|---|"]
    return lines + [f"| `{r}` | {_cell(note['means'])} |"
                    for r, note in notes()["arc_reasons"].items()]  # fmt: skip


def _exit_codes(_: str) -> list[str]:
    lines = ["| code | name | meaning |", "|---|---|---|"]
    means = notes()["exit_codes"]
    return lines + [f"| {c} | `{name}` | {_cell(means.get(str(c), {}).get('means', ''))} |"
                    for c, name in exit_codes().items()]  # fmt: skip


BLOCKS: dict[str, Callable[[str], list[str]]] = {
    "results": _results,
    "reasons": _reasons,
    "findings-check": _findings_of("check"),
    "findings-dns": _findings_of("dns"),
    "findings-byodkim": _findings_of("byodkim"),
    "findings-details": _finding_details,
    "arc-reasons": _arc_reasons,
    "exit-codes": _exit_codes,
}


def _values(name: str) -> str:
    """The values of an enum, or the items of a tuple constant, as code."""
    found = _lookup(name)
    if isinstance(found, type) and issubclass(found, Enum):
        return ", ".join(f"`{v.value}`" for v in found)
    if isinstance(found, tuple) and name.rpartition(".")[2].isupper():
        return ", ".join(f"`{v}`" for v in found)
    raise KeyError(name)


def expand(markdown: str, page: str) -> tuple[str, list[str]]:
    """`markdown` with every marker replaced; the problems of the markers it holds."""
    errors: list[str] = []

    def replace(m: re.Match[str]) -> str:
        kind, name = m.groups()
        try:
            if kind == "reference":
                return "\n".join(BLOCKS[name](page))
            if kind == "values":
                return _values(name)
            return f"`{constant(name)}`"
        except KeyError:
            errors.append(f"{page}: unknown marker <!-- {kind}: {name} -->")
            return m.group(0)

    return MARKER.sub(replace, markdown), errors


def site_markdown(docs: Path) -> dict[str, str]:
    """Every page of the site (its path in docs/) with its markers expanded, as the build
    renders it: what the tests search."""
    pages = sorted(p for p in docs.rglob("*.md") if "hooks" not in p.relative_to(docs).parts)
    return {(page := p.relative_to(docs).as_posix()): expand(p.read_text(), page)[0]
            for p in pages}  # fmt: skip


# --- the MkDocs events ------------------------------------------------------------------------


def on_pre_build(config: Any) -> None:
    notes.cache_clear()
    for problem in problems() + command_pages():
        log.warning(problem)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    markdown, errors = expand(markdown, src)
    if src.startswith("commands/"):
        command = "" if Path(src).stem == "index" else Path(src).stem  # index: the top level's
        errors += [f"{src}: {o} of `dkim-analyzer {command}` is not documented"
                   for o in undocumented_options(command, markdown)]  # fmt: skip
    for error in errors:
        log.warning(error)
    return markdown
