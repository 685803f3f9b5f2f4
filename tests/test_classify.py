from __future__ import annotations

import pytest

from analyzer.classify import classify, organizational_domain
from analyzer.model import Classification


@pytest.mark.parametrize(
    ("d", "from_domain", "cls", "strict"),
    [
        ("example.com", "example.com", Classification.AUTHOR, True),
        ("example.com", "mail.example.com", Classification.AUTHOR, False),
        ("mail.example.com", "example.com", Classification.AUTHOR, False),
        ("amazonses.com", "example.com", Classification.PROVIDER, False),
        ("example-com.20230601.gappssmtp.com", "example.com", Classification.PROVIDER, False),
        ("other.example", "example.com", Classification.THIRD_PARTY, False),
        ("example.co.uk", "other.co.uk", Classification.THIRD_PARTY, False),
    ],
)
def test_classification(d: str, from_domain: str, cls: Classification, strict: bool) -> None:
    a = classify(d, from_domain)
    assert a.classification is cls and a.strict is strict


def test_provider_name_is_given() -> None:
    assert classify("amazonses.com", "example.com").provider == "Amazon SES"


def test_a_platform_mailing_as_itself_is_the_author() -> None:
    assert classify("amazonses.com", "amazonses.com").classification is Classification.AUTHOR


def test_organizational_domain_uses_the_public_suffix_list() -> None:
    assert organizational_domain("a.b.example.co.uk") == "example.co.uk"


def test_organizational_domain_of_an_idn_stays_in_a_labels() -> None:
    # xn--p1ai (Russia) and xn--90ae (Bulgaria) are in the list only as U-labels.
    assert organizational_domain("mail.xn--d1acufc.xn--p1ai") == "xn--d1acufc.xn--p1ai"
    assert organizational_domain("a.b.xn--e1afmkfd.xn--90ae") == "xn--e1afmkfd.xn--90ae"
