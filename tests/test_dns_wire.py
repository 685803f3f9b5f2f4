"""dns.py's own query wire and reply check, held to dnspython's Message (the careful path)."""

from __future__ import annotations

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.dns import _is_response, _make_query, query_wire

LABEL = st.text(
    alphabet=st.sampled_from("abcXYZ019_-.\\@* é"), min_size=0, max_size=70
)  # plain, odd, too long, empty, non-ASCII
RDTYPES = st.sampled_from(["TXT", "A", "AAAA", "CNAME", "NS", "MX", "SOA", "PTR", "txt"])


def careful(qname: str, rdtype: str, qid: int) -> bytes:
    q = _make_query(qname, rdtype)
    q.id = qid
    return q.to_wire()


@settings(max_examples=400, deadline=None)
@given(st.lists(LABEL, min_size=0, max_size=6), RDTYPES, st.integers(0, 65535))
def test_query_wire_is_the_messages_wire(labels: list[str], rdtype: str, qid: int) -> None:
    qname = ".".join(labels) + "."
    try:
        expected: bytes | Exception = careful(qname, rdtype, qid)
    except Exception as e:  # a name dnspython refuses: refused the same way
        expected = e
    try:
        got: bytes | Exception = query_wire(qname, rdtype, qid)
    except Exception as e:
        got = e
    if isinstance(expected, Exception):
        assert type(got) is type(expected) and str(got) == str(expected)
    else:
        assert got == expected


def test_query_wire_of_long_plain_names_and_the_root() -> None:
    for qname in [".", "a." * 127, ("x" * 63 + ".") * 3 + "y" * 61 + ".", "s1._domainkey.Ex.COM."]:
        for rdtype in ["TXT", "A"]:
            try:
                expected: bytes | Exception = careful(qname, rdtype, 7)
            except Exception as e:
                expected = e
            try:
                got: bytes | Exception = query_wire(qname, rdtype, 7)
            except Exception as e:
                got = e
            if isinstance(expected, Exception):
                assert type(got) is type(expected)
            else:
                assert got == expected, qname


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["s1._domainkey.example.com.", "A.b.", "x.example."]),
    st.sampled_from(["TXT", "A"]),
    st.integers(0, 3),  # which id
    st.booleans(),  # QR
    st.integers(0, 5),  # opcode
    st.sampled_from([dns.rcode.NOERROR, dns.rcode.SERVFAIL, dns.rcode.REFUSED, dns.rcode.NXDOMAIN]),
    st.lists(
        st.tuples(
            st.sampled_from(["s1._domainkey.EXAMPLE.com.", "A.B.", "other."]),
            st.sampled_from(["TXT", "A"]),
        ),
        max_size=2,
    ),
)
def test_is_response_is_the_messages_is_response(
    qname: str,
    rdtype: str,
    which: int,
    qr: bool,
    opcode: int,
    rcode: int,
    question: list[tuple[str, str]],
) -> None:
    q = _make_query(qname, rdtype)
    q.id = 4242
    r = dns.message.Message(id=4242 if which else 4243)
    r.flags = (dns.flags.QR if qr else 0) | (opcode << 11)
    r.set_rcode(rcode)
    for name, t in question:
        r.find_rrset(
            r.question,
            dns.name.from_text(name),
            1,
            dns.rdatatype.from_text(t),
            create=True,
            force_unique=True,
        )
    assert _is_response(r, 4242, qname, rdtype) == q.is_response(r)
