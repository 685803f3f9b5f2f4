"""Words for findings and report labels, in the language asked for (gettext).

The English texts are the msgids in analyzer/messages.py; each other language is a
compiled gettext catalogue, analyzer/locale/<lang>/LC_MESSAGES/dkim_analyzer.mo, read
with the standard library only when that language is asked for (Babel is the build
tool: `python -m analyzer.catalogue`). Adding a language is adding its .po (and .mo).
"""

from __future__ import annotations

import functools
import gettext
import os
import re
import string
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from analyzer.messages import FINDINGS, PHRASES, Plural
from analyzer.model import Finding

DOMAIN = "dkim_analyzer"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def locale_name(lang: str) -> str:
    """`zh-TW` (the --lang spelling) -> `zh_TW` (gettext's directory name)."""
    return lang.replace("-", "_")


def _languages() -> tuple[str, ...]:
    try:
        found = sorted(p.name.replace("_", "-") for p in LOCALE_DIR.iterdir() if p.is_dir())
    except OSError:
        found = []
    return ("en", *found)


LANGUAGES = _languages()
_ALIASES = {"zh": "zh-TW", "zh-tw": "zh-TW", "zh-hant": "zh-TW", "zh-hk": "zh-TW", "zh-mo": "zh-TW"}


def normalize_lang(value: str) -> str | None:
    """`zh_TW.UTF-8`, `zh-Hant`, `en_US` ... -> a catalogue language, or None if unknown."""
    tag = value.split(".")[0].split("@")[0].replace("_", "-").strip().lower()
    if tag in ("", "c", "posix"):
        return None
    if tag.startswith("en"):
        return "en"
    for prefix, lang in _ALIASES.items():
        if tag == prefix or tag.startswith(prefix + "-"):
            return lang
    return next((lang for lang in LANGUAGES if lang.lower() == tag), None)


def lang_from_environ(environ: Mapping[str, str] = os.environ) -> str:
    """The language of the POSIX locale: LC_ALL, then LC_MESSAGES, then LANG (default en)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return normalize_lang(value) or "en"
    return "en"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English, or a language without one: the msgids)."""
    if lang == "en":
        return gettext.NullTranslations()
    mo = LOCALE_DIR / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    except OSError:
        return gettext.NullTranslations()


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def text(key: str, english: str | Plural, lang: str, fields: Mapping[str, object]) -> str:
    """One catalogue text in `lang`, its fields filled in."""
    if not english:
        return ""
    t = translations(lang)
    if isinstance(english, Plural):
        count = fields.get(english.n)
        n = count if isinstance(count, int) else 2
        template = t.npgettext(key, english.one, english.other, n)
    else:
        template = t.pgettext(key, english)
    return template.format_map(_Fields(fields)) if fields else template


def phrase(key: str, lang: str = "en", **fields: object) -> str:
    """A short text of the reports (a label, a headline), in `lang`."""
    return _filled(_phrase_template(key, lang), lang, fields, _Fields(fields) if fields else None)


@functools.cache
def _phrase_template(key: str, lang: str) -> _Template:
    return _template(translations(lang), key, PHRASES[key])


def entry(code: str, variant: str | None = None) -> str:
    """The catalogue key of a finding: `code.variant` when that variant has its own words."""
    key = f"{code}.{variant}" if variant else code
    return key if key in FINDINGS else code


# The words `fields` makes, and the values each is made of (a value it replaces, such as an
# unknown from_domain, is made of itself): with the fields a finding's templates name, all
# that its words read of its values (`reads`). What fields() reads is listed here.
DERIVED = {
    "header_state": ("header_valid",),
    "owner": ("list_owner",),
    "how": ("recorded_source", "recorded_instance", "recorded_sealer"),
    "action": ("disposition",),
    "notes": ("disposition", "testing", "policy", "pct", "psl_org_domain", "org_domain"),
    "mode": ("adkim",),
    "alignment_rule": ("adkim", "from_domain"),
}


def fields(values: Mapping[str, object], lang: str) -> dict[str, object]:
    """A finding's values, and the words some templates name that come from them: the
    values are facts (None when unknown, a bool, a code), the words are the language's."""
    out = dict(values)
    for name, unknown in (("from_domain", "unknown.domain"), ("server", "unknown.server"),
                          ("region", "unknown.region")):  # fmt: skip
        if name in out and out[name] is None:
            out[name] = phrase(unknown, lang)
    if "header_valid" in out:
        out["header_state"] = phrase(f"state.{str(out['header_valid']).lower()}", lang)
    if out.get("list_owner") is not None:
        out["owner"] = phrase("owner.list", lang, list=out["list_owner"])
    if source := out.get("recorded_source"):
        key = f"recorded.{source}"
        out["how"] = phrase(key, lang, instance=out.get("recorded_instance"),
                            sealer=out.get("recorded_sealer"))  # fmt: skip
    if (disposition := out.get("disposition")) is not None:  # dmarc_result (issue 13)
        out["action"] = phrase(f"dmarc.action.{disposition}", lang)
        notes = [phrase("dmarc.note.testing", lang, policy=out.get("policy"))] if out.get(
            "testing") else []  # fmt: skip
        pct = out.get("pct")
        if isinstance(pct, int) and pct < 100:
            notes.append(phrase("dmarc.note.pct", lang, pct=pct))
        if out.get("psl_org_domain"):
            notes.append(phrase("dmarc.note.psl", lang, psl=out["psl_org_domain"],
                                org=out.get("org_domain")))  # fmt: skip
        out["notes"] = "".join(notes)
    if (adkim := out.get("adkim")) in ("r", "s"):
        out["mode"] = phrase(f"mode.{adkim}", lang)
        out["alignment_rule"] = phrase(f"alignment.{adkim}", lang, from_domain=out["from_domain"])
    return out


# A code whose variant names a second entry that finishes its words: header_modified says
# which header changed, `change.<kind>` how (forensics.ChangeKind).
_COMPOSED = {"header_modified": "change"}


def join(first: str, then: str) -> str:
    """Two sentences: a space between them, none after a wide (CJK) character."""
    if not first or not then:
        return first or then
    return first + then if unicodedata.east_asian_width(first[-1]) in "WF" else f"{first} {then}"


def words(finding: Finding, lang: str = "en") -> tuple[str, str, str]:
    """(summary, explanation, remedy) of a finding in `lang`, its values filled in."""
    return worded(finding.code, finding.variant, finding.values, lang)


def worded(
    code: str, variant: str | None, values: Mapping[str, object], lang: str
) -> tuple[str, str, str]:
    """`words` of a finding given as its code, variant and values: all that its words read."""
    first, then = _templates(code, variant, lang)
    filled = fields(values, lang)
    given = _Fields(filled) if filled else None  # `text`: no values, nothing filled in
    a, b, c = first  # three calls, not a generator's three resumptions (scan: per message)
    summary, explanation, remedy = (
        _filled(a, lang, filled, given), _filled(b, lang, filled, given),
        _filled(c, lang, filled, given),
    )  # fmt: skip
    if then is not None:
        more = [_filled(t, lang, filled, given) for t in then]
        summary = join(summary, more[0])
        explanation = join(explanation, more[1])
        remedy = more[2]
    return summary, explanation, remedy


# A finding's template in its language (`text` without the filling in), or a plural form's
# key and texts, chosen by its number each time.
_Template = str | tuple[str, Plural]


@functools.cache
def _templates(
    code: str, variant: str | None, lang: str
) -> tuple[tuple[_Template, ...], tuple[_Template, ...] | None]:
    """The templates of a finding's three parts in `lang`, and of the entry that finishes
    them (_COMPOSED), looked up once (gettext, a catalogue's pgettext is ~1 us a call)."""
    t = translations(lang)
    key = entry(code, variant)
    first = tuple(_template(t, key, part) for part in FINDINGS[key])
    then = _COMPOSED.get(code)
    if not (then and variant):
        return first, None
    more = f"{then}.{variant}"
    return first, tuple(_template(t, more, part) for part in FINDINGS[more])


def _template(t: gettext.NullTranslations, key: str, english: str | Plural) -> _Template:
    if isinstance(english, Plural):
        return key, english
    return t.pgettext(key, english) if english else ""


def _filled(
    template: _Template, lang: str, filled: Mapping[str, object], given: Mapping[str, object] | None
) -> str:
    """text(...) of one template of _templates: its fields filled in (`given`) if any."""
    if isinstance(template, str):
        return template if given is None else template.format_map(given)
    key, plural = template
    return text(key, plural, lang, filled)


@functools.cache
def reads(code: str, variant: str | None, lang: str) -> tuple[str, ...] | None:
    """The names of the values `worded` reads for this code and variant in `lang`, sorted:
    the fields its templates name (and their second entry's) and what those are made of
    (DERIVED). None when a template hides what it reads (a plural form, a field by position
    or inside a format spec): then any value may count. Whether there are values at all
    counts too (`text`: a template with no values is not filled in)."""
    key = entry(code, variant)
    texts = [(key, part) for part in FINDINGS[key]]
    then = _COMPOSED.get(code)
    if then and variant:
        more = f"{then}.{variant}"
        texts += [(more, part) for part in FINDINGS[more]]
    names: set[str] = set()
    t = translations(lang)
    for k, english in texts:
        if isinstance(english, Plural):
            return None
        if not english:
            continue
        for _, name, spec, _ in string.Formatter().parse(t.pgettext(k, english)):
            if name is None:
                continue
            head = _FIELD_HEAD.match(name)
            if head is None or "{" in (spec or ""):
                return None
            names.add(head.group())
    names.update(*(DERIVED.get(name, ()) for name in list(names)))
    return tuple(sorted(names))


# A template field's value name, before any .attribute or [index]: not a position.
_FIELD_HEAD = re.compile(r"[A-Za-z_]\w*(?=$|[.\[])")
