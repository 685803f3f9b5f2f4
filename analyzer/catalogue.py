"""Maintain the catalogue: `python -m analyzer.catalogue extract | check | compile | convert`.

A build and review tool, never imported at run time (it needs Babel, a [test] extra):

    extract          write analyzer/locale/dkim_analyzer.pot from the English source
                     (analyzer/messages.py), and merge it into every language's .po
                     (new entries come in untranslated, changed ones fuzzy)
    check            every language translates every entry, no fuzzy entry, the same
                     {placeholders} as English, and each .mo is compiled from its .po
    compile          .po -> .mo (stdlib gettext reads the .mo at run time)
    convert FILE     add the entries of the old catalogue format (explain.py's `_EN`,
                     `_ZH_TW`, `PHRASES_EN`, `_PHRASES_ZH_TW` dicts of `Text(summary,
                     explanation, remedy, permanent)`) that the catalogue lacks: English
                     into messages.py, zh-TW into its .po (then compiled), and prints the
                     PERMANENCE entries to add to analyzer/model.py. The migration to
                     gettext was made with it.

The gettext layout: the English text is the msgid, the catalogue key (`code` or
`code.variant`, `phrase.key`) is the msgctxt, a translator comment says which part
(summary, explanation, remedy) it is; "{lines} line(s)" texts are ngettext plurals.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import string
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from analyzer import messages
from analyzer.explain import DOMAIN, LOCALE_DIR, locale_name
from analyzer.messages import Plural, Text

PARTS = ("summary", "explanation", "remedy")
_PACKAGE = Path(__file__).resolve().parent
POT = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The translated languages: one directory each under analyzer/locale/."""
    return sorted(
        p.name.replace("_", "-") for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir()
    )


# --- the English source as (context, msgid, comment) -------------------------------------


def entries() -> Iterator[tuple[str, str | tuple[str, str], str]]:
    for key, text in messages.FINDINGS.items():
        for part in PARTS:
            value: str | Plural = getattr(text, part)
            if isinstance(value, Plural):
                yield key, (value.one, value.other), f"{part}; plural by {{{value.n}}}"
            elif value:
                yield key, value, part
    for key, phrase in messages.PHRASES.items():
        if isinstance(phrase, Plural):
            yield key, (phrase.one, phrase.other), f"phrase; plural by {{{phrase.n}}}"
        else:
            yield key, phrase, "phrase"


def _new(lang: str | None = None) -> Catalog:
    return Catalog(
        locale=locale_name(lang) if lang else None, domain=DOMAIN, project="dkim-analyzer",
        copyright_holder="the dkim-analyzer authors", fuzzy=False,
    )  # fmt: skip


def template() -> Catalog:
    pot = _new()
    for context, msgid, comment in entries():
        pot.add(msgid, context=context, auto_comments=[comment])
    return pot


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale_name(lang) if lang else None, domain=DOMAIN)


def _write_po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False)
    new = out.getvalue()
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return  # only the creation date would change: keep the file (and the diff) as it is
    path.write_bytes(new)


def _undated(po: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation|PO-Revision)-Date: [^"]*"', b"", po)


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract() -> None:
    pot = template()
    _write_po(POT, pot)
    for lang in languages():
        catalog = _read(po_path(lang), lang)
        catalog.update(pot, no_fuzzy_matching=False)
        _write_po(po_path(lang), catalog)
    print(f"wrote {POT.relative_to(_PACKAGE.parent)}; merged into {', '.join(languages())}")


def compile_all() -> None:
    for lang in languages():
        po = po_path(lang)
        po.with_suffix(".mo").write_bytes(mo_bytes(_read(po, lang)))
        print(f"compiled {po.with_suffix('.mo').relative_to(_PACKAGE.parent)}")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def problems(lang: str) -> list[str]:
    """What `check` reports for one language (tests/test_explain.py runs it too)."""
    catalog = _read(po_path(lang), lang)
    out = []
    for context, msgid, _ in entries():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key, context=context)
        where = f"{lang}: {context}: {key[:50]!r}"
        if message is None or not message.string or not any(_as_tuple(message.string)):
            out.append(f"{where}: not translated")
            continue
        if message.fuzzy:
            out.append(f"{where}: fuzzy (the English changed: review the translation)")
        allowed = set().union(*(_fields(m) for m in _as_tuple(msgid))) | {"d", "s"}
        for text in _as_tuple(message.string):
            if extra := _fields(text) - allowed:
                out.append(f"{where}: placeholders {sorted(extra)} are not in the English")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
        out.append(f"{lang}: {mo.name} is not compiled from {po_path(lang).name}: run compile")
    return out


def _as_tuple(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def check() -> int:
    found = [p for lang in languages() for p in problems(lang)]
    for p in found:
        print(p)
    print(f"{len(found)} problem(s) in {', '.join(languages())}")
    return 1 if found else 0


# --- convert: the old dict format -> messages.py + .po -----------------------------------


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("_old_catalogue", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _plural(text: str) -> str | Plural:
    """ "{lines} line(s) (...) were" in the old format: English gets both forms; a language
    without the distinction keeps its one text (zh-TW has one plural form)."""
    if "{lines} line(s)" not in text:
        return text
    head, tail = text.split("{lines} line(s)", 1)
    verb = re.match(r"( \([^)]*\))? were ", tail)
    one = tail.replace(" were ", " was ", 1) if verb else tail
    return Plural(f"{head}{{lines}} line{one}", f"{head}{{lines}} lines{tail}", "lines")


def convert(path: Path) -> None:
    old = _load(path)
    findings = dict(messages.FINDINGS)
    phrases = dict(messages.PHRASES)
    new_keys = [k for k in old._EN if k not in findings]
    new_phrases = [k for k in old.PHRASES_EN if k not in phrases]
    # An entry both have whose English differs: the other branch reworded it; that is a
    # review, not a conversion (edit messages.py, then extract: its translation turns fuzzy).
    for key in old._EN.keys() & findings.keys():
        t = old._EN[key]
        theirs = Text(_plural(t.summary), _plural(t.explanation), _plural(t.remedy))
        if theirs != findings[key]:
            print(f"changed, not converted: {key} (edit analyzer/messages.py by hand)")
    for key in old.PHRASES_EN.keys() & phrases.keys():
        if old.PHRASES_EN[key] != phrases[key] and not isinstance(phrases[key], Plural):
            print(f"changed, not converted: phrase {key} (edit analyzer/messages.py by hand)")
    for key in new_keys:
        t = old._EN[key]
        findings[key] = Text(_plural(t.summary), _plural(t.explanation), _plural(t.remedy))
    for key in new_phrases:
        phrases[key] = old.PHRASES_EN[key]
    write_messages(findings, phrases)
    messages.FINDINGS, messages.PHRASES = findings, phrases
    for lang, table, phrase_table in (("zh-TW", old._ZH_TW, old._PHRASES_ZH_TW),):
        po = po_path(lang)
        catalog = _read(po, lang) if po.exists() else _new(lang)
        for key in new_keys:
            if key not in table:
                continue
            for part in PARTS:
                english: str | Plural = getattr(findings[key], part)
                theirs = getattr(table[key], part)
                if isinstance(english, Plural):
                    catalog.add((english.one, english.other), (theirs,), context=key,
                                auto_comments=[f"{part}; plural by {{{english.n}}}"])  # fmt: skip
                elif english:
                    catalog.add(english, theirs, context=key, auto_comments=[part])
        for key in new_phrases:
            if key in phrase_table:
                catalog.add(phrases[key], phrase_table[key], context=key, auto_comments=["phrase"])
        _write_po(po, catalog)
    _write_po(POT, template())
    compile_all()
    print(f"added {len(new_keys)} entries and {len(new_phrases)} phrases")
    permanence = {k: old._EN[k].permanent for k in new_keys if not k.startswith("change.")}
    if permanence:
        print("add to PERMANENCE in analyzer/model.py (a variant only where it differs):")
        for key, value in permanence.items():
            base = key.split(".")[0]
            if "." in key and base in old._EN and old._EN[base].permanent == value:
                continue
            print(f'    "{key}": {value},')


def _literal(text: str, indent: str) -> str:
    """A long string as implicitly concatenated literals of at most ~92 columns."""
    pieces = textwrap.wrap(text, 92 - len(indent), drop_whitespace=False, break_on_hyphens=False)
    return "\n".join(f"{indent}{_quoted(p)}" for p in pieces or [""])


def _quoted(text: str) -> str:
    """A double-quoted literal, as ruff format writes it."""
    body = repr(text)[1:-1] if "'" not in text else repr(text)[1:-1].replace("\\'", "'")
    return '"' + body.replace('"', '\\"') + '"'


def _value(value: str | Plural, indent: str) -> str:
    if isinstance(value, Plural):
        inner = indent + "    "
        return (f"{indent}Plural(\n{_literal(value.one, inner)},\n"
                f"{_literal(value.other, inner)},\n{inner}{value.n!r},\n{indent})")  # fmt: skip
    return _literal(value, indent)


def write_messages(findings: dict[str, Text], phrases: dict[str, str | Plural]) -> None:
    source = (_PACKAGE / "messages.py").read_text(encoding="utf-8")
    head = source[: source.index("FINDINGS: dict[str, Text] = {")]
    lines = [head.rstrip("\n"), "", "", "FINDINGS: dict[str, Text] = {"]
    for key, text in findings.items():
        lines.append(f"    {_quoted(key)}: Text(")
        lines += [_value(getattr(text, part), "        ") + "," for part in PARTS]
        lines.append("    ),")
    lines += [
        "}",
        "",
        "# Short texts of the reports (labels, headlines) and words that fill templates.",
    ]
    lines.append("PHRASES: dict[str, str | Plural] = {")
    for key, phrase in phrases.items():
        if isinstance(phrase, Plural):
            lines.append(f"    {_quoted(key)}: {_value(phrase, '    ').strip()},")
            continue
        literal = _literal(phrase, "        ")
        one = "\n" not in literal and len(key) + len(literal) < 90
        lines.append(
            f"    {_quoted(key)}: {literal.strip()},"
            if one
            else f"    {_quoted(key)}: (\n{literal}\n    ),"
        )
    lines += ["}", ""]
    path = _PACKAGE / "messages.py"
    path.write_text("\n".join(lines), encoding="utf-8")
    # The project's formatting (ruff is a [test] extra, as Babel is).
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(path)], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.catalogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("command", choices=("extract", "check", "compile", "convert"))
    parser.add_argument("file", nargs="?", type=Path, help="convert: the old-format explain.py")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
    elif args.command == "compile":
        compile_all()
    elif args.command == "convert":
        if args.file is None:
            parser.error("convert needs the old-format file")
        convert(args.file)
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
