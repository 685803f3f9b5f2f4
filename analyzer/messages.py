"""The English catalogue: the source texts, which are the gettext msgids.

Each finding entry is keyed by its code, or `code.variant` when one code reads
differently in one situation (the finding keeps the code; only the words change),
and has three parts: summary, explanation, remedy. Templates name what they speak of
through fields: {d} and {s} (the signature's domain and selector), {key} (the DNS name
of its key), {detail}, {server}, {provider}, {from_domain}, {bits}, and the values each
finding adds (diagnose.py says which; explain.fields says which are derived). PHRASES
holds the short texts of the reports (labels, headlines).

Translations live in analyzer/locale/<lang>/LC_MESSAGES/dkim_analyzer.po (msgctxt: the
key); after editing this file run `python -m analyzer.catalogue extract`, translate,
then `compile` (CONTRIBUTING: "The catalogue"). Permanence is not words: it is the
PERMANENCE table in model.py.
"""

from __future__ import annotations

from typing import NamedTuple


class Plural(NamedTuple):
    """A text with a singular and a plural form, chosen by the number in field `n`."""

    one: str
    other: str
    n: str


class Text(NamedTuple):
    summary: str | Plural
    explanation: str | Plural
    remedy: str | Plural


FINDINGS: dict[str, Text] = {
    "body_hash_mismatch": Text(
        "The signature (d={d}, s={s}) fails: the body was changed after signing.",
        "The body hash in bh= no longer matches the message body, so something between the "
        "sender and the receiver altered the body (a footer, a banner, re-encoding, line "
        "endings). The header signature is {header_state}. This is permanent for this "
        "message.",
        "Find what rewrites the body after signing: a mailing list, an antivirus or "
        "disclaimer gateway, or a relay that re-encodes. Sign after those steps, or have them"
        " leave the body alone.",
    ),
    "signature_mismatch": Text(
        "The signature (d={d}, s={s}) fails: a signed header was changed, or the key does not"
        " match.",
        "The header signature in b= does not verify with the key published at {key}. Either a"
        " header listed in h= was changed in transit (a subject tag, a re-folded header), or "
        "the message was signed with a private key that does not belong to this public key. "
        "This is permanent for this message.",
        "If every message from this signer fails, compare the private key the sending system "
        "uses with the public key at {key}. If only some do, look for a relay that edits "
        "signed headers.",
    ),
    "key_not_found": Text(
        "The signature (d={d}, s={s}) cannot be checked: there is no key at {key}.",
        "DNS says {detail}. Receivers look for the public key at exactly {key}; without it no"
        " receiver can verify this signature. This is permanent until the key is published.",
        "Publish the key record (TXT, or the CNAME your provider gave you) at {key}, exactly "
        "under that name. If you rotated keys, keep the old selector published until mail "
        "signed with it has been delivered.",
    ),
    "key_not_found.no_domainkey": Text(
        "The signature (d={d}, s={s}) cannot be checked: {d} publishes no DKIM key at all.",
        "There is no key at {key}, and the name _domainkey.{d} does not exist either, so no "
        "selector of any name is published under {d}. DKIM has likely never been set up in "
        "the DNS of {d} (or the records were published in another DNS zone than the one the "
        "world sees). This is permanent until a key is published.",
        "Publish the key record your signing system gave you at {key}, in the DNS zone that "
        "is actually authoritative for {d} (check the NS records at your registrar).",
    ),
    "key_not_found.domain_gone": Text(
        "The signature (d={d}, s={s}) cannot be checked: {d} itself does not resolve at {server}.",
        "There is no key at {key}, but {server} also answers NXDOMAIN for {d} itself (its "
        "SOA), while its top-level domain resolves. So this says nothing about the keys of "
        "{d}: either the domain no longer exists (expired or deleted, possible for old mail),"
        " or the answers of {server} are incomplete (a zone file without it, a filtering "
        "resolver). Permanent only if the domain is really gone.",
        "Ask another resolver (--nameserver 1.1.1.1, say) for {d} before concluding; if it "
        "does not exist there either, the signature can no longer be checked.",
    ),
    "key_not_found.sealer_saw_pass": Text(
        "The signature (d={d}, s={s}) cannot be checked now: there is no key at {key}; "
        "{sealer} recorded that it passed.",
        "DNS says {detail}. When the message passed through {sealer}, its ARC set "
        "i={instance} (which verifies) recorded dkim=pass for this signature: the key likely "
        "existed then and was removed since, as is normal for old mail. {sealer} is neither "
        "the final receiver nor {d}, so this rests on trusting {sealer}'s record (README, "
        '"The trust rule"). This is permanent for this message.',
        "Nothing to do for an old message. If the message is recent, the key is missing from "
        "the DNS of {d}: publish it at {key}.",
    ),
    "key_not_found.domain_unreliable": Text(
        "The signature (d={d}, s={s}) cannot be checked: the DNS answers here look unreliable.",
        "There is no key at {key}, but {server} also answers NXDOMAIN for {d} itself and even"
        " for its top-level domain, which a working resolver finds. The answers are likely "
        "not facts about {d}: an offline machine, a broken or captive resolver, or a zone "
        "file that holds none of it. This is likely temporary: a question for the resolver, "
        "not for the signer.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
    ),
    "key_revoked": Text(
        "The key for d={d}, s={s} has been revoked (empty p=).",
        "The record at {key} has an empty p= tag, which RFC 6376 defines as a revoked key. "
        "Signatures made with this selector can never verify: this is permanent.",
        "If this selector is still in use, publish its current public key; otherwise make the"
        " sending system sign with a selector that has one.",
    ),
    "key_syntax": Text(
        "The key record for d={d}, s={s} is malformed.",
        "The TXT record at {key} is not a valid DKIM key record: {detail}. Every receiver "
        "will reject it, permanently, until it is corrected.",
        "Re-publish the record exactly as your provider or key tool printed it: `v=DKIM1; "
        "k=rsa; p=<base64 public key>` on one logical line, with no quotes, PEM header/footer"
        " lines or line breaks inside the value.",
    ),
    "key_too_short": Text(
        "The key for d={d}, s={s} is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits; receivers ignore the "
        "signature, permanently. {detail}.",
        "Generate a 2048-bit RSA key, publish it under a new selector and sign with it.",
    ),
    "key_too_long": Text(
        "The key for d={d}, s={s} is larger than this tool will use.",
        "The key at {key} is {detail}. Verifying with it would cost more than any receiver is"
        " willing to spend; most receivers refuse such keys too (permanent).",
        "Use a 2048-bit RSA key (or Ed25519 alongside RSA).",
    ),
    "key_type_mismatch": Text(
        "The key for d={d}, s={s} is of the wrong type for the signature.",
        "{detail}. The key published at {key} cannot verify a signature made with another "
        "algorithm: this is permanent.",
        "Publish the matching key type under this selector, or sign with the algorithm the "
        "published key is for.",
    ),
    "key_hash_not_allowed": Text(
        "The key for d={d}, s={s} does not allow the signature's hash algorithm.",
        "{detail} (the h= tag of the record at {key}). This is permanent until the record changes.",
        "Remove the h= tag from the key record, or make it include sha256.",
    ),
    "key_service_mismatch": Text(
        "The key for d={d}, s={s} is not meant for email.",
        "{detail} (the s= tag of the record at {key}). This is permanent until the record changes.",
        "Remove the s= tag from the key record, or set it to `email` or `*`.",
    ),
    "key_strict_identity": Text(
        "The key for d={d}, s={s} forbids this signature's identity.",
        "{detail}: RFC 6376 §3.6.1 says such a key only signs for i= exactly in d=. This is "
        "permanent for this message.",
        "Remove t=s from the key record, or sign with i= in {d} itself.",
    ),
    "dns_servfail": Text(
        "The key for d={d}, s={s} could not be fetched: the DNS server failed (SERVFAIL).",
        "{detail}. This is a temporary failure of DNS, not a verdict on the signature; "
        "receivers that meet it defer the message or treat the result as a temporary error.",
        "Query {key} (TXT) against each of your domain's authoritative servers. If the name "
        "is a CNAME, check that the server answers TXT queries through it.",
    ),
    "dns_timeout": Text(
        "The key for d={d}, s={s} could not be fetched: DNS did not answer in time.",
        "{detail}. A timeout is temporary: the signature may verify when DNS answers.",
        "Check that your domain's authoritative servers answer for {key}, then retry (a "
        "longer --timeout helps on slow links).",
    ),
    "dns_error": Text(
        "The key for d={d}, s={s} could not be fetched: a DNS error.",
        "{detail}. This is temporary as far as this tool can tell.",
        "Retry later, or with another --nameserver.",
    ),
    "signature_syntax": Text(
        "The signature (d={d}, s={s}) is malformed: {detail}.",
        "RFC 6376 requires this signature to be rejected before any key is fetched (tag "
        "{tag}). It cannot verify, whatever DNS says: this is permanent.",
        "Fix the signing software or its configuration: it writes an invalid DKIM-Signature "
        "header.",
    ),
    "signature_expired": Text(
        "The signature (d={d}, s={s}) has expired: x= ended it on {expires}.",
        "The signer gave this signature an expiry time (x=, {expires}); receivers ignore a "
        "signature after it, permanently. It was made on {signed}. For old mail this is "
        "expected unless it was checked as of its delivery (--now delivery, the default, uses"
        " the trusted receiver's Received date when the message has one).",
        "If fresh mail arrives expired, the signer's x= is too short or its clock is wrong: "
        "allow at least several days.",
    ),
    "signature_future": Text(
        "The signature (d={d}, s={s}) claims to have been made in the future ({signed}).",
        "Its t= time lies after the time it was checked. The signer's clock is likely wrong; "
        "receivers may ignore such a signature. This stays so for this message (permanent).",
        "Fix the clock of the signing host (NTP).",
    ),
    "weak_algorithm": Text(
        "The signature (d={d}, s={s}) uses rsa-sha1, which receivers no longer accept.",
        "{detail}. SHA-1 signatures are not valid under RFC 8301, whatever the key: a "
        "permanent failure.",
        "Configure the signer to use rsa-sha256 (and optionally ed25519-sha256 as well).",
    ),
    "from_not_signed": Text(
        "The signature (d={d}, s={s}) does not cover the From header.",
        "RFC 6376 requires the From field in h=; a signature without it is invalid (permanent).",
        "Configure the signer to include From in the signed headers.",
    ),
    "identity_mismatch": Text(
        "The signature (d={d}, s={s}) has an identity outside its domain.",
        "{detail}: the i= domain must be d= or a subdomain of it (RFC 6376 §3.5). This is "
        "permanent.",
        "Configure the signer so that i= (the agent or user identifier) is within {d}, or "
        "leave i= out.",
    ),
    "body_unavailable": Text(
        "The header signature (d={d}, s={s}) verifies; the body was not given.",
        "Only headers were supplied, so the body hash could not be checked. The headers that "
        "{d} signed are intact as far as they go.",
        "To check the body too, give the whole message (for Gmail: Show original, Download "
        "original).",
    ),
    "too_many_signatures": Text(
        "Signature {index} (d={d}, s={s}) was not verified: the message has too many signatures.",
        "{detail}. Checking them all would cost more than any receiver spends.",
        "Nothing to fix unless a legitimate signer adds that many signatures.",
    ),
    "no_signatures": Text(
        "The message carries no DKIM signature at all.",
        "Nothing in the message was signed, so receivers cannot tie it to {from_domain} "
        "through DKIM; DMARC then depends on SPF alone. This stays so for this message "
        "(permanent).",
        "Enable DKIM signing for {from_domain} on the system that sends this mail, and "
        "publish its key in DNS.",
    ),
    "author_signature_missing": Text(
        "No signature is from the sender's own domain ({from_domain}).",
        "Only other domains signed this message ({signers}), so DKIM does not align with the "
        "From domain {from_domain} and gives DMARC nothing to pass on. This is permanent for "
        "this message.",
        "Set up DKIM for {from_domain} on the sending platform (a custom signing domain), so "
        "that it signs with d={from_domain} or a subdomain of it.",
    ),
    "author_signature_missing.ses": Text(
        "Amazon SES did not sign this message for your domain {from_domain}: only its own "
        "signature ({signers}) is there.",
        "The message was sent through Amazon SES from region {region}, and SES signs with "
        "d=amazonses.com on its own, but with your domain only when DKIM is set up and "
        "enabled for the identity that sent it. Likely causes: DKIM is not enabled for that "
        "identity; the message was sent from an email address you verified on its own, whose "
        "settings override the domain's (a verified address does not inherit the domain's "
        "DKIM); or DKIM was set up in another region or AWS account than the one that sent "
        "this message (each region and account needs its own set-up); or SES turned signing "
        "off for that region and account after it stopped finding your DKIM records in DNS "
        "(it tells you so by email). This is permanent for this message.",
        "In the SES console of region {region} and of the account that sent this, open the "
        "identity {from_domain}: make sure DKIM is enabled and verified. If the sender "
        "address is also listed as an identity of its own, delete that address identity (it "
        "then follows the domain) or enable DKIM on it. If you send from several regions or "
        "accounts, set up DKIM in each and publish every CNAME record they give.",
    ),
    "author_signature_missing.list": Text(
        "The mailing list {list} re-signed this message (d={list_d}); no signature of "
        "{from_domain} is left: the list likely removed or broke the author's.",
        "The message was redistributed by the list {list} (its header fields show it), and "
        "the only signatures on it now are other domains' ({signers}), the list's own among "
        "them. Lists that change a message (a subject tag, a footer, re-encoding) break the "
        "author's signature, and some then remove it and sign as themselves; either way what "
        "arrived is the list's message, not the one {from_domain} signed. This does not show "
        "that {from_domain}'s own DKIM is wrong. The list's signature does not align with "
        "{from_domain}, so DMARC gets nothing from DKIM: permanent for this message.",
        "For the list owner: ARC-seal the messages the list forwards (RFC 8617), so receivers"
        " can see that the author's signature passed when the list received it; for authors "
        "whose domain publishes DMARC p=quarantine or p=reject, apply DMARC mitigation "
        "(rewrite From to the list's address, 'Name via List'; Mailman: "
        "dmarc_moderation_action = Munge From); or stop modifying messages (no subject tag or"
        " footer) and keep the author's signature instead of removing it. For the author "
        "({from_domain}): check a message you sent directly, not through the list; with "
        "p=reject, delivery of your list mail depends on the list's mitigation.",
    ),
    "author_signature_missing.google_workspace": Text(
        "Google signed this message with its own domain ({signers}), not with {from_domain}: "
        "DKIM for {from_domain} is likely not turned on in Google Workspace.",
        "Google Workspace signs the mail of a domain with d=<domain>.<date>.gappssmtp.com "
        "(Google's own services with d=google.com) until DKIM is set up and started for the "
        "domain itself. That signature is not aligned with {from_domain}, so DMARC gets "
        "nothing from DKIM. This is permanent for this message.",
        "In the Google Admin console open Apps > Google Workspace > Gmail > Authenticate "
        "email, select {from_domain} and generate a new record (2048-bit, selector prefix "
        "`google`). Publish the TXT record it shows at google._domainkey.{from_domain}, wait "
        "until DNS answers with it (up to 48 hours), then click Start authentication: Gmail "
        "then signs with d={from_domain}.",
    ),
    "author_signature_missing.microsoft365": Text(
        "Microsoft 365 signed this message with the tenant's default domain ({signers}), not "
        "with {from_domain}: DKIM for {from_domain} is likely not enabled.",
        "Microsoft 365 signs outgoing mail with d=<tenant>.onmicrosoft.com until DKIM signing"
        " is enabled for the custom domain. That signature is not aligned with {from_domain},"
        " so DMARC gets nothing from DKIM. This is permanent for this message.",
        "In the Microsoft Defender portal open Email & collaboration > Policies & rules > "
        "Threat policies > Email authentication settings > DKIM and select {from_domain}. "
        "Publish the two CNAME records it shows (selector1._domainkey.{from_domain} and "
        "selector2._domainkey.{from_domain}, pointing to the names given there), then turn on"
        " 'Sign messages for this domain with DKIM signatures' (PowerShell: "
        "Set-DkimSigningConfig -Identity {from_domain} -Enabled $true).",
    ),
    "author_signature_missing.provider": Text(
        "Only {provider}'s own signature is on this message ({signers}): nothing signed it as"
        " {from_domain}.",
        "{provider} signs the mail it sends with its own domain, automatically; it signs with"
        " {from_domain} only once its custom-domain authentication (often called domain "
        "authentication or custom DKIM) is set up for {from_domain}. Without it DKIM does not"
        " align with the From domain and gives DMARC nothing. This is permanent for this "
        "message.",
        "In {provider}'s settings set up DKIM (domain authentication) for {from_domain} and "
        "publish the records it gives you under {from_domain}; it then signs with "
        "d={from_domain}.",
    ),
    "key_not_found.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) is gone: likely rotated since this"
        " message was sent, or a problem at {owner}.",
        "DNS says {detail}. This signature is {owner}'s, made with its own domain {d}; "
        "{owner} publishes and rotates its keys itself, and for old mail a selector that no "
        "longer answers is expected. It does not count for DMARC of {from_domain} either way."
        " This is permanent for this message.",
        "Nothing for you to publish: {key} is {owner}'s DNS name, not yours. If this is fresh"
        " mail and the key is still missing, it is {owner}'s problem to fix: tell them.",
    ),
    "key_revoked.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) has been revoked (empty p=).",
        "The record at {key} has an empty p= tag: {owner} has retired this selector, likely "
        "rotated to a new key since this message was sent, which is normal for old mail. It "
        "does not count for DMARC of {from_domain}. This is permanent for this message.",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
    ),
    "key_syntax.signer": Text(
        "The key record of {owner}'s own signature (d={d}, s={s}) is malformed.",
        "The TXT record at {key} is not a valid DKIM key record: {detail}. It is {owner}'s "
        "record under its own domain; the signature does not count for DMARC of {from_domain}"
        " either way. This is permanent until {owner} corrects it.",
        "Nothing for you to publish: {key} is {owner}'s DNS name. If it persists on fresh "
        "mail, tell {owner}.",
    ),
    "key_too_short.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) is too short to be trusted ({bits}"
        " bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits, so receivers ignore this"
        " signature. The key is {owner}'s, under its own domain {d}; the signature does not "
        "count for DMARC of {from_domain}. This is permanent until {owner} replaces the key.",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
    ),
    "weak_algorithm.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) uses rsa-sha1, which receivers no longer accept.",
        "{detail}. SHA-1 signatures are not valid under RFC 8301. {owner} chose how to sign "
        "with its own domain {d}; the signature does not count for DMARC of {from_domain} "
        "either way. This is permanent for this message.",
        "Nothing for you to change: how {owner} signs with {d} is {owner}'s business. Look at"
        " the signature of your own domain instead.",
    ),
    "weak_key.signer": Text(
        "{owner}'s key for its own signature (d={d}, s={s}) is {bits}-bit RSA: still "
        "accepted, but weak.",
        "1024-bit RSA keys still verify, but they are considered breakable. This key is "
        "{owner}'s, under its own domain {d}: replacing it is up to {owner}. This lasts until"
        " {owner} replaces it (permanent).",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
    ),
    "body_hash_mismatch.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) fails: the body was changed after {owner} "
        "signed it.",
        "The body hash in bh= no longer matches the body, so something after {owner} altered "
        "it (a list footer, a banner, re-encoding, line endings). The header signature is "
        "{header_state}. This signature does not count for DMARC of {from_domain}; what "
        "changed the body likely broke any other signature on it too. This is permanent for "
        "this message.",
        "Nothing to fix at {owner}: look for what rewrote the body after it was sent (the "
        "other findings say what changed) and have it leave the body alone.",
    ),
    "signature_mismatch.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) fails: a signed header was changed, or the "
        "key no longer matches.",
        "The header signature in b= does not verify with the key at {key}. Either a header "
        "listed in h= was changed after {owner} signed (a subject tag, a re-folded header), "
        "or {owner} has likely replaced the key under this selector since. The signature does"
        " not count for DMARC of {from_domain}. This is permanent for this message.",
        "Nothing for you to publish: {key} is {owner}'s key. If headers were changed in "
        "transit, look for the relay or list that edits them.",
    ),
    "provider_signature": Text(
        "{provider} added its own signature (d={d}, s={s}): this is normal.",
        "{provider} signs the mail it sends with its own domain {d}, automatically. It needs "
        "no action, and it does not count for DMARC, which looks for a signature of "
        "{from_domain}.",
        "Nothing to do.",
    ),
    "provider_signature.beside_author": Text(
        "{provider} added its own signature (d={d}, s={s}) beside yours: this is normal.",
        "{provider} signs the mail it sends with its own domain {d}, automatically, so the "
        "message carries two signatures. Ignore this one: the one that counts for DMARC is "
        "your domain's (d={author_d}, s={author_s}), because only it is aligned with the From"
        " domain {from_domain}.",
        "Nothing to do about d={d}; watch the result of d={author_d}.",
    ),
    "weak_key": Text(
        "The key for d={d}, s={s} is {bits}-bit RSA: still accepted, but weak.",
        "1024-bit RSA keys still verify, but they are considered breakable and some receivers"
        " are starting to distrust them. This does not go away by itself (permanent until the"
        " key is replaced).",
        "Generate a 2048-bit key, publish it under a new selector, switch the signer to it, "
        "and retire this selector once mail signed with it has been delivered.",
    ),
    "key_testing_mode": Text(
        "The key for d={d}, s={s} is in testing mode (t=y).",
        "With t=y receivers must not treat a failing signature any differently from an "
        "unsigned message, so DKIM gives no protection yet. This lasts until the flag is "
        "removed (permanent).",
        "When signing works, remove t=y from the record at {key}.",
    ),
    "multiple_key_records": Text(
        "There are {count} TXT records at {key} (d={d}, s={s}).",
        "A selector should hold exactly one key record. Receivers may pick any of them, so "
        "signatures can fail at some receivers and pass at others. This lasts until the extra"
        " records are removed (permanent).",
        "Delete every record at {key} but the current key.",
    ),
    "body_length_limit": Text(
        "The signature (d={d}, s={s}) covers only part of the body (l={length}).",
        "The body has {body_bytes} bytes as received; the signature covers the first {length}"
        " after canonicalisation. Anything after that can be added by anyone without breaking"
        " the signature. This is how the signer signs (permanent).",
        "Configure the signer not to use the l= tag.",
    ),
    "line_endings_converted": Text(
        "The file uses bare LF line endings; it was read as CRLF.",
        "Mail travels with CRLF line endings, and DKIM is computed over those. Saved files "
        "often lose the CR; this tool puts it back, as the receiver saw the message.",
        "Nothing to do, unless the message was signed in this LF form.",
    ),
    "headers_only": Text(
        "Only headers were given: body hashes were not checked.",
        "Without the body, each signature's header part (b=) is still verified; a signature "
        "whose headers verify is reported neutral, never failed.",
        "Give the whole message to check the body as well.",
    ),
    "dns_name_doubled": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at {published} — "
        "your DNS provider appended the domain.",
        "Receivers look for the key at {key}, where there is none, but the same selector "
        "answers at {published}: the domain name appears twice. Many DNS providers add the "
        "zone's name to whatever is typed in the Name field, so entering the full name {key} "
        "likely produced {published}. This is permanent until the record is fixed.",
        "Edit the record at your DNS provider and enter only `{s}._domainkey` as its name "
        "(the provider adds {d} itself), or end the name with a dot if the provider allows "
        "it. Then check that {key} answers with the key.",
    ),
    "cname_target_missing": Text(
        "Your domain's signature (d={d}, s={s}) fails: {key} is a CNAME to {target}, which "
        "has no key.",
        "The selector is delegated by a CNAME record, but the name it points to does not hold"
        " a key ({status}). Likely the target was removed or renamed by whoever runs it, or "
        "the CNAME was copied wrongly. This is permanent until it is fixed.",
        "Find out from the service that gave you the CNAME which name it should point to, and"
        " correct the record at {key}.",
    ),
    "cname_target_missing.provider": Text(
        "Your domain's signature (d={d}, s={s}) fails: {key} points to {provider}'s {target},"
        " which has no key.",
        "The selector is a CNAME to a key that {provider} publishes for you, as its automatic"
        " DKIM set-up (Easy DKIM for Amazon SES) asks, but {provider} no longer publishes a "
        "key there ({status}). Likely the DKIM set-up for {d} at {provider} was removed, was "
        "revoked (providers revoke it when they stop finding your CNAME records in DNS for a "
        "while), is still pending, or belongs to another region or account whose records "
        "point elsewhere. This is permanent until the set-up is restored.",
        "In the {provider} console, open the domain {d} and look at its DKIM status. If it is"
        " revoked or the domain was removed, restart the DKIM set-up from the beginning and "
        "publish every CNAME record it gives you (they change with each set-up); if it is "
        "pending, publish the records exactly as shown (check that your DNS provider did not "
        "append the domain to their names) and allow up to 72 hours for verification.",
    ),
    "key_at_other_domain": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at {published}, "
        "not at {key}.",
        "The signature names d={d}, so receivers look only at {key}. The same selector has a "
        "key at {published}, under the organizational domain: the signer likely uses a "
        "subdomain as d= while the key was published for the parent domain (or the reverse). "
        "This is permanent until d= and the key's place agree.",
        "Either publish the key at {key} as well, or configure the signer to sign with the "
        "domain the key is published under.",
    ),
    "key_at_other_domain.from": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at {published}, "
        "not at {key}.",
        "The signature names d={d}, so receivers look only at {key}. The same selector has a "
        "key at {published}, under the From domain {from_domain}: the signer likely signs "
        "with another domain than the one the key was set up for. This is permanent until d= "
        "and the key's place agree.",
        "Configure the signer to sign with d={from_domain}, or publish the key at {key}.",
    ),
    "dns_temporary": Text(
        "The key for d={d}, s={s} could not be fetched: DNS failed temporarily ({status}).",
        "The lookup of {key} ended in {status} from {server}. That is a failure of DNS, not a"
        " verdict on the signature: it is temporary, and receivers that meet it defer the "
        "message or report a temporary error.",
        "Query {key} (TXT) at each authoritative server of {d}; if one of them fails, fix or "
        "replace it. Then check again.",
    ),
    "dns_temporary.cname": Text(
        "The key for d={d}, s={s} could not be fetched: the CNAME at {key} answers, but the "
        "TXT query through it fails ({status}).",
        "Asked for the CNAME, {server} answers {key} -> {target}; asked for the TXT record "
        "that receivers need, it fails with {status}. Receivers only ever ask for TXT, so to "
        "them the key is unreachable. Some DNS providers cannot answer a TXT query by "
        "following a CNAME; this one likely cannot. The failure is temporary in form, but it "
        "will likely repeat until the DNS host is fixed.",
        "Ask your DNS provider to answer TXT queries for names that are CNAMEs, as the DNS "
        "standard requires; if it cannot, move the zone of {d} to a DNS host that does (for "
        "mail sent through Amazon SES, Route 53 is the host Amazon suggests).",
    ),
    "dns_temporary.budget": Text(
        "The key for d={d}, s={s} was not fetched: this message's DNS budget was spent.",
        "{detail}. Earlier lookups of this message took the time or the number of lookups "
        "this tool allows one message (README, Limits), so {key} was not asked. Nothing is "
        "known about the key: this is temporary, not a verdict on the signature.",
        "Check again later, or with a faster --nameserver; if the DNS servers of {d} answer "
        "slowly or send CNAME chains and truncated answers, fix them.",
    ),
    "dns_budget_exhausted": Text(
        "This message's DNS budget was spent: {skipped} lookups were not made.",
        "A message may use {lookups} DNS lookups and {seconds} seconds of DNS in all (README,"
        " Limits); {asked} lookups were made before the budget ran out, so the results that "
        "needed the others are temporary, not verdicts. A server that answers every query "
        "just before the timeout, or long CNAME chains, use up the budget.",
        "Check again later or with a faster --nameserver; look at the DNS evidence (-v) for "
        "the server that answers slowly.",
    ),
    "local_resource_limit": Text(
        "The key for d={d}, s={s} could not be fetched: this machine ran out of a resource.",
        "{detail}. No DNS server was asked and none is to blame: the limit is local (open "
        "files, memory). This is temporary: the signature may verify once the limit is raised"
        " or fewer things run at once.",
        "Raise the open-file limit (`ulimit -n`), run fewer --jobs, or free memory, then "
        "check again.",
    ),
    "key_rotated": Text(
        "The signature (d={d}, s={s}) passed at delivery, but its key is gone now: likely "
        "rotated after delivery, which is normal for old mail.",
        "{authserv} recorded dkim=pass for this signature when the message arrived ({how}). "
        "Today {key} holds no usable key, so the signature cannot be re-checked. The signer "
        "has likely rotated or removed the key since, as it should. This is permanent, and "
        "harmless for a message already delivered.",
        "Nothing to do for this message. For mail still in transit, keep old selectors "
        "published for a few days after switching to a new key.",
    ),
    "key_rotated.replaced": Text(
        "The signature (d={d}, s={s}) passed at delivery, but no longer verifies: likely its "
        "key was replaced after delivery.",
        "{authserv} recorded dkim=pass for this signature when the message arrived ({how}), "
        "and the body still matches, but the header signature does not verify with the key "
        "now published at {key}. Likely a new key was published under the same selector after"
        " delivery. This is permanent, and harmless for a message already delivered.",
        "Nothing to do for this message. When rotating keys, use a new selector for the new "
        "key rather than replacing the key under an old one.",
    ),
    "dmarc_alignment": Text(
        "DKIM satisfies the DMARC policy of {from_domain} (policy: {policy}): d={d}, s={s} "
        "passes and is aligned ({mode}).",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. DMARC passes when one "
        "aligned signature passes, and d={d}, s={s} does, whatever SPF says.",
        "Nothing to do.",
    ),
    "dmarc_alignment.fail": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}): no"
        " aligned signature passes.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. Through DKIM, DMARC needs a "
        "passing signature whose d= is {alignment_rule}, and this message has none. DMARC "
        "also passes when SPF passes for an aligned MAIL FROM domain, which this tool does "
        "not evaluate and no trusted receiver's record shows: unless SPF passes and aligns, "
        "receivers apply p={policy}. This is permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings for why "
        "its signature is missing or failing).",
    ),
    "dmarc_alignment.receiver_pass": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), "
        "but the receiver {receiver} recorded dmarc=pass.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes today, so DKIM alone does not satisfy p={policy}. The "
        "receiver {receiver} recorded dmarc=pass when the message arrived, with "
        "spf={receiver_spf} for the MAIL FROM {mailfrom}: it passed DMARC through SPF. SPF "
        "does not survive forwarding, so forwarded copies and list mail likely fail DMARC "
        "until an aligned signature passes. This is permanent for this message.",
        "Nothing to do for this message. Make the sending system sign with d={from_domain} "
        "(see the other findings), so that DMARC does not rest on SPF alone.",
    ),
    "dmarc_alignment.receiver_fail": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), "
        "and the receiver {receiver} recorded dmarc={receiver_dmarc}.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes, so DKIM alone does not satisfy p={policy}, and the receiver"
        " {receiver} recorded dmarc={receiver_dmarc} (spf={receiver_spf}, MAIL FROM "
        "{mailfrom}) when the message arrived: SPF did not make up for it there. This is "
        "permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings for why "
        "its signature is missing or failing).",
    ),
    "dmarc_alignment.rotated": Text(
        "DKIM cannot be re-checked against the DMARC policy of {from_domain} (policy: "
        "{policy}): the aligned signature d={d}, s={s} passed at delivery, and its key is "
        "likely rotated since.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}. {authserv} recorded dkim=pass for d={d}, s={s} when the message "
        "arrived, so DKIM likely satisfied p={policy} then; today its key is gone and no "
        "aligned signature verifies, so DKIM alone does not satisfy the policy now. This is "
        "permanent for this message, and harmless once it has been delivered.",
        "Nothing to do for this message (see the key_rotated finding).",
    ),
    "dmarc_alignment.strict": Text(
        "DKIM does not satisfy the DMARC policy of {from_domain}: adkim=s needs d= to be "
        "exactly {from_domain}.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim=s) asks for strict "
        "alignment, and the passing signature d={d}, s={s} is only in the same organizational"
        " domain, not the same domain. For this message the policy is {policy}; unless SPF "
        "passes and aligns strictly, receivers apply it. This is permanent for this message.",
        "Sign with d={from_domain} exactly, or relax the policy to adkim=r if signing with "
        "the parent domain is intended.",
    ),
    "dmarc_alignment.none": Text(
        "{from_domain} publishes no DMARC record.",
        "No DMARC record was found ({looked_up}: the RFC 9989 tree walk from the From domain "
        "up), so receivers apply no DMARC policy to this domain, and large"
        " mailbox providers expect bulk senders to have one. This lasts until a record is "
        "published (permanent).",
        "Publish a TXT record at _dmarc.{org_domain}, starting with `v=DMARC1; p=none; "
        "rua=mailto:<address>` to collect reports, then tighten p= once the reports show all "
        "your mail passes.",
    ),
    "dmarc_alignment.temp": Text(
        "The DMARC record of {from_domain} could not be fetched (temporary DNS failure).",
        "The lookup of {dmarc_name} failed ({status}). Receivers that meet this treat DMARC "
        "as a temporary error. This is temporary.",
        "Check that the authoritative servers of {from_domain} answer for {dmarc_name}, then "
        "check again.",
    ),
    "dmarc_alignment.gone": Text(
        "No DMARC record was found, but {from_domain} itself does not resolve at {server}.",
        "The lookups ({looked_up}) answered NXDOMAIN, and so did {from_domain} itself, while "
        "its top-level domain resolves: either {from_domain} no longer exists, or the answers"
        " of {server} are incomplete (a zone file without it, a filtering resolver). Whether "
        "it has a DMARC record cannot be told from here.",
        "Ask another resolver (--nameserver) for {from_domain} before concluding anything "
        "about its DMARC policy.",
    ),
    "dmarc_alignment.unreliable": Text(
        "The DMARC policy of {from_domain} is unknown: the DNS answers here look unreliable.",
        "The lookups ({looked_up}) answered NXDOMAIN for the From domain and even for its "
        "top-level domain, which a working resolver finds. The answers of {server} are likely"
        " not facts about {from_domain} (an offline machine, a broken or captive resolver, or"
        ' a zone file that holds none of it), so "no record" is not a fact. This is likely '
        "temporary.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
    ),
    "key_not_found.nxdomain": Text(
        "There is no DKIM key (d={d}, s={s}) at {key}: the name does not exist.",
        "DNS answered NXDOMAIN: nothing at all is published at {key}, so a receiver checking "
        "mail signed with s={s} finds no key. This is permanent until the record is "
        "published.",
        "Publish the record (the TXT key, or the CNAME your provider gave you) at {key}. Many"
        " DNS consoles want only the part before your domain ({s}._domainkey) in the name "
        "field.",
    ),
    "key_not_found.nodata": Text(
        "There is no DKIM key (d={d}, s={s}) at {key}: the name exists but holds no TXT record.",
        "DNS answered that {key} exists but has no TXT record (NODATA): something else is "
        "published there, or only names below it exist. This is permanent until the key is "
        "published.",
        "Add the key as a TXT record at {key} (or the CNAME your provider gave you, instead "
        "of any other record there).",
    ),
    "dns_name_doubled.dns": Text(
        "The record for d={d}, s={s} was published under the wrong name: {doubled}.",
        "Nothing answers at {key}, but a record exists at {doubled}: the domain is in the "
        "name twice. Some DNS providers add the domain to whatever is typed in the name "
        "field, so typing the full name gives it twice. This is likely what happened. This is"
        " permanent until the record is fixed.",
        "Delete the record at {doubled} and create it again with only the part before your "
        "domain in the name field ({s}._domainkey), then check again.",
    ),
    "cname_missing": Text(
        "The Easy DKIM CNAME for d={d}, s={s} (an SES token) is missing.",
        "Amazon SES Easy DKIM needs {key} to be a CNAME pointing to {expected}. DNS has no "
        "CNAME at {key}, so SES keeps the domain pending (or, if the record was removed, will"
        " revoke the DKIM set-up). This is permanent until the CNAME is created.",
        "Create the CNAME record {key} -> {expected} with your DNS provider, exactly as the "
        "SES console lists it. If SES already revoked the set-up, start the Easy DKIM set-up "
        "again to get new tokens.",
    ),
    "cname_missing.txt": Text(
        "{key} holds a TXT record where Easy DKIM needs a CNAME.",
        "Amazon SES Easy DKIM checks that {key} is a CNAME to {expected}. A TXT record was "
        "published there instead (likely a key meant for another set-up), so SES does not see"
        " its CNAME. This is permanent until the record is replaced.",
        "Replace the TXT record at {key} with the CNAME {key} -> {expected}.",
    ),
    "cname_wrong_target": Text(
        "The Easy DKIM CNAME for d={d}, s={s} (an SES token) points to the wrong place.",
        "{key} is a CNAME to {target}, but Amazon SES expects {expected}. A target with your "
        "own domain appended is the typical result of a DNS console that adds the zone to the"
        " value as well. This is permanent until the target is corrected.",
        "Change the CNAME's target to exactly {expected} (with a final dot if your DNS "
        "console wants fully qualified names).",
    ),
    "cname_target_missing.dns": Text(
        "The CNAME at {key} points to {target}, which holds no key.",
        "The CNAME itself is in place, but its target answered {status}: whoever serves "
        "{target} (your sending provider) no longer publishes a key there. The provider "
        "likely removed it because the DKIM set-up was revoked, or it was never finished. "
        "This is permanent until the provider publishes a key there again.",
        "Check the DKIM status in your provider's console. For Amazon SES, a revoked set-up "
        "must be started again, which gives new CNAME records to publish.",
    ),
    "dns_servfail.cname": Text(
        "{key} answers as a CNAME, but TXT queries for it fail (SERVFAIL).",
        "The CNAME to {target} resolves, yet asking for the TXT record through it fails at "
        "{server}. Receivers and Amazon SES ask for TXT, not CNAME, so they cannot fetch the "
        "key. Some DNS hosting services likely cannot answer TXT queries through a CNAME; "
        "DKIM needs both kinds of query answered. The failure is temporary in form, but it "
        "will likely repeat until the DNS host is fixed.",
        "Ask your DNS provider to fix TXT lookups through the CNAME. If they cannot, move the"
        " domain's DNS to a host that can (Amazon Route 53, for example).",
    ),
    "key_record_has_pem_armor": Text(
        "The record at {key} contains PEM header or footer lines.",
        "The value holds '-----BEGIN ...-----' or '-----END ...-----'. Those lines belong to "
        "the key file, not to DNS; p= must hold only the base64 text between them. This is "
        "permanent until the record is corrected.",
        "Publish `v=DKIM1; k=rsa; p=` followed by the key's base64 on one line, without the "
        "header and footer lines.",
    ),
    "key_record_has_quotes": Text(
        "The record at {key} contains quote characters.",
        "Quotes were typed into the value, and the DNS console kept them as part of the text,"
        " so receivers see them inside the key record. This is permanent until the record is "
        "corrected.",
        "Edit the record and remove every quote character from the value; the DNS console "
        "adds whatever quoting DNS needs.",
    ),
    "key_record_has_line_breaks": Text(
        "The record at {key} contains line breaks.",
        "The value was pasted with line breaks inside it. Some receivers and providers likely"
        " reject such a key. This is permanent until the record is corrected.",
        "Publish the value on one line: remove every line break from the key.",
    ),
    "key_too_short.dns": Text(
        "The key for d={d}, s={s} is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits: receivers ignore "
        "signatures made with the key at {key}. This is permanent until the key is replaced.",
        "Generate a 2048-bit RSA key, publish it under a new selector and sign with it.",
    ),
    "authoritative_unknown": Text(
        "The authoritative DNS servers of {d} could not be found; propagation was not checked.",
        "No NS records were found for {d} or the zones above it, or their addresses did not "
        "resolve, so no server could be asked directly.",
        "Give the servers with --authoritative HOST[:PORT] to check propagation.",
    ),
    "authoritative_unreachable": Text(
        "Some authoritative servers did not answer for {key}: {servers}.",
        "Asked directly, these servers of the zone gave no usable answer (a timeout, SERVFAIL"
        " or REFUSED). Resolvers that happen to ask them may fail too. This is temporary as "
        "far as this tool can tell.",
        "Check those servers with your DNS provider; retry later if it is an outage.",
    ),
    "propagation_incomplete": Text(
        "The record at {key} is not on every authoritative server yet.",
        "Serving it: {having}. Not serving it: {servers}. The record was published but has "
        "not reached every server of the zone; until it has, some receivers see it and some "
        "do not. This is temporary: it usually settles within minutes to hours; allow up to "
        "72 hours before treating it as a fault.",
        "Wait, and check again. If the same servers still lack it after 72 hours, ask your "
        "DNS provider why they do not serve the zone's current data.",
    ),
    "authoritative_disagree": Text(
        "The authoritative servers give {count} different answers for {key}.",
        "Asked directly, the {total} servers of the zone do not hold the same record, likely "
        "because a change (a new key, say) has reached only some of them. Receivers get one "
        "answer or the other at random. This is likely temporary.",
        "Wait for the change to reach every server (allow up to 72 hours); if they still "
        "differ, ask your DNS provider.",
    ),
    "not_on_authoritative": Text(
        "None of the {total} authoritative servers holds {key}: this is not a delay.",
        "Asked directly, every server of the zone says nothing is published at {key}. Waiting"
        " will not help: the record is missing, or was created in another zone, another DNS "
        "provider's account, or under another name. This is permanent until the record is "
        "created where the world looks for it.",
        "Create the record where the domain's DNS is really hosted (the servers listed as the"
        " domain's NS records).",
    ),
    "resolver_cache_stale": Text(
        "Your resolver's answer for {key} differs from the authoritative servers'.",
        "The zone's servers agree on what is published, but the resolver asked here still "
        "returns an older answer it has cached (a 'no such record' from before the record was"
        " created, say). This is temporary: it expires within {ttl} seconds.",
        "Nothing to fix: wait for the cached answer to expire. Amazon SES and receivers will "
        "see the new record by then at the latest.",
    ),
    "dmarc_not_found": Text(
        "{d} has no DMARC record.",
        "No v=DMARC1 record is published at {names}, so receivers apply no DMARC policy to "
        "mail from {d}, whatever DKIM says.",
        "Publish a DMARC record at _dmarc.{org}, starting with `v=DMARC1; p=none;` and a "
        "report address, and tighten p= once reports show your mail aligned.",
    ),
    "dmarc_invalid": Text(
        "The DMARC record at {name} is malformed.",
        "The record '{detail}' is not a valid DMARC record (tags separated by ';', v=DMARC1 "
        "first, a p= policy), so receivers likely ignore it. This is permanent until the "
        "record is fixed.",
        "Rewrite it as `v=DMARC1; p=none; rua=mailto:...`, with tags separated by ';'.",
    ),
    "no_common_selector": Text(
        "No DKIM key was found for {d} under any of {count} common selectors.",
        "The selectors tried were: {detail}. Your signer may well use another name: the "
        "selector is the s= tag of a DKIM-Signature in mail you send. This is permanent for "
        "this check: name the selector to look further.",
        "Find s= in a message you sent (or in your provider's DKIM settings) and run again "
        "with --selector.",
    ),
    "selector_invalid": Text(
        "The selector '{s}' is not one Amazon SES accepts.",
        "For BYODKIM a selector must be 1 to 63 characters, letters and digits only: no "
        "periods, hyphens, underscores or other symbols. This one has {length} characters; "
        "not allowed in it: {bad}. This is permanent: SES refuses it until the selector "
        "changes.",
        "Choose a selector of letters and digits only, such as `ses2025`.",
    ),
    "key_unreadable": Text(
        "The key could not be read: it is neither PEM nor base64.",
        "A key file holds base64 text, usually between '-----BEGIN ...-----' and '-----END "
        "...-----' lines. This input has neither a PEM key nor valid base64. This is "
        "permanent until the key is given in one of those forms.",
        "Export the key again from the tool that made it, or make a new one with `openssl "
        "genrsa -traditional -out private.pem 2048`.",
    ),
    "key_unreadable.truncated": Text(
        "The key could not be read: the PEM text has no end line (likely truncated).",
        "The key starts with '-----BEGIN ...-----' but the matching '-----END ...-----' line "
        "is missing, so part of the key was likely lost in copying. This is permanent until "
        "the whole key is given.",
        "Copy the whole key file again, from the BEGIN line to the END line.",
    ),
    "key_unreadable.damaged": Text(
        "The key could not be read: its base64 does not decode to a key.",
        "The text is valid base64, but what it holds is not a complete key: likely truncated "
        "or damaged in copying, or a file of another kind. This is permanent until the whole "
        "key is given.",
        "Copy the key file again, whole; if it still fails, make a new key pair.",
    ),
    "key_unreadable.public": Text(
        "This is a public key; a private key was expected.",
        "--private-key needs the private key that SES will sign with. A public key (a 'BEGIN "
        "PUBLIC KEY' file) cannot sign. This is permanent until the private key is given.",
        "Give the private key file, or check the public key with --public-key.",
    ),
    "key_unreadable.encrypted": Text(
        "The key is protected by a passphrase.",
        "The PEM key is encrypted. Amazon SES needs the key itself, unencrypted, to sign with"
        " it. This is permanent until the key is decrypted.",
        "Decrypt it (`openssl rsa -in encrypted.pem -traditional -out private.pem`) and keep "
        "the result as safe as you would the passphrase.",
    ),
    "key_not_rsa": Text(
        "The key is {detail}, not RSA.",
        "Amazon SES BYODKIM signs with RSA keys only. This is permanent: this key cannot be used.",
        "Make an RSA key: `openssl genrsa -traditional -out private.pem 2048` (OpenSSL 3; "
        "leave out -traditional with OpenSSL 1.1).",
    ),
    "key_size_unsupported": Text(
        "The key is {bits}-bit RSA, a size Amazon SES does not accept.",
        "The troubleshooting guide asks for 1024-bit RSA, and the SES API takes 1024- or "
        "2048-bit keys; other sizes are refused. This is permanent: this key cannot be used.",
        "Make a 2048-bit key: `openssl genrsa -traditional -out private.pem 2048` (OpenSSL 3;"
        " leave out -traditional with OpenSSL 1.1).",
    ),
    "key_not_pkcs1": Text(
        "The private key is in PKCS #8 form ('BEGIN PRIVATE KEY'), not PKCS #1.",
        "The guide asks for a PKCS #1 key ('BEGIN RSA PRIVATE KEY'). The key itself is fine; "
        "only its wrapping differs. Newer SES documentation also mentions PKCS #8, but a PKCS"
        " #1 key is accepted everywhere.",
        "Convert it: `openssl rsa -in private.pem -traditional -out private-pkcs1.pem` "
        "(OpenSSL 1.1 writes PKCS #1 without -traditional).",
    ),
    "key_not_pkcs1.openssh": Text(
        "The private key is in OpenSSH form ('BEGIN OPENSSH PRIVATE KEY'), not PKCS #1.",
        "ssh-keygen writes keys in its own format, which Amazon SES does not read. The key "
        "itself can be used once it is rewritten as PKCS #1. This is permanent until it is "
        "rewritten.",
        "Rewrite a copy in PKCS #1 form: `cp id_rsa ses.pem && ssh-keygen -p -N '' -m PEM -f "
        "ses.pem` (better still, make a key for DKIM alone with `openssl genrsa`).",
    ),
    "public_key_has_pem_armor": Text(
        "The public key still has its PEM header and footer lines.",
        "The '-----BEGIN PUBLIC KEY-----' and '-----END PUBLIC KEY-----' lines are part of "
        "the file, not of the key; Amazon SES refuses a key that includes them. This is "
        "permanent until they are removed.",
        "Paste only the base64 text between those lines (the record shown below is ready to use).",
    ),
    "public_key_pem_file": Text(
        "The public key was read from a PEM file: its armour and line breaks are the file's.",
        "The '-----BEGIN/END-----' lines and the line breaks are how PEM files hold a key, not "
        "part of the key. What Amazon SES and DNS take is the base64 text alone, on one line: "
        "the record shown below is that value.",
        "Paste the record's value shown below, not the file's text.",
    ),
    "public_key_has_line_breaks": Text(
        "The public key is split over several lines.",
        "Amazon SES and DNS consoles need the key as one unbroken line; line breaks make the "
        "request fail. This is permanent until they are removed.",
        "Remove every line break so the key is one line (the record shown below is ready to use).",
    ),
    "public_key_is_private": Text(
        "This is a private key, not a public key.",
        "It must never be published in DNS or pasted where a public key is asked for. Its "
        "public half can be derived from it. This is permanent: publishing it would give the "
        "private key away.",
        "Run again with --private-key FILE to get the public key record, and keep the private"
        " key secret.",
    ),
    "dns_key_mismatch": Text(
        "The key published at {key} is not the public half of this private key.",
        "DNS serves an RSA key with another modulus, so mail signed with this private key "
        "would fail to verify. The record was likely not updated after a new key was made, or"
        " belongs to another key pair. This is permanent until the record or the private key "
        "changes.",
        "Publish the record shown here at {key}, replacing the old one, or sign with the "
        "private key that matches what DNS serves.",
    ),
    "body_appended": Text(
        Plural(
            "Proven: {lines} line ({bytes} bytes) was added to the body after the signature "
            '(d={d}, s={s}) was made; the first: "{first_line}".',
            "Proven: {lines} lines ({bytes} bytes) were added to the body after the signature"
            ' (d={d}, s={s}) was made; the first: "{first_line}".',
            "lines",
        ),
        "With those lines removed, the body hashes to the signature's bh= again, so the rest "
        "of the body is exactly what {d} signed. Text added at the end of a body or of a MIME"
        " part is likely a mailing-list footer, a disclaimer or an antivirus banner. This is "
        "permanent for this message.",
        "Find the hop that adds this text (the first line above names it) and have it stop, "
        "or have it sign again (DKIM or ARC) after adding it.",
    ),
    "body_prepended": Text(
        Plural(
            "Proven: {lines} line ({bytes} bytes) was inserted at the start of the body after"
            ' the signature (d={d}, s={s}) was made; the first: "{first_line}".',
            "Proven: {lines} lines ({bytes} bytes) were inserted at the start of the body "
            'after the signature (d={d}, s={s}) was made; the first: "{first_line}".',
            "lines",
        ),
        "With those lines removed, the body hashes to bh= again. Text put at the top of a "
        'body or of a MIME part is likely a gateway\'s warning banner ("external sender"). '
        "This is permanent for this message.",
        "Have the gateway that adds the banner do so only after verifying DKIM and recording "
        "the result (ARC), or tag the subject or a header instead of the body.",
    ),
    "body_truncated": Text(
        "Proven: the body is {bytes} bytes shorter than the part the signature (d={d}, s={s})"
        " covers (l=).",
        "The signature's l= says how many canonical body bytes were signed, and the body "
        "received is shorter: something cut the body, likely a size limit or a stripped "
        "attachment. This is permanent for this message.",
        "Find the hop that shortens messages (attachment stripping, size limits) and exempt "
        "signed mail, or have it sign again after the change.",
    ),
    "body_line_endings": Text(
        "Proven: the signature (d={d}, s={s}) was made over the body with bare LF line "
        "endings, and the message was delivered with CRLF.",
        "Converted back to bare LF, the body hashes to bh= again. The signer hashed the "
        "message in Unix (LF) form, and its mail server converted it to CRLF for SMTP, as it "
        "must: the signature was broken from the start. This is permanent, and likely affects"
        " every message {d} signs this way.",
        "Make the signer hash the message in its wire form (CRLF line endings), e.g. sign in "
        "the MTA (milter) rather than in a script that writes LF files.",
    ),
    "body_whitespace": Text(
        Plural(
            "Proven: whitespace at the end of {lines} line was changed after the signature "
            "(d={d}, s={s}) was made with simple body canonicalization; the first: "
            '"{first_line}".',
            "Proven: whitespace at the end of {lines} lines was changed after the signature "
            "(d={d}, s={s}) was made with simple body canonicalization; the first: "
            '"{first_line}".',
            "lines",
        ),
        "With the line-end whitespace put back as signed, the body hashes to bh= again. Under"
        " c=.../simple every space counts; relays that strip or add trailing spaces (or break"
        " format=flowed soft line breaks) break such signatures. This is permanent for this "
        "message.",
        "Sign with relaxed body canonicalization (c=relaxed/relaxed), which ignores trailing "
        "whitespace.",
    ),
    "mbox_from_quoting": Text(
        Plural(
            'Proven: ">From " quoting of {lines} line changed after the signature (d={d}, '
            's={s}) was made; the first: "{first_line}".',
            'Proven: ">From " quoting of {lines} lines changed after the signature (d={d}, '
            's={s}) was made; the first: "{first_line}".',
            "lines",
        ),
        'Mailbox (mbox) storage puts ">" before body lines that start with "From ", and some '
        "readers take it off. Undoing that, the body hashes to bh= again: the message was "
        "intact in transit, and the change was made where it was stored.",
        "Nothing to fix at the sender. Verify the message as delivered, before mailbox "
        "storage, or from a maildir or a Download original export.",
    ),
    "body_unexplained": Text(
        "No tested change explains why the body no longer matches the signature's bh= (d={d},"
        " s={s}).",
        "Removing a block of lines at the end or start of the body or of a MIME part, line "
        "endings, trailing whitespace and From-quoting were each tried, and none reproduces "
        "the body hash that {d} signed. The evidence lists what is known about the body. The "
        "body was changed after signing, so this is permanent for this message.",
        "Compare this copy with the message as it left the sender (its Sent folder) to see "
        "what a relay changed.",
    ),
    "body_likely_reencoded": Text(
        "The body signed by d={d}, s={s} was likely re-encoded by a relay (a guess).",
        "The evidence shows signs of a transfer-encoding conversion (for example 8bit to "
        "quoted-printable); a conversion after signing changes every encoded line, which "
        "breaks the body hash. This is likely, not proven. Either way the body hash fails "
        "permanently for this message.",
        "Have the sending system encode 8-bit text itself (quoted-printable or base64) before"
        " signing, so no relay needs to convert it.",
    ),
    "body_hash_also_fails": Text(
        "The body hash of the signature (d={d}, s={s}) fails as well: the body was changed "
        "after signing.",
        "The verdict names why the signature could not be checked ({reason}), but bh= is a "
        "hash of the body alone and needs no key (RFC 6376 §3.7): recomputed over the body "
        "received, it does not match, so this body is not the one {d} signed, independently "
        "of {reason}. Even with that solved, this signature fails for this message. The "
        "header signature is {header_state} (it needs the key: when the key could not be "
        "used, whether signed header fields were changed too is not known). This is permanent"
        " for this message.",
        "Solve {reason} for future mail; for this message, find what changed the body in "
        "transit (a finding beside this one names the change when it can be proven).",
    ),
    "header_modified": Text(
        "Proven: the signed {header} header was changed after the signature (d={d}, s={s}) "
        "was made.",
        'With the original value "{original}" instead of the received "{received}", the '
        "header signature verifies again with the key at {key}. This is permanent for this "
        "message.",
        "",
    ),
    "change.subject_tag": Text(
        "A subject tag was added.",
        "A mailing list or a gateway likely put the tag into the Subject.",
        "Ask the list or gateway to stop tagging subjects, or to seal its changes with ARC so"
        " receivers can trust the original result.",
    ),
    "change.refolded": Text(
        "The header was re-folded.",
        "A relay changed where the header's lines break; under simple header canonicalization"
        " that breaks the signature.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which ignores folding.",
    ),
    "change.respaced": Text(
        "Whitespace in the header was changed.",
        "A relay changed spaces in the header; under simple header canonicalization every "
        "space counts.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which ignores such changes.",
    ),
    "change.name_case": Text(
        "The header name's case was changed.",
        "A relay rewrote the field name's upper/lower case; simple header canonicalization "
        "keeps the case, so the signature breaks.",
        "Sign with relaxed header canonicalization (c=relaxed/...), which lower-cases names.",
    ),
    "change.reencoded": Text(
        "8-bit characters were re-encoded.",
        "The header was signed with raw UTF-8 and a relay without SMTPUTF8 support turned it "
        "into RFC 2047 encoded-words.",
        "Encode non-ASCII header text as RFC 2047 encoded-words before signing, or make sure "
        "every hop supports SMTPUTF8.",
    ),
    "change.from_rewritten": Text(
        'From was rewritten (a mailing list\'s "via" address).',
        "A list replaced the author's address with its own so that the author's DMARC policy "
        "does not reject its copies; the original is kept in another header.",
        "Expected from a list that rewrites From; the list's own signature and ARC seal are "
        "what receivers judge. Nothing to fix at the author.",
    ),
    "change.added": Text(
        "Another instance of the header was added.",
        "A hop added a {header} field although the signer signed this name (or oversigned it "
        "to forbid additions); the added field is now part of what h= selects. Without it, "
        "the signature verifies.",
        "Find the hop that adds the field and stop it; oversigning is doing its job here.",
    ),
    "change.removed": Text(
        "A signed header was removed.",
        "A hop removed the {header} field (its value survives under another name); with it "
        "restored, the signature verifies.",
        "Find the hop that removes or renames the field and stop it.",
    ),
    "header_unexplained": Text(
        "No tested change explains why the header signature (d={d}, s={s}) fails.",
        "Plausible originals of the signed headers ({signed}) were re-verified and none "
        "verifies. Of these, {rewritten} are commonly rewritten in transit; this does not say"
        " which one changed. If every message from {d} fails this way, the private key likely"
        " does not match the key at {key}. This is permanent for this message.",
        "Compare the signed headers with the copy in the sender's Sent folder, and the "
        "private key the signer uses with the key published at {key}.",
    ),
    "arc_attests_original_pass": Text(
        "The signature of {d} (s={s}) fails now, but an intact ARC chain says it passed "
        "before {sealer} handled the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=pass for {d} when the "
        "message reached it, and the chain verifies (cv=pass). So {sealer} most likely "
        "changed the message afterwards, as mailing lists do, which broke the signature "
        "(d={d}, s={s}) (later sealers: {later}). Receivers that trust {sealer} can use this "
        "result (RFC 8617 §7.2).",
        "Nothing to fix at {d}. If your messages are rejected, ask {sealer} to keep "
        "ARC-sealing and the receiver to trust its seals.",
    ),
    "arc_saw_original_fail": Text(
        "The signature (d={d}, s={s}) had already failed when {sealer}, the first ARC sealer,"
        " received the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=fail for {d}. The change "
        "that broke it happened before that hop: at the sender's own systems or a relay "
        "before {sealer}, not at {sealer} or later. This is permanent for this message.",
        "Look at the sending side: what rewrites messages after {d} signs them, or whether "
        "the signer's key matches {key}.",
    ),
    "arc_chain_failed": Text(
        "The ARC chain on this message does not verify (cv=fail).",
        "ARC sets sealed by {sealer} are present, but the chain is broken: {detail}. "
        "Receivers ignore what a broken chain says. This is permanent for this message.",
        "If every message sealed by {sealer} fails like this, its ARC sealing is at fault; if"
        " only this one does, the message or its ARC header fields were changed after "
        "sealing.",
    ),
    "arc_temporary": Text(
        "The ARC chain could not be verified: a DNS lookup failed temporarily.",
        "A key for an ARC set sealed by {sealer} could not be fetched (SERVFAIL or timeout). "
        "This is temporary, not a missing key: {detail}.",
        "Try again later.",
    ),
    "arc_key_not_found": Text(
        "The ARC chain cannot be verified now: the key d={d}, s={s} is not in DNS.",
        "The {field} of ARC set i={instance} (sealed by {sealer}) was made with the key at "
        "{key}, and DNS answers {status} for that name. ARC keys are rotated like DKIM keys, "
        "so for archived mail this is the normal case: the key was likely withdrawn after the"
        " message was delivered. Nothing shows that the set was wrong when it was made; it "
        "cannot be checked today, so anyone verifying the chain now gets cv=fail. This is "
        "permanent for this message.",
        "Nothing to do for an old message. If the message is recent, the key at {key} is "
        "missing from {d}'s DNS: only {d} can publish it.",
    ),
    "arc_key_not_found.domain_gone": Text(
        "The ARC chain cannot be verified now: {d}, whose key sealed set i={instance}, does "
        "not resolve at {server}.",
        "The {field} of ARC set i={instance} (sealed by {sealer}) was made with the key at "
        "{key}. {server} answers {status} for that name, and NXDOMAIN for {d} itself too, "
        "while its top-level domain resolves. So this says nothing about the keys of {d}: "
        "either the domain no longer exists (possible for old mail), or the answers of "
        "{server} are incomplete (a zone file without it, a filtering resolver). Permanent "
        "only if the domain is really gone.",
        "Ask another resolver (--nameserver 1.1.1.1, say) for {d} before concluding.",
    ),
    "arc_key_not_found.domain_unreliable": Text(
        "The ARC chain cannot be verified now: the DNS answers here look unreliable.",
        "The {field} of ARC set i={instance} (sealed by {sealer}) was made with the key at "
        "{key}, and {server} answers {status} for it, but also NXDOMAIN for {d} itself and "
        "even for its top-level domain, which a working resolver finds. The answers are "
        "likely not facts about {d}: an offline machine, a broken or captive resolver, or a "
        "zone file that holds none of it. This is likely temporary.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
    ),
    "arc_chain_failed.structure": Text(
        "The ARC header fields on this message do not form a valid chain (cv=fail).",
        "RFC 8617 §5.2 checks the structure before any signature: {detail}. Receivers ignore "
        "a chain like this. The sets were sealed by {sealer}. This is permanent for this "
        "message.",
        "If every message sealed by {sealer} looks like this, its ARC sealing writes "
        "malformed fields; if only this one does, its ARC header fields were edited after "
        "sealing (by a later hop or in the saved copy).",
    ),
    "arc_chain_failed.sealer_reported_fail": Text(
        "The ARC chain was already broken when {sealer} sealed the message (cv=fail).",
        "The ARC-Seal of set i={instance}, by {sealer}, says cv=fail: by its own account, the"
        " sets before it did not verify when {sealer} received the message. A chain marked "
        "failed stays failed (RFC 8617 §5.2 step 2), and receivers ignore it. This is "
        "permanent for this message.",
        "Nothing to fix at {sealer}: it recorded what it saw. Look at the hops before it: "
        "their ARC sets, or a change made to the message before it reached {sealer}.",
    ),
    "arc_chain_failed.body_changed": Text(
        "The ARC chain does not verify: the body changed after {sealer} sealed the message "
        "(cv=fail).",
        "The body hash (bh=) of the newest ARC-Message-Signature (set i={instance}, d={d}, "
        "s={s}) does not match the body as it is now. So the body was changed after that set "
        "was made, by a later hop that added no ARC set of its own or in the saved copy, or "
        "{sealer} hashes bodies incorrectly. Receivers ignore the chain (RFC 8617 §5.2 step "
        "4). This is permanent for this message.",
        "If only this message fails, find what changed the body after {sealer} (a relay, a "
        "gateway, an edit of the file). If every message {sealer} seals fails, its ARC "
        "signing is broken.",
    ),
    "arc_chain_failed.headers_changed": Text(
        "The ARC chain does not verify: the newest ARC-Message-Signature (d={d}, s={s}) fails"
        " (cv=fail).",
        "The header signature of set i={instance} does not verify with the key at {key}. "
        "Either a header field it signs was changed after {sealer} sealed the message (by a "
        "later hop or in the saved copy), or the key at {key} is not the one the set was "
        "signed with. Receivers ignore the chain (RFC 8617 §5.2 step 4). This is permanent "
        "for this message.",
        "If only this message fails, look for a later hop that edits signed header fields. If"
        " every message {sealer} seals fails, compare its ARC private key with the key at "
        "{key}.",
    ),
    "arc_chain_failed.seal_failed": Text(
        "The ARC chain does not verify: the ARC-Seal of set i={instance} (d={d}, s={s}) fails"
        " (cv=fail).",
        "The seal does not verify with the key at {key}. Either an ARC header field of sets 1"
        " to {instance} was changed after sealing, or the key at {key} is not the one {d} "
        "sealed with. Receivers ignore the chain (RFC 8617 §5.2 step 6). This is permanent "
        "for this message.",
        "If every message {d} seals fails, compare its ARC private key with the key at {key};"
        " if only this one does, look for a hop that rewrites ARC header fields.",
    ),
    "arc_chain_failed.key_unusable": Text(
        "The ARC chain cannot be verified: the key d={d}, s={s} at {key} is not usable (cv=fail).",
        "The {field} of set i={instance} (sealed by {sealer}) needs the key at {key}, and "
        "that record cannot verify it: {detail}. Without a usable key the chain fails, and "
        "receivers ignore it. This is permanent for this message.",
        "If the message is recent, {d} must publish a valid key record at {key}. A revoked "
        "key (empty p=) on an old message was likely rotated since: nothing to do.",
    ),
    "arc_chain_failed.time": Text(
        "The ARC chain does not verify at the time used: the {field} of set i={instance} "
        "(d={d}, s={s}) is out of its validity.",
        "{detail}. A set that is not yet valid or has expired does not verify, so the chain "
        "fails (cv=fail) as of that time. This is permanent if that time is right.",
        "For an archived message, check it as of its delivery time (--now). Otherwise the "
        "sealer's clock, or the x= it writes, is wrong.",
    ),
    "dmarc_alignment.spf_pass": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), "
        "but aligned SPF does.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes, but SPF passes for an aligned MAIL FROM domain (see the "
        "spf_result and dmarc_result findings), so DMARC passes and receivers do not apply "
        "p={policy}. SPF does not survive forwarding: forwarded copies and list mail likely "
        "fail DMARC until an aligned signature passes. This is permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings), so that "
        "DMARC does not rest on SPF alone.",
    ),
    "dmarc_alignment.spf_fail": Text(
        "Neither DKIM nor SPF satisfies the DMARC policy of {from_domain} (policy: {policy}).",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes, and SPF, evaluated again from the message's Received and "
        "Return-Path fields, does not pass for an aligned MAIL FROM domain either (see the "
        "spf_result and dmarc_result findings): receivers that apply DMARC apply p={policy}. "
        "This is permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings for why "
        "its signature is missing or failing), or send with an aligned MAIL FROM domain whose"
        " SPF record lists the sending servers.",
    ),
    "spf_result": Text(
        "SPF passes for {domain}: {ip} is allowed by {matched} (in {matched_in}'s record).",
        "SPF (RFC 7208) was evaluated again from the message: the client {ip} (HELO {helo}) "
        "of the receiver's boundary Received field, sending as {mailfrom} ({identity} "
        "identity). The record of {domain} allows it through {matched}; {lookups} of the 10 "
        "DNS-querying terms were used. At delivery the receiver recorded spf={recorded}.",
        "Nothing to do.",
    ),
    "spf_result.recorded": Text(
        "{recorded_by} recorded spf={recorded} for {recorded_domain}; SPF could not be "
        "checked again from this message.",
        "The trusted receiver {recorded_by} recorded spf={recorded} for {recorded_domain} "
        "when the message arrived. It was not evaluated again here: {skipped}.",
        "Nothing to do for this message.",
    ),
    "spf_result.gone": Text(
        "SPF passed for {recorded_domain} at delivery; today the DNS asked has no SPF record "
        "for {domain}.",
        "{recorded_by} recorded spf=pass for {recorded_domain} when the message arrived. "
        "Asked again today, {domain} has no SPF record in the DNS asked: likely removed "
        "since, or this DNS (an offline zone, a resolver that cannot see the domain) does not "
        "hold it. Harmless for this message, which passed when it was delivered.",
        "If {domain} still sends mail, check that its SPF record is published; for old mail "
        "checked offline, nothing to do.",
    ),
    "spf_result.rotated": Text(
        "SPF passed for {recorded_domain} at delivery, but fails today for {domain} "
        "({result}): the SPF record likely changed since.",
        "{recorded_by} recorded spf=pass for {recorded_domain} when the message arrived; "
        "evaluated again today for the same client {ip} and MAIL FROM {mailfrom}, the record "
        "of {domain} gives {result}. Likely an "
        "include or an address range was removed or replaced since. Harmless for this "
        "message, which passed when it was delivered; new mail from {ip} fails SPF now. This "
        "is permanent until the record changes again.",
        "If {ip} still sends for {domain}, add it (or its platform's include:) back to the "
        "SPF record of {domain}; if it no longer does, nothing to do.",
    ),
    "spf_result.changed": Text(
        "SPF failed for {domain} at delivery (spf={recorded}), and passes today: the SPF "
        "record changed since.",
        "{recorded_by} recorded spf={recorded} for {recorded_domain} when the message "
        "arrived; evaluated again today for the same client {ip}, the record of {domain} "
        "allows it through {matched}. The record was likely fixed after this message was "
        "delivered: the receiver judged the message by the record it saw then.",
        "Nothing to do: new mail from {ip} passes SPF.",
    ),
    "spf_result.fail": Text(
        "SPF does not pass for {domain}: {ip} is not allowed ({result}, by {matched} in "
        "{matched_in}'s record).",
        "SPF (RFC 7208) was evaluated again for the client {ip} (HELO {helo}) of the "
        "receiver's boundary Received field, sending as {mailfrom}: the record of {domain} "
        "ends in {matched}, which gives {result} for an address it does not list. At delivery"
        " the receiver recorded spf={recorded}. This is permanent until the record lists the "
        "sender.",
        "If {ip} sends mail for {domain}, add it to the SPF record of {domain} (ip4:/ip6:, or"
        " the sending platform's include:). If the message was forwarded, see spf_forwarded.",
    ),
    "spf_result.neutral": Text(
        "SPF gives no verdict for {domain}: the record says neutral for {ip}.",
        "The record of {domain} ends in {matched} (neutral) for an address it does not list, "
        "so SPF neither allows nor denies the client {ip}; for DMARC a neutral is not a pass.",
        "List the servers that send for {domain} in its SPF record and end it in ~all or -all.",
    ),
    "spf_result.domain_unknown": Text(
        "SPF cannot be checked for {domain}: the DNS asked does not know the domain (NXDOMAIN).",
        "The MAIL FROM domain {domain} does not exist in the DNS asked, so SPF gives none for "
        "the client {ip}. Either the domain is gone, or this DNS (an offline zone, a resolver "
        "that cannot see it) does not hold it: nothing here shows whether it publishes an SPF "
        "record.",
        "Check {domain} against the public DNS; for old mail checked offline, nothing to do.",
    ),
    "spf_result.none": Text(
        "{domain} publishes no SPF record.",
        "The MAIL FROM domain {domain} has no v=spf1 TXT record, so SPF gives none for the "
        "client {ip} and cannot help DMARC. This lasts until a record is published "
        "(permanent).",
        "Publish a TXT record at {domain}: `v=spf1` followed by the servers and platforms "
        "that send for it (ip4:, include:) and `~all` or `-all`.",
    ),
    "spf_result.too_many_lookups": Text(
        "The SPF record of {domain} needs more than 10 DNS lookups: SPF is a permerror.",
        "RFC 7208 §4.6.4 allows at most 10 terms that cause DNS queries (include, a, mx, ptr,"
        " exists, redirect) in one evaluation, nested includes counted too; evaluating the "
        "record of {domain} needed more ({terms}). Receivers give permerror, which fails "
        "DMARC through SPF for every message. This is permanent until the record changes.",
        "Flatten the SPF record of {domain}: remove includes of platforms no longer used, "
        "replace a and mx by ip4:/ip6: ranges, or move some senders to a subdomain with its "
        "own record.",
    ),
    "spf_result.void_lookups": Text(
        "The SPF record of {domain} has more than 2 lookups that find nothing: SPF is a permerror.",
        "RFC 7208 §4.6.4 allows at most 2 DNS-querying terms that answer NXDOMAIN or no "
        "records; evaluating the record of {domain} met more ({voids}). Likely includes or a:"
        " names of services no longer in use. This is permanent until the record changes.",
        "Remove the terms naming {voids} from the SPF record of {domain} (or the records they"
        " include).",
    ),
    "spf_result.permerror": Text(
        "The SPF record of {domain} cannot be evaluated (permerror): {detail}.",
        "Evaluating the SPF record of {domain} for {ip} stopped with a permanent error: "
        "{detail}. Receivers give permerror, which fails DMARC through SPF. This is permanent"
        " until the record is fixed.",
        "Fix the record of {domain} as the detail says (one v=spf1 record, valid terms, every"
        " include: with a record of its own).",
    ),
    "spf_result.temperror": Text(
        "SPF for {domain} could not be evaluated (temporary DNS failure).",
        "A lookup needed to evaluate the SPF record of {domain} failed: {detail}. Receivers "
        "give temperror and may defer the message. This is temporary.",
        "Check that the authoritative servers of {domain} (and of the domains it includes) "
        "answer, then check again.",
    ),
    "spf_unaligned": Text(
        "SPF passes for {domain}, which does not align with {from_domain}: it does not count "
        "for DMARC.",
        "DMARC (RFC 9989 §4.4) counts an SPF pass only for a MAIL FROM domain in the same "
        "organizational domain as the From domain {from_domain} (or the same domain under "
        "aspf=s); the MAIL FROM {mailfrom} is under {domain}. This is permanent for this "
        "message.",
        "Send with a MAIL FROM (bounce) address under {from_domain}, such as "
        "bounce@{org_domain}, whose SPF record lists the sending servers; or rely on an "
        "aligned DKIM signature.",
    ),
    "spf_unaligned.ses": Text(
        "SPF passes for Amazon SES's default MAIL FROM ({domain}), which cannot align with "
        "{from_domain}.",
        "Amazon SES sends with its own MAIL FROM domain ({mailfrom}) unless a custom MAIL "
        "FROM domain is set up, and an SPF pass for {domain} never aligns with {from_domain} "
        "for DMARC (RFC 9989 §4.4). DMARC then rests on DKIM alone. This is permanent for "
        "this message.",
        "In the SES console, set a custom MAIL FROM domain for {from_domain} (a subdomain "
        "such as bounce.{from_domain}, used for nothing else), publish the MX record SES "
        "shows (10 feedback-smtp.{region}.amazonses.com) and the TXT record `v=spf1 "
        "include:amazonses.com ~all` at it, and wait for SES to detect them: SPF then passes "
        "aligned.",
    ),
    "spf_unaligned.provider": Text(
        "SPF passes for {provider}'s own MAIL FROM domain ({domain}), which cannot align with"
        " {from_domain}.",
        "{provider} sent this message with its own bounce domain ({mailfrom}); an SPF pass "
        "for {domain} never aligns with {from_domain} for DMARC (RFC 9989 §4.4), so DMARC "
        "rests on DKIM alone. This is permanent for this message.",
        "Set up {provider}'s custom return-path (bounce or MAIL FROM) domain under "
        "{from_domain}, as its documentation describes (a CNAME or MX and SPF record at a "
        "subdomain you choose), so that SPF passes aligned.",
    ),
    "spf_permissive": Text(
        "The SPF record of {domain} ends in +all: every server on the Internet passes SPF for it.",
        "The record `{record}` lets any address pass SPF for {domain}, so an SPF pass proves "
        "nothing and anyone can pass DMARC through SPF with an aligned MAIL FROM. This is "
        "permanent until the record changes.",
        "Replace +all with ~all (or -all once every sender is listed) in the SPF record of "
        "{domain}.",
    ),
    "spf_permissive.neutral": Text(
        "The SPF record of {domain} ends in ?all: servers it does not list get no verdict.",
        "The record `{record}` gives neutral for any address it does not list, so SPF never "
        "fails for {domain} and forged mail is not told apart by SPF. This is permanent until"
        " the record changes.",
        "End the SPF record of {domain} in ~all (or -all once every sender is listed).",
    ),
    "spf_forwarded": Text(
        "SPF fails because the message was likely forwarded through {helo}; the aligned "
        "signature d={d}, s={s} carries DMARC.",
        "The receiver took the message from {helo} [{ip}], which the SPF record of {domain} "
        "does not list (spf={recorded} at delivery, {result} today): a forwarder or a list "
        "relayed it, and SPF cannot survive that (RFC 7208 §9.1). DKIM does: d={d}, s={s} "
        "passes and is aligned, so DMARC passes. Nothing to fix in SPF for this message.",
        "Nothing to do; keep signing with an aligned d= so that forwarded mail passes DMARC.",
    ),
    "spf_forwarded.arc": Text(
        "SPF fails because the message was likely forwarded through {helo}; only ARC can "
        "carry the original result.",
        "The receiver took the message from {helo} [{ip}], which the SPF record of {domain} "
        "does not list (spf={recorded} at delivery, {result} today): a forwarder relayed it, "
        "and SPF cannot survive that (RFC 7208 §9.1). No aligned signature passes, so DMARC "
        "fails unless the receiver trusts the forwarder's ARC seal ({arc_sets} ARC sets). "
        "This is permanent for this message.",
        "Sign with d={from_domain} (aligned DKIM survives forwarding); ask the forwarder to "
        "keep the signature intact and to seal ARC.",
    ),
    "spf_forwarded.no_dkim": Text(
        "SPF fails because the message was likely forwarded through {helo}, and no aligned "
        "signature passes to carry DMARC.",
        "The receiver took the message from {helo} [{ip}], which the SPF record of {domain} "
        "does not list (spf={recorded} at delivery, {result} today): a forwarder or a list "
        "likely relayed it, and SPF cannot survive that (RFC 7208 §9.1). Only DKIM (or ARC) "
        "can carry DMARC through forwarding, and no aligned signature passes. This is "
        "permanent for this message.",
        "Sign with d={from_domain}: an aligned DKIM signature survives forwarding where SPF "
        "cannot.",
    ),
    "dmarc_result": Text(
        "DMARC passes for {from_domain} through DKIM: d={d}, s={s} is aligned.",
        "The DMARC result (RFC 9989 §4.4) passes when an aligned DKIM signature or an aligned"
        " SPF result passes. d={d}, s={s} passes and is aligned with {from_domain} "
        "(organizational domain {org_domain} by the DNS tree walk); SPF gave {spf_result} for"
        " {spf_domain}. The policy {tag}={policy} (record at _dmarc.{record_domain}) is not "
        "applied.",
        "Nothing to do.",
    ),
    "dmarc_result.spf": Text(
        "DMARC passes for {from_domain} through SPF only ({spf_domain} is aligned).",
        "The DMARC result (RFC 9989 §4.4) passes when an aligned DKIM signature or an aligned"
        " SPF result passes. No aligned signature passes, but SPF passes for {spf_domain}, "
        "aligned with {from_domain} (organizational domain {org_domain} by the DNS tree "
        "walk). The policy {tag}={policy} (record at _dmarc.{record_domain}) is not applied. "
        "SPF does not survive forwarding: forwarded copies likely fail DMARC.",
        "Sign with d={from_domain} as well, so that DMARC survives forwarding.",
    ),
    "dmarc_result.both": Text(
        "DMARC passes for {from_domain} through DKIM (d={d}, s={s}) and SPF ({spf_domain}).",
        "Both an aligned signature and an aligned SPF result pass (RFC 9989 §4.4; "
        "organizational domain {org_domain} by the DNS tree walk). The policy {tag}={policy} "
        "(record at _dmarc.{record_domain}) is not applied.",
        "Nothing to do.",
    ),
    "dmarc_result.delivery_pass": Text(
        "DMARC passed for {from_domain} at delivery, but fails when checked again today.",
        "What the receiver {receiver} recorded when the message arrived (its dmarc= or spf= "
        "result, or a dkim=pass for an aligned signature) shows a DMARC pass then. Checked "
        "again today, no aligned DKIM signature passes and SPF gives {spf_result} for "
        "{spf_domain}: a key or the SPF record likely changed since, or the DNS asked does not "
        "hold them (see the other findings)."
        " The policy {tag}={policy} (record at _dmarc.{record_domain}) would apply to new "
        "mail like this.{notes} This is permanent for this message, and harmless once it has "
        "been delivered.",
        "Nothing to do for this message; check that current mail still signs with an aligned,"
        " published key and sends from servers the SPF record lists.",
    ),
    "dmarc_result.fail": Text(
        "DMARC fails for {from_domain}: no aligned DKIM or SPF result passes; the policy is "
        "{tag}={policy}.",
        "The DMARC result (RFC 9989 §4.4) passes only when an aligned DKIM signature or an "
        "aligned SPF result passes; here neither does (SPF gave {spf_result} for "
        "{spf_domain}; organizational domain {org_domain} by the DNS tree walk). The policy "
        "that applies is {tag}={policy} (record at _dmarc.{record_domain}): a receiver that "
        "applies DMARC would {action}.{notes} This is permanent for this message.",
        "Make the sending system sign with d={from_domain}, or send with an aligned MAIL FROM"
        " domain that SPF allows (see the other findings).",
    ),
    "spf_record": Text(
        "The SPF record of {domain} is valid: {lookups} of the 10 DNS-querying terms.",
        "The record `{record}` parses (RFC 7208 §4.6), and evaluating it for a sender it does"
        " not list uses {lookups} of the 10 terms that cause DNS queries ({terms}) and no "
        "more than 2 void lookups.",
        "Nothing to do.",
    ),
    "spf_record.missing": Text(
        "{domain} publishes no SPF record.",
        "There is no v=spf1 TXT record at {domain}, so SPF gives none for mail whose MAIL "
        "FROM is under {domain}, and DMARC can pass only through DKIM. This lasts until a "
        "record is published (permanent).",
        "Publish a TXT record at {domain}: `v=spf1` followed by the servers and platforms "
        "that send for it (ip4:, include:) and `~all` or `-all` (`v=spf1 -all` if it sends no"
        " mail).",
    ),
    "spf_record.invalid": Text(
        "The SPF record of {domain} is a permerror: {detail}.",
        "Receivers cannot evaluate the SPF record of {domain}: {detail}. Every message with a"
        " MAIL FROM under {domain} gets spf=permerror, which does not pass DMARC. This is "
        "permanent until the record is fixed.",
        "Fix the record as the detail says: one v=spf1 record, valid terms (RFC 7208 §12), "
        "every include: and redirect= naming a domain that has a record.",
    ),
    "spf_record.too_many_lookups": Text(
        "The SPF record of {domain} needs more than 10 DNS lookups: receivers give permerror.",
        "Evaluating the record for a sender it does not list needs more than the 10 "
        "DNS-querying terms RFC 7208 §4.6.4 allows ({terms}), nested includes counted. "
        "Receivers stop with permerror. This is permanent until the record changes.",
        "Flatten the record of {domain}: remove includes of platforms no longer used, replace"
        " a and mx by ip4:/ip6: ranges, or move some senders to a subdomain with its own "
        "record.",
    ),
    "spf_record.void_lookups": Text(
        "The SPF record of {domain} has more than 2 lookups that find nothing: receivers give"
        " permerror.",
        "RFC 7208 §4.6.4 allows at most 2 DNS-querying terms that answer NXDOMAIN or no "
        "records; the record of {domain} meets more ({voids}), likely services no longer in "
        "use. This is permanent until the record changes.",
        "Remove the terms naming {voids} from the record of {domain}.",
    ),
    "spf_record.temperror": Text(
        "The SPF record of {domain} could not be checked (temporary DNS failure).",
        "A lookup needed to evaluate the record of {domain} failed: {detail}. This is temporary.",
        "Check that the authoritative servers of {domain} and of the domains it includes "
        "answer, then check again.",
    ),
}

# Short texts of the reports (labels, headlines) and words that fill templates.
PHRASES: dict[str, str | Plural] = {
    "outcome.pass": "PASS",
    "outcome.fail": "FAIL",
    "outcome.temporary": "TEMPORARY FAILURE",
    "headline.pass": (
        "The signature of the sender's own domain {from_domain} (d={d}, s={s}) verifies."
    ),
    "headline.pass_headers": (
        "The header signature of the sender's own domain {from_domain} (d={d}, s={s}) "
        "verifies (the body was not given)."
    ),
    "headline.pass_dmarc": (
        "The signature of the sender's own domain {from_domain} (d={d}, s={s}) verifies, so "
        "the domain's DMARC policy ({policy}) is satisfied."
    ),
    "headline.fail": "No signature of the sender's domain {from_domain} passes.",
    "label.message": "Message",
    "label.from": "From",
    "label.subject": "Subject",
    "label.dmarc": "DMARC",
    "label.findings": "Findings",
    "label.fix": "Fix",
    "label.evidence": "Evidence",
    "label.route": "Route (oldest hop first)",
    "label.signature": "signature",
    "label.key": "key",
    "label.probe": "probe",
    "evidence.record": "record {n} ({size} bytes): {text}",
    "evidence.ttl": "ttl {ttl}",
    "evidence.from": "from {server}",
    "evidence.probe": "probe {kind}: {answer}",
    "label.signed_headers": "signed headers, canonicalised as verified",
    "label.detail": "detail",
    "label.none": "(none)",
    "permanence.true": "permanent",
    "permanence.false": "temporary",
    "col.class": "class",
    "col.result": "result",
    "col.reason": "reason",
    "col.body": "body bh=",
    "col.header": "header b=",
    "col.key": "key",
    "col.hop": "hop",
    "col.from": "from",
    "col.by": "by",
    "col.with": "with",
    "col.time": "time (UTC)",
    "col.delay": "delay",
    "dmarc.found": (
        "{record_domain} (p={p}, sp={sp}, adkim={adkim}): policy {policy} applies; DKIM {verdict}"
    ),
    "dmarc.none": "no record for {from_domain}",
    "dmarc.temperror": "lookup failed (temporary)",
    "dmarc.satisfied": "satisfies it",
    "dmarc.unsatisfied": "alone does not satisfy it",
    "dmarc.rotated": (
        "cannot be re-checked (the aligned signature passed at delivery; its key is likely "
        "rotated since)"
    ),
    "dmarc.receiver": ("; {receiver} recorded dmarc={dmarc} (spf={spf}, smtp.mailfrom={mailfrom})"),
    "recorded.authentication_results": (
        "in its own Authentication-Results field, trusted under this tool's trust rule: "
        "written by the final receiver above the sender's trace fields"
    ),
    "recorded.microsoft": (
        "in Microsoft 365's Authentication-Results field, which Microsoft writes without an "
        "authserv-id above the Received field where it accepted the message"
    ),
    "recorded.arc": (
        "in the ARC-Authentication-Results of set i={instance}, sealed by {sealer} in an ARC "
        "chain that verifies"
    ),
    "label.checked": "Checked",
    "clock.given": "as of {when} (--now)",
    "clock.system": "as of {when} (this machine's clock)",
    "clock.delivery": ("as of {when}, its delivery (the trusted receiver's Received field)"),
    "clock.system_fallback": (
        "as of {when} (this machine's clock: the message shows no trusted delivery time)"
    ),
    "mode.r": "relaxed",
    "mode.s": "strict",
    "alignment.r": "{from_domain} or in the same organizational domain",
    "alignment.s": "exactly {from_domain}",
    "state.true": "intact",
    "state.false": "broken too",
    "state.none": "not checked",
    "unknown.domain": "the sender's domain",
    "unknown.region": "(not stated in the headers)",
    "owner.list": "the list {list}",
    "unknown.server": "the resolver",
    "doctor.outcome.pass": "OK",
    "doctor.outcome.fail": "PROBLEM",
    "doctor.outcome.temporary": "TEMPORARY FAILURE",
    "doctor.state.pass": "usable key",
    "doctor.state.fail": "no usable key",
    "doctor.state.temporary": "DNS failed (temporary)",
    "doctor.headline": Plural(
        "DKIM DNS set-up of {domain}: {usable} of {total} selector with a usable key",
        "DKIM DNS set-up of {domain}: {usable} of {total} selectors with a usable key",
        "total",
    ),
    "doctor.common": "Common selectors tried: {count}; found: {found}",
    "doctor.authority": "Authoritative servers of {zone}: {servers}",
    "doctor.via.selector": "--selector",
    "doctor.via.ses_token": "--ses-token",
    "doctor.via.common": "common selector",
    "doctor.easy_dkim": "Easy DKIM: expects CNAME -> {target}",
    "doctor.end_of_chain": "{name}: {status} (end of chain)",
    "doctor.record": Plural(
        "record {i}: {count} string of {sizes} bytes",
        "record {i}: {count} strings of {sizes} bytes",
        "count",
    ),
    "doctor.key": "key",
    "doctor.key_unusable": "unusable ({detail})",
    "doctor.key_revoked": "revoked (empty p=)",
    "doctor.bits": "{bits} bits",
    "doctor.size_unknown": "size unknown",
    "doctor.flags": "flags",
    "doctor.any": "any",
    "doctor.unusable": "unusable: {detail}",
    "doctor.authoritative": "authoritative {server}: {state}",
    "doctor.no_answer": "no answer ({status})",
    "doctor.nothing": "nothing ({status})",
    "doctor.dmarc_found": (
        "DMARC: p={p}{sp}, adkim={adkim} ({mode} DKIM alignment); applies to {domain}: "
        "{policy}; found at _dmarc.{record_domain}"
    ),
    "doctor.dmarc_malformed": "DMARC: malformed record at {name}: {detail}",
    "doctor.dmarc_temperror": "DMARC: lookup failed (temporary DNS error)",
    "doctor.dmarc_none": "DMARC: no record",
    "doctor.domain": "Domain",
    "byodkim.ok": "OK",
    "byodkim.problem": "PROBLEM",
    "byodkim.kind.private": "private key",
    "byodkim.kind.public": "public key",
    "byodkim.what": "{type}{size} {kind} ({encoding}{form})",
    "byodkim.size": " {bits}-bit",
    "byodkim.selector": "Selector: {selector}",
    "byodkim.problems": "Problems",
    "byodkim.record": "Record to publish",
    "byodkim.name": "name",
    "byodkim.type": "type",
    "byodkim.value": "value",
    "byodkim.strings": (
        "As {count} strings of at most 255 bytes, for DNS consoles and zone files that need "
        "them split:"
    ),
    "byodkim.dns.true": "matches this key",
    "byodkim.dns.false": "is a different key",
    "byodkim.dns.none": "has no key to compare",
    "byodkim.dns": "DNS now: {name} {state}",
    "byodkim.console": ("Private key for the SES console (PKCS #1, one line). Keep it secret:"),
    "headline.rotated": (
        "The signature of the sender's own domain {from_domain} (d={d}, s={s}) passed at "
        "delivery, as {authserv} recorded; its key has likely been rotated since, so it "
        "cannot be checked again now."
    ),
    "outcome.rotated": "PASSED AT DELIVERY",
    "note.line_endings": (
        "Note: this file has {endings} line endings (a saved copy); the check used CRLF, as "
        "the message was sent (line_endings_converted)."
    ),
    "arc.none": "none",
    "summary.scanned": Plural(
        "Scanned {count} message in {seconds} s{rate}",
        "Scanned {count} messages in {seconds} s{rate}",
        "count",
    ),
    "summary.interrupted": Plural(
        "INTERRUPTED: scanned {count} message in {seconds} s{rate}",
        "INTERRUPTED: scanned {count} messages in {seconds} s{rate}",
        "count",
    ),
    "summary.rate": " ({rate} messages/s)",
    "summary.outcome": "outcome",
    "summary.messages": "messages",
    "summary.share": "share",
    "summary.meaning": "meaning",
    "summary.meaning.pass": "an author-aligned signature passes",
    "summary.meaning.fail": "no author-aligned signature passes",
    "summary.meaning.temporary": "only a temporary DNS failure stands in the way",
    "summary.meaning.error": "could not be analyzed",
    "summary.more": "... and {count} more (see --format csv)",
    "summary.by_signature": "Signatures by signing domain",
    "summary.signing_domain": "signing domain (d=)",
    "summary.classification": "classification",
    "summary.result": "result",
    "summary.signatures": "signatures",
    "summary.reasons": "Why signatures did not pass",
    "summary.reason": "reason",
    "summary.example": "example",
    "summary.from_unaligned": "From domains without a passing author-aligned signature",
    "summary.from_domain": "From domain",
    "summary.of": "of",
    "summary.dns_problems": "DNS problems by selector",
    "summary.key_name": "key name",
    "summary.status": "status",
    "summary.unreadable": "Inputs that could not be read",
    "summary.errors": "Messages that could not be analyzed",
    "summary.error": "error",
    "summary.arc": "ARC chains",
    "summary.arc_cv": "cv=",
    "summary.rotated": (
        "Signatures that passed at delivery whose key is likely rotated since: {count}"
    ),
    "summary.expired_hint": Plural(
        "{count} signature has expired (signature_expired): for archived mail, check it as of"
        " its delivery time with --now delivery.",
        "{count} signatures have expired (signature_expired): for archived mail, check them "
        "as of their delivery time with --now delivery.",
        "count",
    ),
    "permanence.suffix": " ({permanence})",
    "web.title": "DKIM diagnosis",
    "web.intro": (
        "Paste a message's header section or the whole message, or choose an .eml or mbox "
        "file. It is checked on this machine: nothing is stored or logged."
    ),
    "web.paste": "Headers or the whole message",
    "web.file": "Or choose an .eml or mbox file (or drop it here)",
    "web.headers_only": "Treat as headers only (ignore any body)",
    "web.submit": "Check",
    "web.language": "Language",
    "web.messages": "Messages",
    "web.col.number": "#",
    "web.col.source": "Source",
    "web.col.outcome": "Result",
    "web.open_report": "report",
    "web.copy_text": "Copy as text",
    "web.copied": "Copied to the clipboard.",
    "web.download_json": "Download JSON",
    "web.download_all": "Download JSON of every message",
    "web.text_report": "Text report",
    "web.headers_only_note": (
        "Headers only: no body was given, so no body hash (bh=) is checked; that is not a failure."
    ),
    "web.dmarc_view": "DMARC view of {domain}",
    "web.dmarc.no_domain": "No From domain to look up.",
    "web.dmarc.record": "Record",
    "web.dmarc.policy": "Policy",
    "web.dmarc.aligned_pass": "An aligned DKIM signature passes (signature {index}).",
    "web.dmarc.aligned_fail": "No aligned DKIM signature passes.",
    "web.dmarc.receiver": "Recorded at delivery by {receiver}: dmarc={dmarc}, spf={spf}",
    "web.signatures": "Signatures",
    "web.no_signatures": "The message has no DKIM-Signature field.",
    "web.cls.author": "author",
    "web.cls.provider": "provider",
    "web.cls.provider_benign": "provider (benign)",
    "web.cls.list": "mailing list",
    "web.cls.third_party": "third party",
    "web.body_hash": "Body hash (bh=)",
    "web.header_sig": "Header signature (b=)",
    "web.verdict.true": "verifies",
    "web.verdict.false": "does not verify",
    "web.verdict.none": "not checked",
    "web.key": "Key",
    "web.no_key": "no usable key",
    "web.evidence": "Key and DNS evidence",
    "web.dns.asked": "Asked",
    "web.dns.cname": "CNAME",
    "web.dns.status": "Status",
    "web.dns.answer": "Answer",
    "web.dns.server": "Server",
    "web.dns.none": "no record",
    "web.probes": "Probes",
    "web.signed_headers": "Signed header fields (h=)",
    "web.no_findings": "No findings.",
    "web.sev.error": "error",
    "web.sev.warning": "warning",
    "web.sev.info": "info",
    "web.changes": "What changed in transit",
    "web.received": "As received",
    "web.original": "As signed (recovered)",
    "web.proof.header": (
        "Proof: with this field as it was signed, the header signature (b=) of signature "
        "{index} verifies."
    ),
    "web.proof.body": (
        "Proof: with this change undone, the body hash (bh=) of signature {index} matches."
    ),
    "web.no_route": "The message has no Received fields.",
    "web.skew": "clock skew: this hop's clock is behind the previous one",
    "web.boundary": "trust boundary: the receiver took the message from outside here",
    "web.arc": "ARC sets: who saw what",
    "web.arc.seal": "seal",
    "web.arc.ams": "message signature",
    "web.arc.saw": "saw dkim=pass for",
    "web.arc.nothing": "nothing",
    "web.error.title": "The request was refused",
    "web.error.host": (
        "This server answers only to its own address. A page that reached it under another "
        "name (DNS rebinding) is refused."
    ),
    "web.error.origin": (
        "A form may be sent here only from this page itself (a request from another site, or "
        "without its origin, is refused)."
    ),
    "web.error.empty": (
        "Nothing was pasted or chosen: paste a message's headers, or choose a file."
    ),
    "web.error.not_found": "There is no such page.",
    "web.error.method": "That request method is not used here.",
    "web.error.too_large": "The message is larger than the limit of `check` (100 MiB).",
    "web.error.form": "Expected the page's form.",
    "web.error.not_a_message": "This is not an email message.",
    "web.error.other": "The request could not be handled.",
    "web.back": "Back to the form",
    "web.scan.title": "DKIM scan report",
    "web.scan.summary": "Summary",
    "web.scan.by_domain": "Results by signing domain and classification",
    "web.scan.reasons_by_month": "Failure reasons over time (by the messages' Date)",
    "web.scan.dns_by_selector": "DNS problems by selector",
    "web.scan.messages": "{count} messages",
    "web.scan.no_date": "no date",
    "web.scan.none": "None.",
    "dmarc.action.none": "deliver it as usual (p=none asks for nothing)",
    "dmarc.action.quarantine": "treat it as suspicious (the spam folder)",
    "dmarc.action.reject": "refuse it",
    "dmarc.note.testing": (
        " The record says t=y (testing): the owner asks receivers not to apply p={policy} "
        "yet, and many apply a policy one level less strict."
    ),
    "dmarc.note.pct": (
        " The record says pct={pct} (RFC 7489; RFC 9989 removed it): the policy is applied to"
        " {pct}% of failing mail, the rest gets one level less."
    ),
    "dmarc.note.psl": (
        " The public suffix list (RFC 7489) gives another organizational domain, {psl}, where"
        " the RFC 9989 tree walk gives {org}: receivers that still use the list may judge "
        "alignment differently."
    ),
}
