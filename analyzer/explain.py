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
    # --- dns doctor and BYODKIM (issue 6) ---
    # `dkim-analyzer dns`: fields {d} {s} {key} as above, plus {target}, {expected},
    # {doubled}, {servers}, {having}, {total}, {count}, {ttl}, {status}. Entries named
    # "dns:..." are wordings of an existing code for a check made without a message.
    "dns:key_not_found_nxdomain": Text(
        "There is no DKIM key for {d} at {key}: the name does not exist.",
        "DNS answered NXDOMAIN: nothing at all is published at {key}, so a receiver "
        "checking mail signed with s={s} finds no key.",
        "Publish the record (the TXT key, or the CNAME your provider gave you) at {key}. "
        "Many DNS consoles want only the part before your domain "
        "({s}._domainkey) in the name field.",
        True,
    ),
    "dns:key_not_found_nodata": Text(
        "There is no DKIM key for {d} at {key}: the name exists but holds no TXT record.",
        "DNS answered that {key} exists but has no TXT record (NODATA): something else "
        "is published there, or only names below it exist.",
        "Add the key as a TXT record at {key} (or the CNAME your provider gave you, "
        "instead of any other record there).",
        True,
    ),
    "dns_name_doubled": Text(
        "The record for {d} (s={s}) was published under the wrong name: {doubled}.",
        "Nothing answers at {key}, but a record exists at {doubled}: the domain is in "
        "the name twice. Some DNS providers add the domain to whatever is typed in the "
        "name field, so typing the full name gives it twice. This is likely what happened.",
        "Delete the record at {doubled} and create it again with only the part before "
        "your domain in the name field ({s}._domainkey), then check again.",
        True,
    ),
    "cname_missing": Text(
        "The Easy DKIM CNAME for {d} (token {s}) is missing.",
        "Amazon SES Easy DKIM needs {key} to be a CNAME pointing to {expected}. DNS has "
        "no CNAME at {key}, so SES keeps the domain pending (or, if the record was "
        "removed, will revoke the DKIM set-up).",
        "Create the CNAME record {key} -> {expected} with your DNS provider, exactly as "
        "the SES console lists it. If SES already revoked the set-up, start the Easy DKIM "
        "set-up again to get new tokens.",
        True,
    ),
    "dns:cname_missing_txt": Text(
        "{key} holds a TXT record where Easy DKIM needs a CNAME.",
        "Amazon SES Easy DKIM checks that {key} is a CNAME to {expected}. A TXT record "
        "was published there instead (likely a key meant for another set-up), so SES "
        "does not see its CNAME.",
        "Replace the TXT record at {key} with the CNAME {key} -> {expected}.",
        True,
    ),
    "cname_wrong_target": Text(
        "The Easy DKIM CNAME for {d} (token {s}) points to the wrong place.",
        "{key} is a CNAME to {target}, but Amazon SES expects {expected}. A target with "
        "your own domain appended is the typical result of a DNS console that adds the "
        "zone to the value as well.",
        "Change the CNAME's target to exactly {expected} (with a final dot if your DNS "
        "console wants fully qualified names).",
        True,
    ),
    "cname_target_missing": Text(
        "The CNAME at {key} points to {target}, which holds no key.",
        "The CNAME itself is in place, but its target answered {status}: whoever serves "
        "{target} (your sending provider) no longer publishes a key there. The provider "
        "likely removed it because the DKIM set-up was revoked, or it was never finished.",
        "Check the DKIM status in your provider's console. For Amazon SES, a revoked "
        "set-up must be started again, which gives new CNAME records to publish.",
        True,
    ),
    "dns:cname_txt_servfail": Text(
        "{key} answers as a CNAME, but TXT queries for it fail (SERVFAIL).",
        "The CNAME to {target} resolves, yet asking for the TXT record through it fails "
        "at {server}. Receivers and Amazon SES ask for TXT, not CNAME, so they cannot "
        "fetch the key. Some DNS hosting services likely cannot answer TXT queries "
        "through a CNAME; DKIM needs both kinds of query answered.",
        "Ask your DNS provider to fix TXT lookups through the CNAME. If they cannot, move "
        "the domain's DNS to a host that can (Amazon Route 53, for example).",
        False,
    ),
    "key_record_has_pem_armor": Text(
        "The record at {key} contains PEM header or footer lines.",
        "The value holds '-----BEGIN ...-----' or '-----END ...-----'. Those lines "
        "belong to the key file, not to DNS; p= must hold only the base64 text between them.",
        "Publish `v=DKIM1; k=rsa; p=` followed by the key's base64 on one line, without "
        "the header and footer lines.",
        True,
    ),
    "key_record_has_quotes": Text(
        "The record at {key} contains quote characters.",
        "Quotes were typed into the value, and the DNS console kept them as part of the "
        "text, so receivers see them inside the key record.",
        "Edit the record and remove every quote character from the value; the DNS "
        "console adds whatever quoting DNS needs.",
        True,
    ),
    "key_record_has_line_breaks": Text(
        "The record at {key} contains line breaks.",
        "The value was pasted with line breaks inside it. Some receivers and providers "
        "likely reject such a key.",
        "Publish the value on one line: remove every line break from the key.",
        True,
    ),
    "dns:key_too_short": Text(
        "The key for {d} (s={s}) is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits: receivers ignore "
        "signatures made with the key at {key}.",
        "Generate a 2048-bit RSA key, publish it under a new selector and sign with it.",
        True,
    ),
    "authoritative_unknown": Text(
        "The authoritative DNS servers of {d} could not be found; propagation was not checked.",
        "No NS records were found for {d} or the zones above it, or their addresses did "
        "not resolve, so no server could be asked directly.",
        "Give the servers with --authoritative HOST[:PORT] to check propagation.",
        None,
    ),
    "authoritative_unreachable": Text(
        "Some authoritative servers did not answer for {key}: {servers}.",
        "Asked directly, these servers of the zone gave no usable answer (a timeout, "
        "SERVFAIL or REFUSED). Resolvers that happen to ask them may fail too.",
        "Check those servers with your DNS provider; retry later if it is an outage.",
        False,
    ),
    "propagation_incomplete": Text(
        "The record at {key} is not on every authoritative server yet.",
        "Serving it: {having}. Not serving it: {servers}. The record was published but has not "
        "reached every server of the zone; until it has, some receivers see it and some "
        "do not. This usually settles within minutes to hours; allow up to 72 hours "
        "before treating it as a fault.",
        "Wait, and check again. If the same servers still lack it after 72 hours, ask "
        "your DNS provider why they do not serve the zone's current data.",
        False,
    ),
    "authoritative_disagree": Text(
        "The authoritative servers give {count} different answers for {key}.",
        "Asked directly, the {total} servers of the zone do not hold the same record, "
        "likely because a change (a new key, say) has reached only some of them. "
        "Receivers get one answer or the other at random.",
        "Wait for the change to reach every server (allow up to 72 hours); if they still "
        "differ, ask your DNS provider.",
        False,
    ),
    "not_on_authoritative": Text(
        "None of the {total} authoritative servers holds {key}: this is not a delay.",
        "Asked directly, every server of the zone says nothing is published at {key}. "
        "Waiting will not help: the record is missing, or was created in another zone, "
        "another DNS provider's account, or under another name.",
        "Create the record where the domain's DNS is really hosted (the servers listed "
        "as the domain's NS records).",
        True,
    ),
    "resolver_cache_stale": Text(
        "Your resolver's answer for {key} differs from the authoritative servers'.",
        "The zone's servers agree on what is published, but the resolver asked here "
        "still returns an older answer it has cached (a 'no such record' from before "
        "the record was created, say). It expires within {ttl} seconds.",
        "Nothing to fix: wait for the cached answer to expire. Amazon SES and receivers "
        "will see the new record by then at the latest.",
        False,
    ),
    "dmarc_not_found": Text(
        "{d} has no DMARC record.",
        "No v=DMARC1 record is published at {names}, so receivers apply no DMARC "
        "policy to mail from {d}, whatever DKIM says.",
        "Publish a DMARC record at _dmarc.{org}, starting with `v=DMARC1; p=none;` and "
        "a report address, and tighten p= once reports show your mail aligned.",
        None,
    ),
    "dmarc_invalid": Text(
        "The DMARC record at {name} is malformed.",
        "The record '{detail}' is not a valid DMARC record (tags separated by ';', "
        "v=DMARC1 first, a p= policy), so receivers likely ignore it.",
        "Rewrite it as `v=DMARC1; p=none; rua=mailto:...`, with tags separated by ';'.",
        True,
    ),
    "no_common_selector": Text(
        "No DKIM key was found for {d} under any of {count} common selectors.",
        "The selectors tried were: {detail}. Your signer may well use another name: "
        "the selector is the s= tag of a DKIM-Signature in mail you send.",
        "Find s= in a message you sent (or in your provider's DKIM settings) and run "
        "again with --selector.",
        True,
    ),
    # `dkim-analyzer byodkim`: fields {s} (selector), {d} (domain), {key} (record name),
    # {bits}, {detail}, {length}.
    "selector_invalid": Text(
        "The selector '{s}' is not one Amazon SES accepts.",
        "For BYODKIM a selector must be 1 to 63 characters, letters and digits only: no "
        "periods, hyphens, underscores or other symbols. This one has {length} characters; "
        "not allowed in it: {bad}.",
        "Choose a selector of letters and digits only, such as `ses2025`.",
        True,
    ),
    "key_unreadable": Text(
        "The key could not be read: it is neither PEM nor base64.",
        "A key file holds base64 text, usually between '-----BEGIN ...-----' and "
        "'-----END ...-----' lines. This input has neither a PEM key nor valid base64.",
        "Export the key again from the tool that made it, or make a new one with "
        "`openssl genrsa -traditional -out private.pem 2048`.",
        True,
    ),
    "byodkim:key_unreadable_truncated": Text(
        "The key could not be read: the PEM text has no end line (likely truncated).",
        "The key starts with '-----BEGIN ...-----' but the matching '-----END ...-----' "
        "line is missing, so part of the key was likely lost in copying.",
        "Copy the whole key file again, from the BEGIN line to the END line.",
        True,
    ),
    "byodkim:key_unreadable_damaged": Text(
        "The key could not be read: its base64 does not decode to a key.",
        "The text is valid base64, but what it holds is not a complete key: likely "
        "truncated or damaged in copying, or a file of another kind.",
        "Copy the key file again, whole; if it still fails, make a new key pair.",
        True,
    ),
    "byodkim:key_unreadable_public": Text(
        "This is a public key; a private key was expected.",
        "--private-key needs the private key that SES will sign with. A public key "
        "(a 'BEGIN PUBLIC KEY' file) cannot sign.",
        "Give the private key file, or check the public key with --public-key.",
        True,
    ),
    "byodkim:key_unreadable_encrypted": Text(
        "The key is protected by a passphrase.",
        "The PEM key is encrypted. Amazon SES needs the key itself, unencrypted, to sign with it.",
        "Decrypt it (`openssl rsa -in encrypted.pem -traditional -out private.pem`) and "
        "keep the result as safe as you would the passphrase.",
        True,
    ),
    "key_not_rsa": Text(
        "The key is {detail}, not RSA.",
        "Amazon SES BYODKIM signs with RSA keys only.",
        "Make an RSA key: `openssl genrsa -traditional -out private.pem 2048` (OpenSSL 3; "
        "leave out -traditional with OpenSSL 1.1).",
        True,
    ),
    "key_size_unsupported": Text(
        "The key is {bits}-bit RSA, a size Amazon SES does not accept.",
        "The troubleshooting guide asks for 1024-bit RSA, and the SES API takes "
        "1024- or 2048-bit keys; other sizes are refused.",
        "Make a 2048-bit key: `openssl genrsa -traditional -out private.pem 2048` (OpenSSL "
        "3; leave out -traditional with OpenSSL 1.1).",
        True,
    ),
    "key_not_pkcs1": Text(
        "The private key is in PKCS #8 form ('BEGIN PRIVATE KEY'), not PKCS #1.",
        "The guide asks for a PKCS #1 key ('BEGIN RSA PRIVATE KEY'). The key itself is "
        "fine; only its wrapping differs. Newer SES documentation also mentions PKCS #8, "
        "but a PKCS #1 key is accepted everywhere.",
        "Convert it: `openssl rsa -in private.pem -traditional -out private-pkcs1.pem` "
        "(OpenSSL 1.1 writes PKCS #1 without -traditional).",
        None,
    ),
    "byodkim:key_not_pkcs1_openssh": Text(
        "The private key is in OpenSSH form ('BEGIN OPENSSH PRIVATE KEY'), not PKCS #1.",
        "ssh-keygen writes keys in its own format, which Amazon SES does not read. The "
        "key itself can be used once it is rewritten as PKCS #1.",
        "Rewrite a copy in PKCS #1 form: `cp id_rsa ses.pem && ssh-keygen -p -N '' -m PEM "
        "-f ses.pem` (better still, make a key for DKIM alone with `openssl genrsa`).",
        True,
    ),
    "public_key_has_pem_armor": Text(
        "The public key still has its PEM header and footer lines.",
        "The '-----BEGIN PUBLIC KEY-----' and '-----END PUBLIC KEY-----' lines are part "
        "of the file, not of the key; Amazon SES refuses a key that includes them.",
        "Paste only the base64 text between those lines (the record shown below is ready to use).",
        True,
    ),
    "public_key_has_line_breaks": Text(
        "The public key is split over several lines.",
        "Amazon SES and DNS consoles need the key as one unbroken line; line breaks "
        "make the request fail.",
        "Remove every line break so the key is one line (the record shown below is ready to use).",
        True,
    ),
    "public_key_is_private": Text(
        "This is a private key, not a public key.",
        "It must never be published in DNS or pasted where a public key is asked for. "
        "Its public half can be derived from it.",
        "Run again with --private-key FILE to get the public key record, and keep the "
        "private key secret.",
        True,
    ),
    "dns_key_mismatch": Text(
        "The key published at {key} is not the public half of this private key.",
        "DNS serves an RSA key with another modulus, so mail signed with this private "
        "key would fail to verify. The record was likely not updated after a new key "
        "was made, or belongs to another key pair.",
        "Publish the record shown here at {key}, replacing the old one, or sign with the "
        "private key that matches what DNS serves.",
        True,
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
