from __future__ import annotations

import pytest

from analyzer.classify import classify, mailing_list, organizational_domain, provider_for
from analyzer.message import a_label, parse_message
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


# --- IDN: both sides compared as A-labels (issue 10 item 9) ---


@pytest.mark.parametrize(
    ("d", "from_domain", "strict"),
    [
        ("bücher.example", "xn--bcher-kva.example", True),  # U-label d= (RFC 8616 §4)
        ("xn--bcher-kva.example", "bücher.example", True),
        ("BÜCHER.example.", "xn--bcher-kva.example", True),
        ("mail.bücher.example", "xn--bcher-kva.example", False),
    ],
)
def test_idn_domains_align_in_either_form(d: str, from_domain: str, strict: bool) -> None:
    a = classify(d, from_domain)
    assert a.classification is Classification.AUTHOR and a.strict is strict


def test_a_label_keeps_what_it_cannot_encode() -> None:
    assert a_label("xn--bcher-kva.Example.") == "xn--bcher-kva.example"
    assert a_label("bücher.example") == "xn--bcher-kva.example"
    assert a_label("a\udcff.example") == "a\udcff.example"  # not encodable: kept, lowercased


# --- the provider catalogue (issue 10 item 13) ---


@pytest.mark.parametrize(
    ("d", "name"),
    [
        ("my-project.firebaseapp.com", "Firebase"),
        ("google.com", "Google"),
        ("example-com.20230601.gappssmtp.com", "Google Workspace"),
        ("tenant.onmicrosoft.com", "Microsoft 365"),
        ("eu-frankfurt-1.rp.oracleemaildelivery.com", "Oracle Cloud Email Delivery"),
        ("suite12.emarsys.net", "Emarsys"),
        ("s11.y.mc.salesforce.com", "Salesforce Marketing Cloud"),
        ("bounce.s7.exacttarget.com", "Salesforce Marketing Cloud"),
        ("acems1.com", "ActiveCampaign"),
        ("improvmx.com", "ImprovMX"),
        ("zendesk.com", "Zendesk"),
        ("mandrillapp.com", "Mandrill"),
        ("pm.mtasv.net", "Postmark"),
        ("auth.ccsend.com", "Constant Contact"),
        ("hubspotemail.net", "HubSpot"),
        ("klaviyomail.com", "Klaviyo"),
        ("sparkpostmail.com", "SparkPost"),
        ("bnc3.mailjet.com", "Mailjet"),
    ],
)
def test_provider_catalogue(d: str, name: str) -> None:
    assert provider_for(d) == name
    assert classify(d, "example.com").classification is Classification.PROVIDER


def test_salesforce_itself_is_not_a_platform() -> None:
    assert provider_for("salesforce.com") is None  # only its Marketing Cloud sending domains


# --- mailing lists (issue 10 item 4) ---

GROUPSIO = (
    b"From: Neal <noreply@ciplatform.org>\r\n"
    b"Sender: cip-testing-results@lists.cip-project.org\r\n"
    b"List-Id: <cip-testing-results.lists.cip-project.org>\r\n"
    b"Mailing-List: list cip-testing-results@lists.cip-project.org; contact "
    b"cip-testing-results+owner@lists.cip-project.org\r\n"
    b"List-Unsubscribe: <https://lists.cip-project.org/g/x/leave/1>\r\n"
    b"\r\nbody\r\n"
)


def test_a_list_signature_is_the_lists() -> None:
    lst = mailing_list(parse_message(GROUPSIO))
    assert lst is not None and lst.name == "cip-testing-results.lists.cip-project.org"
    assert lst.domains == ("cip-project.org",)
    assert [e.split(":")[0] for e in lst.evidence] == ["List-Id", "Mailing-List"]
    a = classify("lists.cip-project.org", "ciplatform.org", lst)
    assert a.classification is Classification.LIST and a.mailing_list == lst.name


def test_mailman_list_address_without_list_id() -> None:
    msg = parse_message(
        b"From: a@example.com\r\nX-BeenThere: dev@lists.example.org\r\n"
        b"X-Mailman-Version: 2.1.12\r\n\r\nbody\r\n"
    )
    lst = mailing_list(msg)
    assert lst is not None and lst.name == "dev@lists.example.org"
    assert classify("lists.example.org", "example.com", lst).classification is Classification.LIST


def test_precedence_author_then_provider_then_list() -> None:
    # GitHub notifications carry a List-ID at github.com: d=github.com is still the author's.
    msg = parse_message(
        b"From: n@github.com\r\nList-ID: mirage/irmin <irmin.mirage.github.com>\r\n\r\nx\r\n"
    )
    assert classify("github.com", "github.com", mailing_list(msg)).classification is (
        Classification.AUTHOR
    )
    # Mailchimp's List-ID is at mcsv.net: its d=mcc.mcsv.net stays the platform's.
    msg = parse_message(
        b"From: m@bimbimgo.com\r\nList-ID: x <50c2.330497.list-id.mcsv.net>\r\n\r\nx\r\n"
    )
    assert classify("mcc.mcsv.net", "bimbimgo.com", mailing_list(msg)).classification is (
        Classification.PROVIDER
    )


def test_a_newsletter_unsubscribe_link_is_not_a_list() -> None:
    msg = parse_message(
        b"From: c@carlance.fr\r\nList-Unsubscribe: <mailto:u@rmh2.net>\r\n\r\nx\r\n"
    )
    assert mailing_list(msg) is None
    assert classify("rmh2.net", "carlance.fr", None).classification is Classification.THIRD_PARTY


def test_a_list_id_with_a_space_inside() -> None:
    msg = parse_message(b"From: n@ggg.com\r\nList-Id: <770 capital.ggg.com>\r\n\r\nx\r\n")
    lst = mailing_list(msg)
    assert lst is not None and lst.name == "capital.ggg.com"


def test_google_groups_list_signature() -> None:
    msg = parse_message(
        b"From: a@example.com\r\nList-ID: <dev.googlegroups.com>\r\n"
        b"X-Google-Group-Id: 123456\r\n\r\nx\r\n"
    )
    lst = mailing_list(msg)
    assert lst is not None and any(e.startswith("X-Google-Group-Id") for e in lst.evidence)
    a = classify("googlegroups.com", "example.com", lst)
    assert a.classification is Classification.LIST
