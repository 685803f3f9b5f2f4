"""The public suffix list is parsed only when an answer needs it, and then only the rules of
the top-level domain asked (issue 15, start-up): the short-cuts of organizational_domain()
and same_organization() and the per-TLD lists give the whole list's own answers."""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import classify
from analyzer.classify import _psl, organizational_domain, same_organization
from tests.conftest import FIXTURES, ROOT, message_domains

REALMAIL = ROOT.parent / "shared" / "realmail" / "messages"


def _by_the_list(domain: str) -> str:
    """organizational_domain() as it was: always asking the whole list."""
    domain = domain.lower().rstrip(".")
    unicode = domain
    if "xn--" in domain:
        with contextlib.suppress(UnicodeError):
            unicode = domain.encode("ascii").decode("idna")
    org = _psl().privatesuffix(unicode)
    if org is None:
        return domain
    return ".".join(domain.split(".")[-(org.count(".") + 1) :])


def _assert_same_answers(a: str, b: str) -> None:
    assert organizational_domain(a) == _by_the_list(a), a
    assert same_organization(a, b) is (_by_the_list(a) == _by_the_list(b)), (a, b)


def _rule_names() -> list[str]:
    """Names the list has rules for (wildcards and exceptions as plain names), some as
    A-labels: the names whose answers the list decides."""
    rules = [r.lstrip("!").removeprefix("*.") for r in _psl()._publicsuffix]
    encoded = []
    for r in rules[:400]:
        with contextlib.suppress(UnicodeError):
            encoded.append(r.encode("idna").decode("ascii"))
    return sorted(set(rules) | set(encoded))


_RULES = _rule_names()
_LABEL = st.sampled_from(["", "a", "mail", "example", "www", "city", "xn--bcher-kva", "co", "uk"])


def _name(labels: list[str], rule: str, upper: bool, dots: int) -> str:
    name = ".".join([*labels, rule] if rule else labels)
    return (name.upper() if upper else name) + "." * dots


_NAME = st.builds(
    _name,
    st.lists(_LABEL, max_size=3),
    st.one_of(st.just(""), st.sampled_from(_RULES)),
    st.booleans(),
    st.integers(0, 2),
)


@settings(max_examples=3000, deadline=None)
@given(_NAME, _NAME)
def test_generated_names_get_the_lists_answers(a: str, b: str) -> None:
    _assert_same_answers(a, b)


def test_each_rule_gets_the_whole_lists_answer_from_its_tlds_rules() -> None:
    """Every name the list has a rule for, and one and two labels under it: the rules of
    its top-level domain alone (classify._psl_for) answer as the whole list does."""
    whole = _psl()
    for rule in _RULES:
        for name in (rule, f"a.{rule}", f"mail.a.{rule}"):
            tld = name.rsplit(".", 1)[-1]
            assert classify._psl_for(tld).privatesuffix(name) == whole.privatesuffix(name), name


@settings(max_examples=500, deadline=None)
@given(_NAME, st.lists(_LABEL, min_size=1, max_size=2))
def test_names_under_one_another_get_the_lists_answers(a: str, more: list[str]) -> None:
    # The pairs the last-two-labels test lets through: the list decides them.
    _assert_same_answers(".".join([*more, a]), a)


@pytest.mark.parametrize(
    "source",
    [FIXTURES, REALMAIL],
    ids=["fixtures", "realmail"],
)
def test_the_messages_domain_pairs_get_the_lists_answers(source: Path) -> None:
    if not source.is_dir():
        pytest.skip(f"{source} not present")
    messages = sorted(source.glob("*/message.eml")) or sorted(source.glob("*.eml"))
    assert messages
    domains = sorted(message_domains(messages))
    for a, b in itertools.product(domains, repeat=2):
        _assert_same_answers(a, b)


def _check_lists(message: Path) -> list[str]:
    """`check --zone` of `message` (the plain fixture's zone) in a process of its own: the
    lists it parsed (the whole list, the top-level domains') and its exit code."""
    plain = FIXTURES / "plain"
    code = (
        "import sys\n"
        "from analyzer.cli import main\n"
        f"sys.argv = ['dkim-analyzer', 'check', '--zone', {str(plain / 'zone')!r}, "
        f"{str(message)!r}]\n"
        "code = 0\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "from analyzer.classify import _psl, _psl_for\n"
        "print('psl', _psl.cache_info().currsize, 'tlds', _psl_for.cache_info().currsize,"
        " 'exit', code, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert "PASS" in done.stdout, done.stdout + done.stderr
    return done.stderr.split()[-6:]


def test_check_of_equal_domains_parses_no_list(tmp_path: Path) -> None:
    """d= equals the From domain, a name of two labels, and no Received field names a
    receiver: check parses no list, and answers as before."""
    plain = FIXTURES / "plain"
    head, sep, body = (plain / "message.eml").read_bytes().partition(b"\n\n")
    kept: list[bytes] = []
    received = False
    for line in head.split(b"\n"):
        if line[:1] not in (b" ", b"\t"):
            received = line.lower().startswith(b"received:")
        if not received:
            kept.append(line)
    message = tmp_path / "message.eml"
    message.write_bytes(b"\n".join(kept) + sep + body)
    assert _check_lists(message) == ["psl", "0", "tlds", "0", "exit", "0"]


def test_check_parses_only_the_rules_of_the_top_level_domains_it_asks() -> None:
    """A check whose trust rule needs the organizational domain of the receivers' host
    names (the fixture as it is, Received fields kept) parses the rules of those names'
    top-level domains, never the whole list (~17-35 ms of its start-up), and answers as
    before."""
    words = _check_lists(FIXTURES / "plain" / "message.eml")
    assert words[:2] == ["psl", "0"] and words[4:] == ["exit", "0"], words
    assert int(words[3]) >= 1, words  # the list was asked, by top-level domain
