"""The catalogue: every reason and finding code -> plain words and a remedy.

All prose lives here (renderers never invent any), keyed by language so it can
be translated. Templates name what they speak of through fields: {d} and {s}
(the signature's domain and selector), {key} (the DNS name of its key),
{detail}, {server}, {provider}, {from_domain}, {bits}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    summary: str
    explanation: str
    remedy: str
    permanent: bool | None  # None: neither (information)


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


_EN: dict[str, Text] = {
    # --- one per reason code: why a signature did not pass ---
    "body_hash_mismatch": Text(
        "The signature of {d} (s={s}) fails: the body was changed after signing.",
        "The body hash in bh= no longer matches the message body, so something between the "
        "sender and the receiver altered the body (a footer, a banner, re-encoding, line "
        "endings). The header signature is {header_state}.",
        "Find what rewrites the body after signing: a mailing list, an antivirus or "
        "disclaimer gateway, or a relay that re-encodes. Sign after those steps, or have "
        "them leave the body alone.",
        True,
    ),
    "signature_mismatch": Text(
        "The signature of {d} (s={s}) fails: a signed header was changed, or the key does "
        "not match.",
        "The header signature in b= does not verify with the key published at {key}. "
        "Either a header listed in h= was changed in transit (a subject tag, a re-folded "
        "header), or the message was signed with a private key that does not belong to this "
        "public key.",
        "If every message from this signer fails, compare the private key the sending "
        "system uses with the public key at {key}. If only some do, look for a relay that "
        "edits signed headers.",
        True,
    ),
    "key_not_found": Text(
        "The signature of {d} (s={s}) cannot be checked: there is no key at {key}.",
        "DNS says {detail}. Receivers look for the public key at exactly {key}; without "
        "it no receiver can verify this signature.",
        "Publish the key record (TXT, or the CNAME your provider gave you) at {key}, "
        "exactly under that name. If you rotated keys, keep the old selector published "
        "until mail signed with it has been delivered.",
        True,
    ),
    "key_revoked": Text(
        "The key for {d} (s={s}) has been revoked (empty p=).",
        "The record at {key} has an empty p= tag, which RFC 6376 defines as a revoked key. "
        "Signatures made with this selector can never verify.",
        "If this selector is still in use, publish its current public key; otherwise make "
        "the sending system sign with a selector that has one.",
        True,
    ),
    "key_syntax": Text(
        "The key record for {d} (s={s}) is malformed.",
        "The TXT record at {key} is not a valid DKIM key record: {detail}.",
        "Re-publish the record exactly as your provider or key tool printed it: "
        "`v=DKIM1; k=rsa; p=<base64 public key>` on one logical line, with no quotes, "
        "PEM header/footer lines or line breaks inside the value.",
        True,
    ),
    "key_too_short": Text(
        "The key for {d} (s={s}) is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits; receivers ignore the "
        "signature. {detail}.",
        "Generate a 2048-bit RSA key, publish it under a new selector and sign with it.",
        True,
    ),
    "key_too_long": Text(
        "The key for {d} (s={s}) is larger than this tool will use.",
        "The key at {key} is {detail}. Verifying with it would cost more than any "
        "receiver is willing to spend; most receivers refuse such keys too.",
        "Use a 2048-bit RSA key (or Ed25519 alongside RSA).",
        True,
    ),
    "key_type_mismatch": Text(
        "The key for {d} (s={s}) is of the wrong type for the signature.",
        "{detail}. The key published at {key} cannot verify a signature made with another "
        "algorithm.",
        "Publish the matching key type under this selector, or sign with the algorithm "
        "the published key is for.",
        True,
    ),
    "key_hash_not_allowed": Text(
        "The key for {d} (s={s}) does not allow the signature's hash algorithm.",
        "{detail} (the h= tag of the record at {key}).",
        "Remove the h= tag from the key record, or make it include sha256.",
        True,
    ),
    "key_service_mismatch": Text(
        "The key for {d} (s={s}) is not meant for email.",
        "{detail} (the s= tag of the record at {key}).",
        "Remove the s= tag from the key record, or set it to `email` or `*`.",
        True,
    ),
    "key_strict_identity": Text(
        "The key for {d} (s={s}) forbids this signature's identity.",
        "{detail}: RFC 6376 §3.6.1 says such a key only signs for i= exactly in d=.",
        "Remove t=s from the key record, or sign with i= in {d} itself.",
        True,
    ),
    "dns_servfail": Text(
        "The key for {d} (s={s}) could not be fetched: the DNS server failed (SERVFAIL).",
        "{detail}. This is a failure of DNS, not a verdict on the signature, and may "
        "clear up by itself; receivers that meet it defer or treat the result as a "
        "temporary error.",
        "Query {key} (TXT) against each of your domain's authoritative servers. If the name "
        "is a CNAME, check that the server answers TXT queries through it.",
        False,
    ),
    "dns_timeout": Text(
        "The key for {d} (s={s}) could not be fetched: DNS did not answer in time.",
        "{detail}. A timeout is temporary: the signature may verify when DNS answers.",
        "Check that your domain's authoritative servers answer for {key}, then retry "
        "(a longer --timeout helps on slow links).",
        False,
    ),
    "dns_error": Text(
        "The key for {d} (s={s}) could not be fetched: a DNS error.",
        "{detail}. This is temporary as far as this tool can tell.",
        "Retry later, or with another --nameserver.",
        False,
    ),
    "signature_syntax": Text(
        "The signature of {d} (s={s}) is malformed: {detail}.",
        "RFC 6376 requires this signature to be rejected before any key is fetched "
        "(tag {tag}). It cannot verify, whatever DNS says.",
        "Fix the signing software or its configuration: it writes an invalid "
        "DKIM-Signature header.",
        True,
    ),
    "signature_expired": Text(
        "The signature of {d} (s={s}) has expired.",
        "{detail}. Receivers ignore a signature after its x= time. For old mail this is "
        "expected; verify with --now set to when the message was received.",
        "If fresh mail arrives expired, the signer's x= is too short or its clock is wrong: "
        "allow at least several days.",
        True,
    ),
    "signature_future": Text(
        "The signature of {d} (s={s}) claims to have been made in the future.",
        "{detail}. The signer's clock is likely wrong; receivers may ignore such a signature.",
        "Fix the clock of the signing host (NTP).",
        True,
    ),
    "weak_algorithm": Text(
        "The signature of {d} (s={s}) uses rsa-sha1, which receivers no longer accept.",
        "{detail}. SHA-1 signatures are not valid under RFC 8301, whatever the key.",
        "Configure the signer to use rsa-sha256 (and optionally ed25519-sha256 as well).",
        True,
    ),
    "from_not_signed": Text(
        "The signature of {d} (s={s}) does not cover the From header.",
        "RFC 6376 requires the From field in h=; a signature without it is invalid.",
        "Configure the signer to include From in the signed headers.",
        True,
    ),
    "identity_mismatch": Text(
        "The signature of {d} (s={s}) has an identity outside its domain.",
        "{detail}: the i= domain must be d= or a subdomain of it (RFC 6376 §3.5).",
        "Configure the signer so that i= (the agent or user identifier) is within {d}, "
        "or leave i= out.",
        True,
    ),
    "body_unavailable": Text(
        "The header signature of {d} (s={s}) verifies; the body was not given.",
        "Only headers were supplied, so the body hash could not be checked. The headers "
        "that {d} signed are intact as far as they go.",
        "To check the body too, give the whole message (for Gmail: Show original, "
        "Download original).",
        None,
    ),
    "too_many_signatures": Text(
        "Signature {index} was not verified: the message has too many signatures.",
        "{detail}. Checking them all would cost more than any receiver spends.",
        "Nothing to fix unless a legitimate signer adds that many signatures.",
        None,
    ),
    # --- findings that are not a single signature's reason ---
    "no_signatures": Text(
        "The message carries no DKIM signature at all.",
        "Nothing in the message was signed, so receivers cannot tie it to {from_domain} "
        "through DKIM; DMARC then depends on SPF alone.",
        "Enable DKIM signing for {from_domain} on the system that sends this mail, and "
        "publish its key in DNS.",
        True,
    ),
    "author_signature_missing": Text(
        "No signature is from the sender's own domain ({from_domain}).",
        "Only other domains signed this message, so DKIM does not align with the From "
        "domain {from_domain} and gives DMARC nothing to pass on.",
        "Set up DKIM for {from_domain} on the sending platform (a custom signing domain), "
        "so that it signs with d={from_domain} or a subdomain of it.",
        True,
    ),
    "author_signature_failed": Text(
        "The sender's own signature does not pass.",
        "No signature aligned with {from_domain} passes; see the findings for each one.",
        "Fix the first error listed for a signature of {from_domain}.",
        True,
    ),
    "provider_signature": Text(
        "{provider} added its own signature (d={d}): this is normal.",
        "{provider} signs the mail it sends with its own domain {d}, automatically. "
        "It needs no action, and it does not count for DMARC, which looks for a signature "
        "of {from_domain}.",
        "Nothing to do.",
        None,
    ),
    "weak_key": Text(
        "The key for {d} (s={s}) is {bits}-bit RSA: still accepted, but weak.",
        "1024-bit RSA keys still verify, but they are considered breakable and some "
        "receivers are starting to distrust them.",
        "Generate a 2048-bit key, publish it under a new selector, switch the signer to it, "
        "and retire this selector once mail signed with it has been delivered.",
        True,
    ),
    "key_testing_mode": Text(
        "The key for {d} (s={s}) is in testing mode (t=y).",
        "With t=y receivers must not treat a failing signature any differently from an "
        "unsigned message, so DKIM gives no protection yet.",
        "When signing works, remove t=y from the record at {key}.",
        True,
    ),
    "multiple_key_records": Text(
        "There are {count} TXT records at {key}.",
        "A selector should hold exactly one key record. Receivers may pick any of them, "
        "so signatures can fail at some receivers and pass at others.",
        "Delete every record at {key} but the current key.",
        True,
    ),
    "body_length_limit": Text(
        "The signature of {d} (s={s}) covers only part of the body (l={length}).",
        "{detail} Anything after the signed length can be added by anyone without "
        "breaking the signature.",
        "Configure the signer not to use the l= tag.",
        True,
    ),
    "line_endings_converted": Text(
        "The file uses bare LF line endings; it was read as CRLF.",
        "Mail travels with CRLF line endings, and DKIM is computed over those. Saved "
        "files often lose the CR; this tool puts it back, as the receiver saw the message.",
        "Nothing to do, unless the message was signed in this LF form.",
        None,
    ),
    "headers_only": Text(
        "Only headers were given: body hashes were not checked.",
        "Without the body, each signature's header part (b=) is still verified; a "
        "signature whose headers verify is reported neutral, never failed.",
        "Give the whole message to check the body as well.",
        None,
    ),
    # --- forensics and ARC (issue 4) ---
    "body_appended": Text(
        "Proven: {lines} line(s) ({bytes} bytes) were added to the body after {d} (s={s}) "
        'signed it; the first: "{first_line}".',
        "With those lines removed, the body hashes to the signature's bh= again, so the rest of "
        "the body is exactly what {d} signed. Added text at the end of a body or of a MIME part "
        "is a mailing-list footer, a disclaimer or an antivirus banner.",
        "Find the hop that adds this text (the first line above names it) and have it stop, or "
        "have it sign again (DKIM or ARC) after adding it.",
        True,
    ),
    "body_prepended": Text(
        "Proven: {lines} line(s) ({bytes} bytes) were inserted at the start of the body after "
        '{d} (s={s}) signed it; the first: "{first_line}".',
        "With those lines removed, the body hashes to bh= again. Text put at the top of a body "
        'or of a MIME part is usually a gateway\'s warning banner ("external sender").',
        "Have the gateway that adds the banner do so only after verifying DKIM and recording "
        "the result (ARC), or tag the subject or a header instead of the body.",
        True,
    ),
    "body_truncated": Text(
        "Proven: the body is {bytes} bytes shorter than the part {d} (s={s}) signed (l=).",
        "The signature's l= says how many canonical body bytes were signed, and the body "
        "received is shorter: something cut the body (a size limit, a stripped attachment).",
        "Find the hop that shortens messages (attachment stripping, size limits) and exempt "
        "signed mail, or have it sign again after the change.",
        True,
    ),
    "body_line_endings": Text(
        "Proven: {d} (s={s}) signed the body with bare LF line endings, and it was delivered "
        "with CRLF.",
        "Converted back to bare LF, the body hashes to bh= again. The signer hashed the message "
        "in Unix (LF) form, and its mail server converted it to CRLF for SMTP, as it must: the "
        "signature was broken from the start.",
        "Make the signer hash the message in its wire form (CRLF line endings), e.g. sign in "
        "the MTA (milter) rather than in a script that writes LF files.",
        True,
    ),
    "body_whitespace": Text(
        "Proven: whitespace at the end of {lines} line(s) was changed after {d} (s={s}) signed "
        'with simple body canonicalization; the first: "{first_line}".',
        "With the line-end whitespace put back as signed, the body hashes to bh= again. Under "
        "c=.../simple every space counts; relays that strip or add trailing spaces (or break "
        "format=flowed soft line breaks) break such signatures.",
        "Sign with relaxed body canonicalization (c=relaxed/relaxed), which ignores trailing "
        "whitespace.",
        True,
    ),
    "mbox_from_quoting": Text(
        'Proven: ">From " quoting of {lines} line(s) changed after {d} (s={s}) signed; the '
        'first: "{first_line}".',
        'Mailbox (mbox) storage puts ">" before body lines that start with "From ", and some '
        "readers take it off. Undoing that, the body hashes to bh= again: the message was "
        "intact in transit, and the change was made where it was stored.",
        "Nothing to fix at the sender. Verify the message as delivered, before mailbox storage, "
        "or from a maildir or a Download original export.",
        None,
    ),
    "body_unexplained": Text(
        "No tested change explains why the body of {d} (s={s}) no longer matches bh=.",
        "Removing a block of lines at the end or start of the body or of a MIME part, line "
        "endings, trailing whitespace and From-quoting were each tried, and none reproduces "
        "the signed body hash. The evidence lists what is known about the body.",
        "Compare this copy with the message as it left the sender (its Sent folder) to see "
        "what a relay changed.",
        True,
    ),
    "body_likely_reencoded": Text(
        "The body of {d} (s={s}) was likely re-encoded by a relay (a guess).",
        "The evidence shows signs of a transfer-encoding conversion (for example 8bit to "
        "quoted-printable); a conversion after signing changes every encoded line, which "
        "breaks the body hash. This is likely, not proven.",
        "Have the sending system encode 8-bit text itself (quoted-printable or base64) before "
        "signing, so no relay needs to convert it.",
        True,
    ),
    "header_modified": Text(
        "Proven: the signed {header} header was changed after {d} (s={s}) signed it.",
        'With the original value "{original}" instead of the received "{received}", the '
        "header signature verifies again with the key at {key}.",
        "",
        True,
    ),
    "change.subject_tag": Text(
        "A subject tag was added.",
        "A mailing list or a gateway put a tag into the Subject.",
        "Ask the list or gateway to stop tagging subjects, or to seal its changes with ARC "
        "so receivers can trust the original result.",
        True,
    ),
    "change.refolded": Text(
        "The header was re-folded.",
        "A relay changed where the header's lines break; under simple header "
        "canonicalization that breaks the signature.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which ignores folding.",
        True,
    ),
    "change.respaced": Text(
        "Whitespace in the header was changed.",
        "A relay changed spaces in the header; under simple header canonicalization every "
        "space counts.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which ignores such changes.",
        True,
    ),
    "change.name_case": Text(
        "The header name's case was changed.",
        "A relay rewrote the field name's upper/lower case; simple header canonicalization "
        "keeps the case, so the signature breaks.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which lower-cases names.",
        True,
    ),
    "change.reencoded": Text(
        "8-bit characters were re-encoded.",
        "The header was signed with raw UTF-8 and a relay without SMTPUTF8 support turned it "
        "into RFC 2047 encoded-words.",
        "Encode non-ASCII header text as RFC 2047 encoded-words before signing, or make sure "
        "every hop supports SMTPUTF8.",
        True,
    ),
    "change.from_rewritten": Text(
        'From was rewritten (a mailing list\'s "via" address).',
        "A list replaced the author's address with its own so that the author's DMARC policy "
        "does not reject its copies; the original is kept in another header.",
        "Expected from a list that rewrites From; the list's own signature and ARC seal are "
        "what receivers judge. Nothing to fix at the author.",
        True,
    ),
    "change.added": Text(
        "Another instance of the header was added.",
        "A hop added a {header} field although the signer signed this name (or oversigned it "
        "to forbid additions); the added field is now part of what h= selects. Without it, "
        "the signature verifies.",
        "Find the hop that adds the field and stop it; oversigning is doing its job here.",
        True,
    ),
    "change.removed": Text(
        "A signed header was removed.",
        "A hop removed the {header} field (its value survives under another name); with it "
        "restored, the signature verifies.",
        "Find the hop that removes or renames the field and stop it.",
        True,
    ),
    "header_unexplained": Text(
        "No tested change explains why the header signature of {d} (s={s}) fails.",
        "Plausible originals of the signed headers ({signed}) were re-verified and none "
        "verifies. Of these, {rewritten} are commonly rewritten in transit; this does not say "
        "which one changed. If every message from {d} fails this way, the private key may not "
        "match the key at {key}.",
        "Compare the signed headers with the copy in the sender's Sent folder, and the private "
        "key the signer uses with the key published at {key}.",
        True,
    ),
    "arc_attests_original_pass": Text(
        "The signature of {d} (s={s}) fails now, but an intact ARC chain says it passed "
        "before {sealer} handled the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=pass for {d} when the message "
        "reached it, and the chain verifies (cv=pass). So {sealer} most likely changed the "
        "message afterwards, as mailing lists do (later sealers: {later}). Receivers that trust "
        "{sealer} can use this result (RFC 8617 §7.2).",
        "Nothing to fix at {d}. If your messages are rejected, ask {sealer} to keep ARC-sealing "
        "and the receiver to trust its seals.",
        None,
    ),
    "arc_saw_original_fail": Text(
        "The signature of {d} (s={s}) had already failed when {sealer}, the first ARC sealer, "
        "received the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=fail for {d}. The change "
        "that broke it happened before that hop: at the sender's own systems or a relay "
        "before {sealer}, not at {sealer} or later.",
        "Look at the sending side: what rewrites messages after {d} signs them, or whether "
        "the signer's key matches {key}.",
        True,
    ),
    "arc_chain_failed": Text(
        "The ARC chain on this message does not verify (cv=fail).",
        "ARC sets sealed by {sealer} are present, but the chain is broken: {detail}. "
        "Receivers ignore what a broken chain says.",
        "The sealer whose set fails must fix its ARC signing (keys, header order, instance "
        "numbers); or the message was changed after the last seal.",
        True,
    ),
    "arc_temporary": Text(
        "The ARC chain could not be verified: a DNS lookup failed temporarily.",
        "A key for an ARC set sealed by {sealer} could not be fetched (SERVFAIL or timeout); "
        "this is not a missing key: {detail}.",
        "Try again later.",
        False,
    ),
}

CATALOG: dict[str, dict[str, Text]] = {"en": _EN}
LANGUAGES = tuple(CATALOG)


def lookup(code: str, lang: str = "en") -> Text:
    return CATALOG.get(lang, _EN).get(code) or _EN[code]


def render(code: str, lang: str = "en", **fields: object) -> tuple[str, str, str, bool | None]:
    """(summary, explanation, remedy, permanent) with the fields filled in."""
    text = lookup(code, lang)
    values = _Fields(fields)
    return (
        text.summary.format_map(values),
        text.explanation.format_map(values),
        text.remedy.format_map(values),
        text.permanent,
    )
