"""The catalogue: every reason and finding code -> plain words and a remedy.

All prose lives here (renderers never invent any), keyed by language so it can
be translated. Templates name what they speak of through fields: {d} and {s}
(the signature's domain and selector), {key} (the DNS name of its key),
{detail}, {server}, {provider}, {from_domain}, {bits}, and the fields each
finding adds (diagnose.py says which).

A key is a finding code, or `code.variant` when one code reads differently in
one situation (the finding keeps the code; only the words change). PHRASES holds
the short texts of the text report (labels, the headline). Every language
must have every key of the English catalogue (tests/test_explain.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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
        "The signature (d={d}, s={s}) fails: the body was changed after signing.",
        "The body hash in bh= no longer matches the message body, so something between the "
        "sender and the receiver altered the body (a footer, a banner, re-encoding, line "
        "endings). The header signature is {header_state}. This is permanent for this message.",
        "Find what rewrites the body after signing: a mailing list, an antivirus or "
        "disclaimer gateway, or a relay that re-encodes. Sign after those steps, or have "
        "them leave the body alone.",
        True,
    ),
    "signature_mismatch": Text(
        "The signature (d={d}, s={s}) fails: a signed header was changed, or the key does "
        "not match.",
        "The header signature in b= does not verify with the key published at {key}. "
        "Either a header listed in h= was changed in transit (a subject tag, a re-folded "
        "header), or the message was signed with a private key that does not belong to this "
        "public key. This is permanent for this message.",
        "If every message from this signer fails, compare the private key the sending "
        "system uses with the public key at {key}. If only some do, look for a relay that "
        "edits signed headers.",
        True,
    ),
    "key_not_found": Text(
        "The signature (d={d}, s={s}) cannot be checked: there is no key at {key}.",
        "DNS says {detail}. Receivers look for the public key at exactly {key}; without "
        "it no receiver can verify this signature. This is permanent until the key is "
        "published.",
        "Publish the key record (TXT, or the CNAME your provider gave you) at {key}, "
        "exactly under that name. If you rotated keys, keep the old selector published "
        "until mail signed with it has been delivered.",
        True,
    ),
    "key_not_found.no_domainkey": Text(
        "The signature (d={d}, s={s}) cannot be checked: {d} publishes no DKIM key at all.",
        "There is no key at {key}, and the name _domainkey.{d} does not exist either, so "
        "no selector of any name is published under {d}. DKIM has likely never been set up "
        "in the DNS of {d} (or the records were published in another DNS zone than the "
        "one the world sees). This is permanent until a key is published.",
        "Publish the key record your signing system gave you at {key}, in the DNS zone that "
        "is actually authoritative for {d} (check the NS records at your registrar).",
        True,
    ),
    "key_not_found.domain_gone": Text(
        "The signature (d={d}, s={s}) cannot be checked: {d} itself does not resolve at {server}.",
        "There is no key at {key}, but {server} also answers NXDOMAIN for {d} itself (its "
        "SOA), while its top-level domain resolves. So this says nothing about the keys of "
        "{d}: either the domain no longer exists (expired or deleted, possible for old "
        "mail), or the answers of {server} are incomplete (a zone file without it, a "
        "filtering resolver). Permanent only if the domain is really gone.",
        "Ask another resolver (--nameserver 1.1.1.1, say) for {d} before concluding; if it "
        "does not exist there either, the signature can no longer be checked.",
        None,
    ),
    "key_not_found.sealer_saw_pass": Text(
        "The signature (d={d}, s={s}) cannot be checked now: there is no key at {key}; "
        "{sealer} recorded that it passed.",
        "DNS says {detail}. When the message passed through {sealer}, its ARC set i={instance} "
        "(which verifies) recorded dkim=pass for this signature: the key likely existed then "
        "and was removed since, as is normal for old mail. {sealer} is neither the final "
        "receiver nor {d}, so this rests on trusting {sealer}'s record (README, \"The trust "
        'rule"). This is permanent for this message.',
        "Nothing to do for an old message. If the message is recent, the key is missing from "
        "the DNS of {d}: publish it at {key}.",
        True,
    ),
    "key_not_found.domain_unreliable": Text(
        "The signature (d={d}, s={s}) cannot be checked: the DNS answers here look unreliable.",
        "There is no key at {key}, but {server} also answers NXDOMAIN for {d} itself and even "
        "for its top-level domain, which a working resolver finds. The answers are likely "
        "not facts about {d}: an offline machine, a broken or captive resolver, or a zone "
        "file that holds none of it. This is likely temporary: a question for the resolver, "
        "not for the signer.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
        False,
    ),
    "key_revoked": Text(
        "The key for d={d}, s={s} has been revoked (empty p=).",
        "The record at {key} has an empty p= tag, which RFC 6376 defines as a revoked key. "
        "Signatures made with this selector can never verify: this is permanent.",
        "If this selector is still in use, publish its current public key; otherwise make "
        "the sending system sign with a selector that has one.",
        True,
    ),
    "key_syntax": Text(
        "The key record for d={d}, s={s} is malformed.",
        "The TXT record at {key} is not a valid DKIM key record: {detail}. Every receiver "
        "will reject it, permanently, until it is corrected.",
        "Re-publish the record exactly as your provider or key tool printed it: "
        "`v=DKIM1; k=rsa; p=<base64 public key>` on one logical line, with no quotes, "
        "PEM header/footer lines or line breaks inside the value.",
        True,
    ),
    "key_too_short": Text(
        "The key for d={d}, s={s} is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits; receivers ignore the "
        "signature, permanently. {detail}.",
        "Generate a 2048-bit RSA key, publish it under a new selector and sign with it.",
        True,
    ),
    "key_too_long": Text(
        "The key for d={d}, s={s} is larger than this tool will use.",
        "The key at {key} is {detail}. Verifying with it would cost more than any "
        "receiver is willing to spend; most receivers refuse such keys too (permanent).",
        "Use a 2048-bit RSA key (or Ed25519 alongside RSA).",
        True,
    ),
    "key_type_mismatch": Text(
        "The key for d={d}, s={s} is of the wrong type for the signature.",
        "{detail}. The key published at {key} cannot verify a signature made with another "
        "algorithm: this is permanent.",
        "Publish the matching key type under this selector, or sign with the algorithm "
        "the published key is for.",
        True,
    ),
    "key_hash_not_allowed": Text(
        "The key for d={d}, s={s} does not allow the signature's hash algorithm.",
        "{detail} (the h= tag of the record at {key}). This is permanent until the record changes.",
        "Remove the h= tag from the key record, or make it include sha256.",
        True,
    ),
    "key_service_mismatch": Text(
        "The key for d={d}, s={s} is not meant for email.",
        "{detail} (the s= tag of the record at {key}). This is permanent until the record changes.",
        "Remove the s= tag from the key record, or set it to `email` or `*`.",
        True,
    ),
    "key_strict_identity": Text(
        "The key for d={d}, s={s} forbids this signature's identity.",
        "{detail}: RFC 6376 §3.6.1 says such a key only signs for i= exactly in d=. "
        "This is permanent for this message.",
        "Remove t=s from the key record, or sign with i= in {d} itself.",
        True,
    ),
    "dns_servfail": Text(
        "The key for d={d}, s={s} could not be fetched: the DNS server failed (SERVFAIL).",
        "{detail}. This is a temporary failure of DNS, not a verdict on the signature; "
        "receivers that meet it defer the message or treat the result as a temporary error.",
        "Query {key} (TXT) against each of your domain's authoritative servers. If the name "
        "is a CNAME, check that the server answers TXT queries through it.",
        False,
    ),
    "dns_timeout": Text(
        "The key for d={d}, s={s} could not be fetched: DNS did not answer in time.",
        "{detail}. A timeout is temporary: the signature may verify when DNS answers.",
        "Check that your domain's authoritative servers answer for {key}, then retry "
        "(a longer --timeout helps on slow links).",
        False,
    ),
    "dns_error": Text(
        "The key for d={d}, s={s} could not be fetched: a DNS error.",
        "{detail}. This is temporary as far as this tool can tell.",
        "Retry later, or with another --nameserver.",
        False,
    ),
    "signature_syntax": Text(
        "The signature (d={d}, s={s}) is malformed: {detail}.",
        "RFC 6376 requires this signature to be rejected before any key is fetched "
        "(tag {tag}). It cannot verify, whatever DNS says: this is permanent.",
        "Fix the signing software or its configuration: it writes an invalid "
        "DKIM-Signature header.",
        True,
    ),
    "signature_expired": Text(
        "The signature (d={d}, s={s}) has expired: x= ended it on {expires}.",
        "The signer gave this signature an expiry time (x=, {expires}); receivers ignore a "
        "signature after it, permanently. It was made on {signed}. For old mail this is "
        "expected unless it was checked as of its delivery (--now delivery, the default, uses the "
        "trusted receiver's Received date when the message has one).",
        "If fresh mail arrives expired, the signer's x= is too short or its clock is wrong: "
        "allow at least several days.",
        True,
    ),
    "signature_future": Text(
        "The signature (d={d}, s={s}) claims to have been made in the future ({signed}).",
        "Its t= time lies after the time it was checked. The signer's clock is likely "
        "wrong; receivers may ignore such a signature. This stays so for this message "
        "(permanent).",
        "Fix the clock of the signing host (NTP).",
        True,
    ),
    "weak_algorithm": Text(
        "The signature (d={d}, s={s}) uses rsa-sha1, which receivers no longer accept.",
        "{detail}. SHA-1 signatures are not valid under RFC 8301, whatever the key: "
        "a permanent failure.",
        "Configure the signer to use rsa-sha256 (and optionally ed25519-sha256 as well).",
        True,
    ),
    "from_not_signed": Text(
        "The signature (d={d}, s={s}) does not cover the From header.",
        "RFC 6376 requires the From field in h=; a signature without it is invalid (permanent).",
        "Configure the signer to include From in the signed headers.",
        True,
    ),
    "identity_mismatch": Text(
        "The signature (d={d}, s={s}) has an identity outside its domain.",
        "{detail}: the i= domain must be d= or a subdomain of it (RFC 6376 §3.5). "
        "This is permanent.",
        "Configure the signer so that i= (the agent or user identifier) is within {d}, "
        "or leave i= out.",
        True,
    ),
    "body_unavailable": Text(
        "The header signature (d={d}, s={s}) verifies; the body was not given.",
        "Only headers were supplied, so the body hash could not be checked. The headers "
        "that {d} signed are intact as far as they go.",
        "To check the body too, give the whole message (for Gmail: Show original, "
        "Download original).",
        None,
    ),
    "too_many_signatures": Text(
        "Signature {index} (d={d}, s={s}) was not verified: the message has too many signatures.",
        "{detail}. Checking them all would cost more than any receiver spends.",
        "Nothing to fix unless a legitimate signer adds that many signatures.",
        None,
    ),
    # --- findings that are not a single signature's reason ---
    "no_signatures": Text(
        "The message carries no DKIM signature at all.",
        "Nothing in the message was signed, so receivers cannot tie it to {from_domain} "
        "through DKIM; DMARC then depends on SPF alone. This stays so for this message "
        "(permanent).",
        "Enable DKIM signing for {from_domain} on the system that sends this mail, and "
        "publish its key in DNS.",
        True,
    ),
    "author_signature_missing": Text(
        "No signature is from the sender's own domain ({from_domain}).",
        "Only other domains signed this message ({signers}), so DKIM does not align with "
        "the From domain {from_domain} and gives DMARC nothing to pass on. This is "
        "permanent for this message.",
        "Set up DKIM for {from_domain} on the sending platform (a custom signing domain), "
        "so that it signs with d={from_domain} or a subdomain of it.",
        True,
    ),
    "author_signature_missing.ses": Text(
        "Amazon SES did not sign this message for your domain {from_domain}: only its own "
        "signature ({signers}) is there.",
        "The message was sent through Amazon SES from region {region}, and SES signs with "
        "d=amazonses.com on its own, but with your domain only when DKIM is set up and "
        "enabled for the identity that sent it. Likely causes: DKIM is not enabled for that "
        "identity; the message was sent from an email address you verified on its own, "
        "whose settings override the domain's (a verified address does not inherit the "
        "domain's DKIM); or DKIM was set up in another region or AWS account than the one "
        "that sent this message (each region and account needs its own set-up); or SES "
        "turned signing off for that region and account after it stopped finding your DKIM "
        "records in DNS (it tells you so by email). This is permanent for this message.",
        "In the SES console of region {region} and of the account that sent this, open the "
        "identity {from_domain}: make sure DKIM is enabled and verified. If the sender "
        "address is also listed as an identity of its own, delete that address identity "
        "(it then follows the domain) or enable DKIM on it. If you send from several "
        "regions or accounts, set up DKIM in each and publish every CNAME record they give.",
        True,
    ),
    "author_signature_missing.list": Text(
        "The mailing list {list} re-signed this message (d={list_d}); no signature of "
        "{from_domain} is left: the list likely removed or broke the author's.",
        "The message was redistributed by the list {list} (its header fields show it), and the "
        "only signatures on it now are other domains' ({signers}), the list's own among them. "
        "Lists that change a message (a subject tag, a footer, re-encoding) break the author's "
        "signature, and some then remove it and sign as themselves; either way what arrived "
        "is the list's message, not the one {from_domain} signed. This does not show that "
        "{from_domain}'s own DKIM is wrong. The list's signature does not align with "
        "{from_domain}, so DMARC gets nothing from DKIM: permanent for this message.",
        "For the list owner: ARC-seal the messages the list forwards (RFC 8617), so receivers "
        "can see that the author's signature passed when the list received it; for authors "
        "whose domain publishes DMARC p=quarantine or p=reject, apply DMARC mitigation (rewrite "
        "From to the list's address, 'Name via List'; Mailman: dmarc_moderation_action = Munge "
        "From); or stop modifying messages (no subject tag or footer) and keep the author's "
        "signature instead of removing it. For the author ({from_domain}): check a message you "
        "sent directly, not through the list; with p=reject, delivery of your list mail "
        "depends on the list's mitigation.",
        True,
    ),
    "author_signature_missing.google_workspace": Text(
        "Google signed this message with its own domain ({signers}), not with {from_domain}: "
        "DKIM for {from_domain} is likely not turned on in Google Workspace.",
        "Google Workspace signs the mail of a domain with d=<domain>.<date>.gappssmtp.com "
        "(Google's own services with d=google.com) until DKIM is set up and started for the "
        "domain itself. That signature is not aligned with {from_domain}, so DMARC gets nothing "
        "from DKIM. This is permanent for this message.",
        "In the Google Admin console open Apps > Google Workspace > Gmail > Authenticate email, "
        "select {from_domain} and generate a new record (2048-bit, selector prefix `google`). "
        "Publish the TXT record it shows at google._domainkey.{from_domain}, wait until DNS "
        "answers with it (up to 48 hours), then click Start authentication: Gmail then signs "
        "with d={from_domain}.",
        True,
    ),
    "author_signature_missing.microsoft365": Text(
        "Microsoft 365 signed this message with the tenant's default domain ({signers}), not "
        "with {from_domain}: DKIM for {from_domain} is likely not enabled.",
        "Microsoft 365 signs outgoing mail with d=<tenant>.onmicrosoft.com until DKIM signing "
        "is enabled for the custom domain. That signature is not aligned with {from_domain}, "
        "so DMARC gets nothing from DKIM. This is permanent for this message.",
        "In the Microsoft Defender portal open Email & collaboration > Policies & rules > "
        "Threat policies > Email authentication settings > DKIM and select {from_domain}. "
        "Publish the two CNAME records it shows (selector1._domainkey.{from_domain} and "
        "selector2._domainkey.{from_domain}, pointing to the names given there), then turn on "
        "'Sign messages for this domain with DKIM signatures' (PowerShell: "
        "Set-DkimSigningConfig -Identity {from_domain} -Enabled $true).",
        True,
    ),
    "author_signature_missing.provider": Text(
        "Only {provider}'s own signature is on this message ({signers}): nothing signed it as "
        "{from_domain}.",
        "{provider} signs the mail it sends with its own domain, automatically; it signs with "
        "{from_domain} only once its custom-domain authentication (often called domain "
        "authentication or custom DKIM) is set up for {from_domain}. Without it DKIM does not "
        "align with the From domain and gives DMARC nothing. This is permanent for this message.",
        "In {provider}'s settings set up DKIM (domain authentication) for {from_domain} and "
        "publish the records it gives you under {from_domain}; it then signs with "
        "d={from_domain}.",
        True,
    ),
    # --- a platform's or a list's own signature: its owner's business, not the author's ---
    "key_not_found.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) is gone: likely rotated since this "
        "message was sent, or a problem at {owner}.",
        "DNS says {detail}. This signature is {owner}'s, made with its own domain {d}; {owner} "
        "publishes and rotates its keys itself, and for old mail a selector that no longer "
        "answers is expected. It does not count for DMARC of {from_domain} either way. This is "
        "permanent for this message.",
        "Nothing for you to publish: {key} is {owner}'s DNS name, not yours. If this is fresh "
        "mail and the key is still missing, it is {owner}'s problem to fix: tell them.",
        True,
    ),
    "key_revoked.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) has been revoked (empty p=).",
        "The record at {key} has an empty p= tag: {owner} has retired this selector, likely "
        "rotated to a new key since this message was sent, which is normal for old mail. It "
        "does not count for DMARC of {from_domain}. This is permanent for this message.",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
        True,
    ),
    "key_syntax.signer": Text(
        "The key record of {owner}'s own signature (d={d}, s={s}) is malformed.",
        "The TXT record at {key} is not a valid DKIM key record: {detail}. It is {owner}'s "
        "record under its own domain; the signature does not count for DMARC of {from_domain} "
        "either way. This is permanent until {owner} corrects it.",
        "Nothing for you to publish: {key} is {owner}'s DNS name. If it persists on fresh "
        "mail, tell {owner}.",
        True,
    ),
    "key_too_short.signer": Text(
        "The key of {owner}'s own signature (d={d}, s={s}) is too short to be trusted "
        "({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits, so receivers ignore this "
        "signature. The key is {owner}'s, under its own domain {d}; the signature does not "
        "count for DMARC of {from_domain}. This is permanent until {owner} replaces the key.",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
        True,
    ),
    "weak_algorithm.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) uses rsa-sha1, which receivers no longer accept.",
        "{detail}. SHA-1 signatures are not valid under RFC 8301. {owner} chose how to sign "
        "with its own domain {d}; the signature does not count for DMARC of {from_domain} "
        "either way. This is permanent for this message.",
        "Nothing for you to change: how {owner} signs with {d} is {owner}'s business. Look at "
        "the signature of your own domain instead.",
        True,
    ),
    "weak_key.signer": Text(
        "{owner}'s key for its own signature (d={d}, s={s}) is {bits}-bit RSA: still "
        "accepted, but weak.",
        "1024-bit RSA keys still verify, but they are considered breakable. This key is "
        "{owner}'s, under its own domain {d}: replacing it is up to {owner}. This lasts until "
        "{owner} replaces it (permanent).",
        "Nothing for you to do: {key} is {owner}'s key, not yours.",
        True,
    ),
    "body_hash_mismatch.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) fails: the body was changed after {owner} "
        "signed it.",
        "The body hash in bh= no longer matches the body, so something after {owner} altered "
        "it (a list footer, a banner, re-encoding, line endings). The header signature is "
        "{header_state}. This signature does not count for DMARC of {from_domain}; what changed "
        "the body likely broke any other signature on it too. This is permanent for this "
        "message.",
        "Nothing to fix at {owner}: look for what rewrote the body after it was sent (the "
        "other findings say what changed) and have it leave the body alone.",
        True,
    ),
    "signature_mismatch.signer": Text(
        "{owner}'s own signature (d={d}, s={s}) fails: a signed header was changed, or the "
        "key no longer matches.",
        "The header signature in b= does not verify with the key at {key}. Either a header "
        "listed in h= was changed after {owner} signed (a subject tag, a re-folded header), "
        "or {owner} has likely replaced the key under this selector since. The signature does "
        "not count for DMARC of {from_domain}. This is permanent for this message.",
        "Nothing for you to publish: {key} is {owner}'s key. If headers were changed in "
        "transit, look for the relay or list that edits them.",
        True,
    ),
    "provider_signature": Text(
        "{provider} added its own signature (d={d}, s={s}): this is normal.",
        "{provider} signs the mail it sends with its own domain {d}, automatically. "
        "It needs no action, and it does not count for DMARC, which looks for a signature "
        "of {from_domain}.",
        "Nothing to do.",
        None,
    ),
    "provider_signature.beside_author": Text(
        "{provider} added its own signature (d={d}, s={s}) beside yours: this is normal.",
        "{provider} signs the mail it sends with its own domain {d}, automatically, so the "
        "message carries two signatures. Ignore this one: the one that counts for DMARC is "
        "your domain's (d={author_d}, s={author_s}), because only it is aligned with the "
        "From domain {from_domain}.",
        "Nothing to do about d={d}; watch the result of d={author_d}.",
        None,
    ),
    "weak_key": Text(
        "The key for d={d}, s={s} is {bits}-bit RSA: still accepted, but weak.",
        "1024-bit RSA keys still verify, but they are considered breakable and some "
        "receivers are starting to distrust them. This does not go away by itself "
        "(permanent until the key is replaced).",
        "Generate a 2048-bit key, publish it under a new selector, switch the signer to it, "
        "and retire this selector once mail signed with it has been delivered.",
        True,
    ),
    "key_testing_mode": Text(
        "The key for d={d}, s={s} is in testing mode (t=y).",
        "With t=y receivers must not treat a failing signature any differently from an "
        "unsigned message, so DKIM gives no protection yet. This lasts until the flag is "
        "removed (permanent).",
        "When signing works, remove t=y from the record at {key}.",
        True,
    ),
    "multiple_key_records": Text(
        "There are {count} TXT records at {key} (d={d}, s={s}).",
        "A selector should hold exactly one key record. Receivers may pick any of them, "
        "so signatures can fail at some receivers and pass at others. This lasts until the "
        "extra records are removed (permanent).",
        "Delete every record at {key} but the current key.",
        True,
    ),
    "body_length_limit": Text(
        "The signature (d={d}, s={s}) covers only part of the body (l={length}).",
        "The body has {body_bytes} bytes as received; the signature covers the first "
        "{length} after canonicalisation. Anything after that can be added by anyone "
        "without breaking the signature. This is how the signer signs (permanent).",
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
    # --- DNS forensics: what the probes found when the key was not usable ---
    "dns_name_doubled": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at {published} "
        "— your DNS provider appended the domain.",
        "Receivers look for the key at {key}, where there is none, but the same selector "
        "answers at {published}: the domain name appears twice. Many DNS providers add the "
        "zone's name to whatever is typed in the Name field, so entering the full name "
        "{key} likely produced {published}. This is permanent until the record is fixed.",
        "Edit the record at your DNS provider and enter only `{s}._domainkey` as its name "
        "(the provider adds {d} itself), or end the name with a dot if the provider allows "
        "it. Then check that {key} answers with the key.",
        True,
    ),
    "cname_target_missing": Text(
        "Your domain's signature (d={d}, s={s}) fails: {key} is a CNAME to {target}, "
        "which has no key.",
        "The selector is delegated by a CNAME record, but the name it points to does not "
        "hold a key ({status}). Likely the target was removed or renamed by whoever runs "
        "it, or the CNAME was copied wrongly. This is permanent until it is fixed.",
        "Find out from the service that gave you the CNAME which name it should point to, "
        "and correct the record at {key}.",
        True,
    ),
    "cname_target_missing.provider": Text(
        "Your domain's signature (d={d}, s={s}) fails: {key} points to {provider}'s "
        "{target}, which has no key.",
        "The selector is a CNAME to a key that {provider} publishes for you, as its "
        "automatic DKIM set-up (Easy DKIM for Amazon SES) asks, but {provider} no longer "
        "publishes a key there ({status}). Likely the DKIM set-up for {d} at {provider} "
        "was removed, was revoked (providers revoke it when they stop finding your CNAME "
        "records in DNS for a while), is still pending, or belongs to another region or "
        "account whose records point elsewhere. This is permanent until the set-up is "
        "restored.",
        "In the {provider} console, open the domain {d} and look at its DKIM status. If it "
        "is revoked or the domain was removed, restart the DKIM set-up from the beginning "
        "and publish every CNAME record it gives you (they change with each set-up); if it "
        "is pending, publish the records exactly as shown (check that your DNS provider did "
        "not append the domain to their names) and allow up to 72 hours for verification.",
        True,
    ),
    "key_at_other_domain": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at "
        "{published}, not at {key}.",
        "The signature names d={d}, so receivers look only at {key}. The same selector "
        "has a key at {published}, under the organizational domain: the signer likely "
        "uses a subdomain as d= while the key was published for the parent domain (or "
        "the reverse). This is permanent until d= and the key's place agree.",
        "Either publish the key at {key} as well, or configure the signer to sign with "
        "the domain the key is published under.",
        True,
    ),
    "key_at_other_domain.from": Text(
        "Your domain's signature (d={d}, s={s}) fails: its key is published at "
        "{published}, not at {key}.",
        "The signature names d={d}, so receivers look only at {key}. The same selector "
        "has a key at {published}, under the From domain {from_domain}: the signer likely "
        "signs with another domain than the one the key was set up for. This is permanent "
        "until d= and the key's place agree.",
        "Configure the signer to sign with d={from_domain}, or publish the key at {key}.",
        True,
    ),
    "dns_temporary": Text(
        "The key for d={d}, s={s} could not be fetched: DNS failed temporarily ({status}).",
        "The lookup of {key} ended in {status} from {server}. That is a failure of DNS, "
        "not a verdict on the signature: it is temporary, and receivers that meet it defer "
        "the message or report a temporary error.",
        "Query {key} (TXT) at each authoritative server of {d}; if one of them fails, fix "
        "or replace it. Then check again.",
        False,
    ),
    "dns_temporary.cname": Text(
        "The key for d={d}, s={s} could not be fetched: the CNAME at {key} answers, but the "
        "TXT query through it fails ({status}).",
        "Asked for the CNAME, {server} answers {key} -> {target}; asked for the TXT record "
        "that receivers need, it fails with {status}. Receivers only ever ask for TXT, so "
        "to them the key is unreachable. Some DNS providers cannot answer a TXT query by "
        "following a CNAME; this one likely cannot. The failure is temporary in form, but "
        "it will likely repeat until the DNS host is fixed.",
        "Ask your DNS provider to answer TXT queries for names that are CNAMEs, as the DNS "
        "standard requires; if it cannot, move the zone of {d} to a DNS host that does "
        "(for mail sent through Amazon SES, Route 53 is the host Amazon suggests).",
        False,
    ),
    "dns_temporary.budget": Text(
        "The key for d={d}, s={s} was not fetched: this message's DNS budget was spent.",
        "{detail}. Earlier lookups of this message took the time or the number of lookups "
        "this tool allows one message (README, Limits), so {key} was not asked. Nothing is "
        "known about the key: this is temporary, not a verdict on the signature.",
        "Check again later, or with a faster --nameserver; if the DNS servers of {d} answer "
        "slowly or send CNAME chains and truncated answers, fix them.",
        False,
    ),
    "dns_budget_exhausted": Text(
        "This message's DNS budget was spent: {skipped} lookups were not made.",
        "A message may use {lookups} DNS lookups and {seconds} seconds of DNS in all "
        "(README, Limits); {asked} lookups were made before the budget ran out, so the "
        "results that needed the others are temporary, not verdicts. A server that answers "
        "every query just before the timeout, or long CNAME chains, use up the budget.",
        "Check again later or with a faster --nameserver; look at the DNS evidence (-v) for "
        "the server that answers slowly.",
        False,
    ),
    "local_resource_limit": Text(
        "The key for d={d}, s={s} could not be fetched: this machine ran out of a resource.",
        "{detail}. No DNS server was asked and none is to blame: the limit is local "
        "(open files, memory). This is temporary: the signature may verify once the limit "
        "is raised or fewer things run at once.",
        "Raise the open-file limit (`ulimit -n`), run fewer --jobs, or free memory, then "
        "check again.",
        False,
    ),
    "key_rotated": Text(
        "The signature (d={d}, s={s}) passed at delivery, but its key is gone now: likely "
        "rotated after delivery, which is normal for old mail.",
        "{authserv} recorded dkim=pass for this signature when the message arrived ({how}). "
        "Today {key} holds no usable key, so the signature cannot be re-checked. "
        "The signer has likely rotated or removed the key since, as it should. This is "
        "permanent, and harmless for a message already delivered.",
        "Nothing to do for this message. For mail still in transit, keep old selectors "
        "published for a few days after switching to a new key.",
        True,
    ),
    "key_rotated.replaced": Text(
        "The signature (d={d}, s={s}) passed at delivery, but no longer verifies: likely "
        "its key was replaced after delivery.",
        "{authserv} recorded dkim=pass for this signature when the message arrived ({how}), "
        "and the body still matches, but the header signature does not verify "
        "with the key now published at {key}. Likely a new key was published under the "
        "same selector after delivery. This is permanent, and harmless for a message "
        "already delivered.",
        "Nothing to do for this message. When rotating keys, use a new selector for the new "
        "key rather than replacing the key under an old one.",
        True,
    ),
    # --- DMARC: what the From domain's policy asks of DKIM ---
    "dmarc_alignment": Text(
        "DKIM satisfies the DMARC policy of {from_domain} (policy: {policy}): d={d}, s={s} passes "
        "and is aligned ({mode}).",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. DMARC passes when one "
        "aligned signature passes, and d={d}, s={s} does, whatever SPF says.",
        "Nothing to do.",
        None,
    ),
    "dmarc_alignment.fail": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}): no "
        "aligned signature passes.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. Through DKIM, DMARC needs a "
        "passing signature whose d= is {alignment_rule}, and this message has none. DMARC "
        "also passes when SPF passes for an aligned MAIL FROM domain, which this tool does "
        "not evaluate and no trusted receiver's record shows: unless SPF passes and aligns, "
        "receivers apply p={policy}. This is permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings for why "
        "its signature is missing or failing).",
        True,
    ),
    "dmarc_alignment.receiver_pass": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), but "
        "the receiver {receiver} recorded dmarc=pass.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes today, so DKIM alone does not satisfy p={policy}. The "
        "receiver {receiver} recorded dmarc=pass when the message arrived, with "
        "spf={receiver_spf} for the MAIL FROM {mailfrom}: it passed DMARC through SPF. SPF "
        "does not survive forwarding, so forwarded copies and list mail likely fail DMARC "
        "until an aligned signature passes. This is permanent for this message.",
        "Nothing to do for this message. Make the sending system sign with d={from_domain} "
        "(see the other findings), so that DMARC does not rest on SPF alone.",
        True,
    ),
    "dmarc_alignment.receiver_fail": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), and "
        "the receiver {receiver} recorded dmarc={receiver_dmarc}.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes, so DKIM alone does not satisfy p={policy}, and the "
        "receiver {receiver} recorded dmarc={receiver_dmarc} (spf={receiver_spf}, MAIL FROM "
        "{mailfrom}) when the message arrived: SPF did not make up for it there. This is "
        "permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings for why "
        "its signature is missing or failing).",
        True,
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
        True,
    ),
    "dmarc_alignment.strict": Text(
        "DKIM does not satisfy the DMARC policy of {from_domain}: adkim=s needs d= to be "
        "exactly {from_domain}.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim=s) asks for strict "
        "alignment, and the passing signature d={d}, s={s} is only in the same "
        "organizational domain, not the same domain. For this message the policy is "
        "{policy}; unless SPF passes and aligns strictly, receivers apply it. This is "
        "permanent for this message.",
        "Sign with d={from_domain} exactly, or relax the policy to adkim=r if signing with "
        "the parent domain is intended.",
        True,
    ),
    "dmarc_alignment.none": Text(
        "{from_domain} publishes no DMARC record.",
        "No DMARC record was found ({looked_up}: asked for the From domain and its "
        "organizational domain), so receivers apply no DMARC policy to this domain, and "
        "large mailbox providers expect bulk senders to have one. This lasts until a record is published (permanent).",
        "Publish a TXT record at _dmarc.{org_domain}, starting with "
        "`v=DMARC1; p=none; rua=mailto:<address>` to collect reports, then tighten p= once "
        "the reports show all your mail passes.",
        True,
    ),
    "dmarc_alignment.temp": Text(
        "The DMARC record of {from_domain} could not be fetched (temporary DNS failure).",
        "The lookup of {dmarc_name} failed ({status}). Receivers that meet this treat DMARC "
        "as a temporary error. This is temporary.",
        "Check that the authoritative servers of {from_domain} answer for {dmarc_name}, "
        "then check again.",
        False,
    ),
    "dmarc_alignment.gone": Text(
        "No DMARC record was found, but {from_domain} itself does not resolve at {server}.",
        "The lookups ({looked_up}) answered NXDOMAIN, and so did {from_domain} itself, while "
        "its top-level domain resolves: either {from_domain} no longer exists, or the answers "
        "of {server} are incomplete (a zone file without it, a filtering resolver). Whether "
        "it has a DMARC record cannot be told from here.",
        "Ask another resolver (--nameserver) for {from_domain} before concluding anything "
        "about its DMARC policy.",
        None,
    ),
    "dmarc_alignment.unreliable": Text(
        "The DMARC policy of {from_domain} is unknown: the DNS answers here look unreliable.",
        "The lookups ({looked_up}) answered NXDOMAIN for the From domain and even for its "
        "top-level domain, which a working resolver finds. The answers of {server} are "
        "likely not facts about {from_domain} (an offline machine, a broken or captive "
        'resolver, or a zone file that holds none of it), so "no record" is not a fact. '
        "This is likely temporary.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
        False,
    ),
    # --- dns doctor and BYODKIM (issue 6) ---
    # `dkim-analyzer dns`: fields {d} {s} {key} as above, plus {target}, {expected},
    # {doubled}, {servers}, {having}, {total}, {count}, {ttl}, {status}. Entries named
    # "code.variant" are wordings of an existing code for a check made without a message.
    "key_not_found.nxdomain": Text(
        "There is no DKIM key (d={d}, s={s}) at {key}: the name does not exist.",
        "DNS answered NXDOMAIN: nothing at all is published at {key}, so a receiver "
        "checking mail signed with s={s} finds no key. This is permanent until the record "
        "is published.",
        "Publish the record (the TXT key, or the CNAME your provider gave you) at {key}. "
        "Many DNS consoles want only the part before your domain "
        "({s}._domainkey) in the name field.",
        True,
    ),
    "key_not_found.nodata": Text(
        "There is no DKIM key (d={d}, s={s}) at {key}: the name exists but holds no TXT record.",
        "DNS answered that {key} exists but has no TXT record (NODATA): something else "
        "is published there, or only names below it exist. This is permanent until the key "
        "is published.",
        "Add the key as a TXT record at {key} (or the CNAME your provider gave you, "
        "instead of any other record there).",
        True,
    ),
    "dns_name_doubled.dns": Text(
        "The record for d={d}, s={s} was published under the wrong name: {doubled}.",
        "Nothing answers at {key}, but a record exists at {doubled}: the domain is in "
        "the name twice. Some DNS providers add the domain to whatever is typed in the "
        "name field, so typing the full name gives it twice. This is likely what happened. "
        "This is permanent until the record is fixed.",
        "Delete the record at {doubled} and create it again with only the part before "
        "your domain in the name field ({s}._domainkey), then check again.",
        True,
    ),
    "cname_missing": Text(
        "The Easy DKIM CNAME for d={d}, s={s} (an SES token) is missing.",
        "Amazon SES Easy DKIM needs {key} to be a CNAME pointing to {expected}. DNS has "
        "no CNAME at {key}, so SES keeps the domain pending (or, if the record was "
        "removed, will revoke the DKIM set-up). This is permanent until the CNAME is created.",
        "Create the CNAME record {key} -> {expected} with your DNS provider, exactly as "
        "the SES console lists it. If SES already revoked the set-up, start the Easy DKIM "
        "set-up again to get new tokens.",
        True,
    ),
    "cname_missing.txt": Text(
        "{key} holds a TXT record where Easy DKIM needs a CNAME.",
        "Amazon SES Easy DKIM checks that {key} is a CNAME to {expected}. A TXT record "
        "was published there instead (likely a key meant for another set-up), so SES "
        "does not see its CNAME. This is permanent until the record is replaced.",
        "Replace the TXT record at {key} with the CNAME {key} -> {expected}.",
        True,
    ),
    "cname_wrong_target": Text(
        "The Easy DKIM CNAME for d={d}, s={s} (an SES token) points to the wrong place.",
        "{key} is a CNAME to {target}, but Amazon SES expects {expected}. A target with "
        "your own domain appended is the typical result of a DNS console that adds the "
        "zone to the value as well. This is permanent until the target is corrected.",
        "Change the CNAME's target to exactly {expected} (with a final dot if your DNS "
        "console wants fully qualified names).",
        True,
    ),
    "cname_target_missing.dns": Text(
        "The CNAME at {key} points to {target}, which holds no key.",
        "The CNAME itself is in place, but its target answered {status}: whoever serves "
        "{target} (your sending provider) no longer publishes a key there. The provider "
        "likely removed it because the DKIM set-up was revoked, or it was never finished. "
        "This is permanent until the provider publishes a key there again.",
        "Check the DKIM status in your provider's console. For Amazon SES, a revoked "
        "set-up must be started again, which gives new CNAME records to publish.",
        True,
    ),
    "dns_servfail.cname": Text(
        "{key} answers as a CNAME, but TXT queries for it fail (SERVFAIL).",
        "The CNAME to {target} resolves, yet asking for the TXT record through it fails "
        "at {server}. Receivers and Amazon SES ask for TXT, not CNAME, so they cannot "
        "fetch the key. Some DNS hosting services likely cannot answer TXT queries "
        "through a CNAME; DKIM needs both kinds of query answered. The failure is temporary "
        "in form, but it will likely repeat until the DNS host is fixed.",
        "Ask your DNS provider to fix TXT lookups through the CNAME. If they cannot, move "
        "the domain's DNS to a host that can (Amazon Route 53, for example).",
        False,
    ),
    "key_record_has_pem_armor": Text(
        "The record at {key} contains PEM header or footer lines.",
        "The value holds '-----BEGIN ...-----' or '-----END ...-----'. Those lines "
        "belong to the key file, not to DNS; p= must hold only the base64 text between them. "
        "This is permanent until the record is corrected.",
        "Publish `v=DKIM1; k=rsa; p=` followed by the key's base64 on one line, without "
        "the header and footer lines.",
        True,
    ),
    "key_record_has_quotes": Text(
        "The record at {key} contains quote characters.",
        "Quotes were typed into the value, and the DNS console kept them as part of the "
        "text, so receivers see them inside the key record. This is permanent until the "
        "record is corrected.",
        "Edit the record and remove every quote character from the value; the DNS "
        "console adds whatever quoting DNS needs.",
        True,
    ),
    "key_record_has_line_breaks": Text(
        "The record at {key} contains line breaks.",
        "The value was pasted with line breaks inside it. Some receivers and providers "
        "likely reject such a key. This is permanent until the record is corrected.",
        "Publish the value on one line: remove every line break from the key.",
        True,
    ),
    "key_too_short.dns": Text(
        "The key for d={d}, s={s} is too short to be trusted ({bits} bits).",
        "RFC 8301 forbids accepting RSA keys shorter than 1024 bits: receivers ignore "
        "signatures made with the key at {key}. This is permanent until the key is replaced.",
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
        "SERVFAIL or REFUSED). Resolvers that happen to ask them may fail too. This is "
        "temporary as far as this tool can tell.",
        "Check those servers with your DNS provider; retry later if it is an outage.",
        False,
    ),
    "propagation_incomplete": Text(
        "The record at {key} is not on every authoritative server yet.",
        "Serving it: {having}. Not serving it: {servers}. The record was published but has not "
        "reached every server of the zone; until it has, some receivers see it and some "
        "do not. This is temporary: it usually settles within minutes to hours; allow up to 72 hours "
        "before treating it as a fault.",
        "Wait, and check again. If the same servers still lack it after 72 hours, ask "
        "your DNS provider why they do not serve the zone's current data.",
        False,
    ),
    "authoritative_disagree": Text(
        "The authoritative servers give {count} different answers for {key}.",
        "Asked directly, the {total} servers of the zone do not hold the same record, "
        "likely because a change (a new key, say) has reached only some of them. "
        "Receivers get one answer or the other at random. This is likely temporary.",
        "Wait for the change to reach every server (allow up to 72 hours); if they still "
        "differ, ask your DNS provider.",
        False,
    ),
    "not_on_authoritative": Text(
        "None of the {total} authoritative servers holds {key}: this is not a delay.",
        "Asked directly, every server of the zone says nothing is published at {key}. "
        "Waiting will not help: the record is missing, or was created in another zone, "
        "another DNS provider's account, or under another name. This is permanent until "
        "the record is created where the world looks for it.",
        "Create the record where the domain's DNS is really hosted (the servers listed "
        "as the domain's NS records).",
        True,
    ),
    "resolver_cache_stale": Text(
        "Your resolver's answer for {key} differs from the authoritative servers'.",
        "The zone's servers agree on what is published, but the resolver asked here "
        "still returns an older answer it has cached (a 'no such record' from before "
        "the record was created, say). This is temporary: it expires within {ttl} seconds.",
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
        "v=DMARC1 first, a p= policy), so receivers likely ignore it. This is permanent until "
        "the record is fixed.",
        "Rewrite it as `v=DMARC1; p=none; rua=mailto:...`, with tags separated by ';'.",
        True,
    ),
    "no_common_selector": Text(
        "No DKIM key was found for {d} under any of {count} common selectors.",
        "The selectors tried were: {detail}. Your signer may well use another name: "
        "the selector is the s= tag of a DKIM-Signature in mail you send. This is permanent "
        "for this check: name the selector to look further.",
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
        "not allowed in it: {bad}. This is permanent: SES refuses it until the selector "
        "changes.",
        "Choose a selector of letters and digits only, such as `ses2025`.",
        True,
    ),
    "key_unreadable": Text(
        "The key could not be read: it is neither PEM nor base64.",
        "A key file holds base64 text, usually between '-----BEGIN ...-----' and "
        "'-----END ...-----' lines. This input has neither a PEM key nor valid base64. This "
        "is permanent until the key is given in one of those forms.",
        "Export the key again from the tool that made it, or make a new one with "
        "`openssl genrsa -traditional -out private.pem 2048`.",
        True,
    ),
    "key_unreadable.truncated": Text(
        "The key could not be read: the PEM text has no end line (likely truncated).",
        "The key starts with '-----BEGIN ...-----' but the matching '-----END ...-----' "
        "line is missing, so part of the key was likely lost in copying. This is permanent "
        "until the whole key is given.",
        "Copy the whole key file again, from the BEGIN line to the END line.",
        True,
    ),
    "key_unreadable.damaged": Text(
        "The key could not be read: its base64 does not decode to a key.",
        "The text is valid base64, but what it holds is not a complete key: likely "
        "truncated or damaged in copying, or a file of another kind. This is permanent until "
        "the whole key is given.",
        "Copy the key file again, whole; if it still fails, make a new key pair.",
        True,
    ),
    "key_unreadable.public": Text(
        "This is a public key; a private key was expected.",
        "--private-key needs the private key that SES will sign with. A public key "
        "(a 'BEGIN PUBLIC KEY' file) cannot sign. This is permanent until the private key "
        "is given.",
        "Give the private key file, or check the public key with --public-key.",
        True,
    ),
    "key_unreadable.encrypted": Text(
        "The key is protected by a passphrase.",
        "The PEM key is encrypted. Amazon SES needs the key itself, unencrypted, to sign with "
        "it. This is permanent until the key is decrypted.",
        "Decrypt it (`openssl rsa -in encrypted.pem -traditional -out private.pem`) and "
        "keep the result as safe as you would the passphrase.",
        True,
    ),
    "key_not_rsa": Text(
        "The key is {detail}, not RSA.",
        "Amazon SES BYODKIM signs with RSA keys only. This is permanent: this key cannot be used.",
        "Make an RSA key: `openssl genrsa -traditional -out private.pem 2048` (OpenSSL 3; "
        "leave out -traditional with OpenSSL 1.1).",
        True,
    ),
    "key_size_unsupported": Text(
        "The key is {bits}-bit RSA, a size Amazon SES does not accept.",
        "The troubleshooting guide asks for 1024-bit RSA, and the SES API takes "
        "1024- or 2048-bit keys; other sizes are refused. This is permanent: this key cannot "
        "be used.",
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
    "key_not_pkcs1.openssh": Text(
        "The private key is in OpenSSH form ('BEGIN OPENSSH PRIVATE KEY'), not PKCS #1.",
        "ssh-keygen writes keys in its own format, which Amazon SES does not read. The "
        "key itself can be used once it is rewritten as PKCS #1. This is permanent until it "
        "is rewritten.",
        "Rewrite a copy in PKCS #1 form: `cp id_rsa ses.pem && ssh-keygen -p -N '' -m PEM "
        "-f ses.pem` (better still, make a key for DKIM alone with `openssl genrsa`).",
        True,
    ),
    "public_key_has_pem_armor": Text(
        "The public key still has its PEM header and footer lines.",
        "The '-----BEGIN PUBLIC KEY-----' and '-----END PUBLIC KEY-----' lines are part "
        "of the file, not of the key; Amazon SES refuses a key that includes them. This is "
        "permanent until they are removed.",
        "Paste only the base64 text between those lines (the record shown below is ready to use).",
        True,
    ),
    "public_key_has_line_breaks": Text(
        "The public key is split over several lines.",
        "Amazon SES and DNS consoles need the key as one unbroken line; line breaks "
        "make the request fail. This is permanent until they are removed.",
        "Remove every line break so the key is one line (the record shown below is ready to use).",
        True,
    ),
    "public_key_is_private": Text(
        "This is a private key, not a public key.",
        "It must never be published in DNS or pasted where a public key is asked for. "
        "Its public half can be derived from it. This is permanent: publishing it would "
        "give the private key away.",
        "Run again with --private-key FILE to get the public key record, and keep the "
        "private key secret.",
        True,
    ),
    "dns_key_mismatch": Text(
        "The key published at {key} is not the public half of this private key.",
        "DNS serves an RSA key with another modulus, so mail signed with this private "
        "key would fail to verify. The record was likely not updated after a new key "
        "was made, or belongs to another key pair. This is permanent until the record or "
        "the private key changes.",
        "Publish the record shown here at {key}, replacing the old one, or sign with the "
        "private key that matches what DNS serves.",
        True,
    ),
    # --- forensics and ARC (issue 4) ---
    # Fields: as fields_for() in diagnose.py ({d} {s} {key} ...), plus {lines} {bytes}
    # {first_line} (body changes), {header} {original} {received} (header changes),
    # {signed} {rewritten} (header_unexplained), {sealer} {instance} {later} {detail} (ARC).
    "body_appended": Text(
        "Proven: {lines} line(s) ({bytes} bytes) were added to the body after the signature "
        '(d={d}, s={s}) was made; the first: "{first_line}".',
        "With those lines removed, the body hashes to the signature's bh= again, so the rest of "
        "the body is exactly what {d} signed. Text added at the end of a body or of a MIME part "
        "is likely a mailing-list footer, a disclaimer or an antivirus banner. This is permanent "
        "for this message.",
        "Find the hop that adds this text (the first line above names it) and have it stop, or "
        "have it sign again (DKIM or ARC) after adding it.",
        True,
    ),
    "body_prepended": Text(
        "Proven: {lines} line(s) ({bytes} bytes) were inserted at the start of the body after "
        'the signature (d={d}, s={s}) was made; the first: "{first_line}".',
        "With those lines removed, the body hashes to bh= again. Text put at the top of a body "
        'or of a MIME part is likely a gateway\'s warning banner ("external sender"). This is '
        "permanent for this message.",
        "Have the gateway that adds the banner do so only after verifying DKIM and recording "
        "the result (ARC), or tag the subject or a header instead of the body.",
        True,
    ),
    "body_truncated": Text(
        "Proven: the body is {bytes} bytes shorter than the part the signature (d={d}, s={s}) "
        "covers (l=).",
        "The signature's l= says how many canonical body bytes were signed, and the body "
        "received is shorter: something cut the body, likely a size limit or a stripped "
        "attachment. This is permanent for this message.",
        "Find the hop that shortens messages (attachment stripping, size limits) and exempt "
        "signed mail, or have it sign again after the change.",
        True,
    ),
    "body_line_endings": Text(
        "Proven: the signature (d={d}, s={s}) was made over the body with bare LF line "
        "endings, and the message was delivered with CRLF.",
        "Converted back to bare LF, the body hashes to bh= again. The signer hashed the message "
        "in Unix (LF) form, and its mail server converted it to CRLF for SMTP, as it must: the "
        "signature was broken from the start. This is permanent, and likely affects every "
        "message {d} signs this way.",
        "Make the signer hash the message in its wire form (CRLF line endings), e.g. sign in "
        "the MTA (milter) rather than in a script that writes LF files.",
        True,
    ),
    "body_whitespace": Text(
        "Proven: whitespace at the end of {lines} line(s) was changed after the signature "
        '(d={d}, s={s}) was made with simple body canonicalization; the first: "{first_line}".',
        "With the line-end whitespace put back as signed, the body hashes to bh= again. Under "
        "c=.../simple every space counts; relays that strip or add trailing spaces (or break "
        "format=flowed soft line breaks) break such signatures. This is permanent for this "
        "message.",
        "Sign with relaxed body canonicalization (c=relaxed/relaxed), which ignores trailing "
        "whitespace.",
        True,
    ),
    "mbox_from_quoting": Text(
        'Proven: ">From " quoting of {lines} line(s) changed after the signature (d={d}, '
        's={s}) was made; the first: "{first_line}".',
        'Mailbox (mbox) storage puts ">" before body lines that start with "From ", and some '
        "readers take it off. Undoing that, the body hashes to bh= again: the message was "
        "intact in transit, and the change was made where it was stored.",
        "Nothing to fix at the sender. Verify the message as delivered, before mailbox storage, "
        "or from a maildir or a Download original export.",
        None,
    ),
    "body_unexplained": Text(
        "No tested change explains why the body no longer matches the signature's bh= "
        "(d={d}, s={s}).",
        "Removing a block of lines at the end or start of the body or of a MIME part, line "
        "endings, trailing whitespace and From-quoting were each tried, and none reproduces "
        "the body hash that {d} signed. The evidence lists what is known about the body. "
        "The body was changed after signing, so this is permanent for this message.",
        "Compare this copy with the message as it left the sender (its Sent folder) to see "
        "what a relay changed.",
        True,
    ),
    "body_likely_reencoded": Text(
        "The body signed by d={d}, s={s} was likely re-encoded by a relay (a guess).",
        "The evidence shows signs of a transfer-encoding conversion (for example 8bit to "
        "quoted-printable); a conversion after signing changes every encoded line, which "
        "breaks the body hash. This is likely, not proven. Either way the body hash fails "
        "permanently for this message.",
        "Have the sending system encode 8-bit text itself (quoted-printable or base64) before "
        "signing, so no relay needs to convert it.",
        True,
    ),
    # Field {reason}: the reason code of the verdict (the key could not be used, or a time).
    "body_hash_also_fails": Text(
        "The body hash of the signature (d={d}, s={s}) fails as well: the body was changed "
        "after signing.",
        "The verdict names why the signature could not be checked ({reason}), but bh= is a hash "
        "of the body alone and needs no key (RFC 6376 §3.7): recomputed over the body received, "
        "it does not match, so this body is not the one {d} signed, independently of {reason}. "
        "Even with that solved, this signature fails for this message. The header signature "
        "is {header_state} (it needs the key: when the key could not be used, whether signed "
        "header fields were changed too is not known). This is permanent for this message.",
        "Solve {reason} for future mail; for this message, find what changed the body in "
        "transit (a finding beside this one names the change when it can be proven).",
        True,
    ),
    "header_modified": Text(
        "Proven: the signed {header} header was changed after the signature (d={d}, s={s}) "
        "was made.",
        'With the original value "{original}" instead of the received "{received}", the '
        "header signature verifies again with the key at {key}. This is permanent for this "
        "message.",
        "",
        True,
    ),
    # The kinds of header change: appended to header_modified's summary, explanation and
    # remedy (forensics.py), so they name no signature themselves.
    "change.subject_tag": Text(
        "A subject tag was added.",
        "A mailing list or a gateway likely put the tag into the Subject.",
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
        "No tested change explains why the header signature (d={d}, s={s}) fails.",
        "Plausible originals of the signed headers ({signed}) were re-verified and none "
        "verifies. Of these, {rewritten} are commonly rewritten in transit; this does not say "
        "which one changed. If every message from {d} fails this way, the private key likely "
        "does not match the key at {key}. This is permanent for this message.",
        "Compare the signed headers with the copy in the sender's Sent folder, and the private "
        "key the signer uses with the key published at {key}.",
        True,
    ),
    "arc_attests_original_pass": Text(
        "The signature of {d} (s={s}) fails now, but an intact ARC chain says it passed "
        "before {sealer} handled the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=pass for {d} when the message "
        "reached it, and the chain verifies (cv=pass). So {sealer} most likely changed the "
        "message afterwards, as mailing lists do, which broke the signature (d={d}, s={s}) "
        "(later sealers: {later}). Receivers that trust {sealer} can use this result "
        "(RFC 8617 §7.2).",
        "Nothing to fix at {d}. If your messages are rejected, ask {sealer} to keep ARC-sealing "
        "and the receiver to trust its seals.",
        None,
    ),
    "arc_saw_original_fail": Text(
        "The signature (d={d}, s={s}) had already failed when {sealer}, the first ARC sealer, "
        "received the message.",
        "ARC set i={instance}, sealed by {sealer}, recorded dkim=fail for {d}. The change "
        "that broke it happened before that hop: at the sender's own systems or a relay "
        "before {sealer}, not at {sealer} or later. This is permanent for this message.",
        "Look at the sending side: what rewrites messages after {d} signs them, or whether "
        "the signer's key matches {key}.",
        True,
    ),
    "arc_chain_failed": Text(
        "The ARC chain on this message does not verify (cv=fail).",
        "ARC sets sealed by {sealer} are present, but the chain is broken: {detail}. "
        "Receivers ignore what a broken chain says. This is permanent for this message.",
        "If every message sealed by {sealer} fails like this, its ARC sealing is at fault; if "
        "only this one does, the message or its ARC header fields were changed after sealing.",
        True,
    ),
    "arc_temporary": Text(
        "The ARC chain could not be verified: a DNS lookup failed temporarily.",
        "A key for an ARC set sealed by {sealer} could not be fetched (SERVFAIL or timeout). "
        "This is temporary, not a missing key: {detail}.",
        "Try again later.",
        False,
    ),
    "arc_key_not_found": Text(
        "The ARC chain cannot be verified now: the key d={d}, s={s} is not in DNS.",
        "The {field} of ARC set i={instance} (sealed by {sealer}) was made with the key at "
        "{key}, and DNS answers {status} for that name. ARC keys are rotated like DKIM keys, so for archived "
        "mail this is the normal case: the key was likely withdrawn after the message was "
        "delivered. Nothing shows that the set was wrong when it was made; it cannot be "
        "checked today, so anyone verifying the chain now gets cv=fail. This is permanent "
        "for this message.",
        "Nothing to do for an old message. If the message is recent, the key at {key} is "
        "missing from {d}'s DNS: only {d} can publish it.",
        True,
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
        None,
    ),
    "arc_key_not_found.domain_unreliable": Text(
        "The ARC chain cannot be verified now: the DNS answers here look unreliable.",
        "The {field} of ARC set i={instance} (sealed by {sealer}) was made with the key at "
        "{key}, and {server} answers {status} for it, but also NXDOMAIN for {d} itself and "
        "even for its top-level domain, which a working resolver finds. The answers are "
        "likely not facts about {d}: an offline machine, a broken or captive resolver, or a "
        "zone file that holds none of it. This is likely temporary.",
        "Check again with a working resolver (--nameserver), or once this machine is online.",
        False,
    ),
    "arc_chain_failed.structure": Text(
        "The ARC header fields on this message do not form a valid chain (cv=fail).",
        "RFC 8617 §5.2 checks the structure before any signature: {detail}. Receivers "
        "ignore a chain like this. The sets were sealed by {sealer}. This is permanent for "
        "this message.",
        "If every message sealed by {sealer} looks like this, its ARC sealing writes "
        "malformed fields; if only this one does, its ARC header fields were edited after "
        "sealing (by a later hop or in the saved copy).",
        True,
    ),
    "arc_chain_failed.sealer_reported_fail": Text(
        "The ARC chain was already broken when {sealer} sealed the message (cv=fail).",
        "The ARC-Seal of set i={instance}, by {sealer}, says cv=fail: by its own account, the "
        "sets before it did not verify when {sealer} received the message. A chain marked failed stays "
        "failed (RFC 8617 §5.2 step 2), and receivers ignore it. This is permanent for this "
        "message.",
        "Nothing to fix at {sealer}: it recorded what it saw. Look at the hops before it: "
        "their ARC sets, or a change made to the message before it reached {sealer}.",
        True,
    ),
    "arc_chain_failed.body_changed": Text(
        "The ARC chain does not verify: the body changed after {sealer} sealed the message "
        "(cv=fail).",
        "The body hash (bh=) of the newest ARC-Message-Signature (set i={instance}, d={d}, "
        "s={s}) does not match the body as it is now. So the body was changed after that set was made, by a "
        "later hop that added no ARC set of its own or in the saved copy, or {sealer} "
        "hashes bodies incorrectly. Receivers ignore the chain (RFC 8617 §5.2 step 4). This "
        "is permanent for this message.",
        "If only this message fails, find what changed the body after {sealer} (a relay, a "
        "gateway, an edit of the file). If every message {sealer} seals fails, its ARC "
        "signing is broken.",
        True,
    ),
    "arc_chain_failed.headers_changed": Text(
        "The ARC chain does not verify: the newest ARC-Message-Signature (d={d}, s={s}) "
        "fails (cv=fail).",
        "The header signature of set i={instance} does not verify with the key at {key}. "
        "Either a header field it signs was changed after {sealer} sealed the "
        "message (by a later hop or in the saved copy), or the key at {key} is not the one "
        "the set was signed with. Receivers ignore the chain (RFC 8617 §5.2 step 4). This is "
        "permanent for this message.",
        "If only this message fails, look for a later hop that edits signed header fields. "
        "If every message {sealer} seals fails, compare its ARC private key with the key at "
        "{key}.",
        True,
    ),
    "arc_chain_failed.seal_failed": Text(
        "The ARC chain does not verify: the ARC-Seal of set i={instance} (d={d}, s={s}) "
        "fails (cv=fail).",
        "The seal does not verify with the key at {key}. Either an ARC header field "
        "of sets 1 to {instance} was changed after sealing, or the key at {key} is not the "
        "one {d} sealed with. Receivers ignore the chain (RFC 8617 §5.2 step 6). This is "
        "permanent for this message.",
        "If every message {d} seals fails, compare its ARC private key with the key at "
        "{key}; if only this one does, look for a hop that rewrites ARC header fields.",
        True,
    ),
    "arc_chain_failed.key_unusable": Text(
        "The ARC chain cannot be verified: the key d={d}, s={s} at {key} is not usable (cv=fail).",
        "The {field} of set i={instance} (sealed by {sealer}) needs the key at {key}, and "
        "that record cannot verify it: {detail}. Without a usable key the chain fails, and "
        "receivers ignore it. This is permanent for this message.",
        "If the message is recent, {d} must publish a valid key record at {key}. A revoked "
        "key (empty p=) on an old message was likely rotated since: nothing to do.",
        True,
    ),
    "arc_chain_failed.time": Text(
        "The ARC chain does not verify at the time used: the {field} of set i={instance} "
        "(d={d}, s={s}) is out of its validity.",
        "{detail}. A set that is not yet valid or has expired does not verify, so the chain "
        "fails (cv=fail) as of that time. This is permanent if that time is right.",
        "For an archived message, check it as of its delivery time (--now). Otherwise the "
        "sealer's clock, or the x= it writes, is wrong.",
        True,
    ),
    # --- spf: SPF as recorded and as of today, the DMARC result (issue 13) ---
    "dmarc_alignment.spf_pass": Text(
        "DKIM alone does not satisfy the DMARC policy of {from_domain} (policy: {policy}), but "
        "aligned SPF does.",
        "The DMARC record at {dmarc_name} (p={p}, sp={sp}, adkim={adkim}) applies to "
        "{from_domain}; for this message the policy is {policy}. No signature whose d= is "
        "{alignment_rule} passes, but SPF passes for an aligned MAIL FROM domain (see the "
        "spf_result and dmarc_result findings), so DMARC passes and receivers do not apply "
        "p={policy}. SPF does not survive forwarding: forwarded copies and list mail likely "
        "fail DMARC until an aligned signature passes. This is permanent for this message.",
        "Make the sending system sign with d={from_domain} (see the other findings), so that "
        "DMARC does not rest on SPF alone.",
        True,
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
        "its signature is missing or failing), or send with an aligned MAIL FROM domain whose "
        "SPF record lists the sending servers.",
        True,
    ),
    "spf_result": Text(
        "SPF passes for {domain}: {ip} is allowed by {matched} (in {matched_in}'s record).",
        "SPF (RFC 7208) was evaluated again from the message: the client {ip} (HELO {helo}) "
        "of the receiver's boundary Received field, sending as {mailfrom} ({identity} "
        "identity). The record of {domain} allows it through {matched}; {lookups} of the 10 "
        "DNS-querying terms were used. At delivery the receiver recorded spf={recorded}.",
        "Nothing to do.",
        None,
    ),
    "spf_result.recorded": Text(
        "{recorded_by} recorded spf={recorded} for {recorded_domain}; SPF could not be checked "
        "again from this message.",
        "The trusted receiver {recorded_by} recorded spf={recorded} for {recorded_domain} when "
        "the message arrived. It was not evaluated again here: {skipped}.",
        "Nothing to do for this message.",
        None,
    ),
    "spf_result.rotated": Text(
        "SPF passed for {domain} at delivery, but fails today ({result}): the SPF record "
        "changed since.",
        "{recorded_by} recorded spf=pass for {recorded_domain} when the message arrived; "
        "evaluated again today for the same client {ip} and MAIL FROM {mailfrom}, the record "
        "of {domain} gives {result} ({matched} in {matched_in}'s record{detail}). Likely an "
        "include or an address range was removed or replaced since. Harmless for this "
        "message, which passed when it was delivered; new mail from {ip} fails SPF now. "
        "This is permanent until the record changes again.",
        "If {ip} still sends for {domain}, add it (or its platform's include:) back to the SPF "
        "record of {domain}; if it no longer does, nothing to do.",
        True,
    ),
    "spf_result.changed": Text(
        "SPF failed for {domain} at delivery (spf={recorded}), and passes today: the SPF "
        "record changed since.",
        "{recorded_by} recorded spf={recorded} for {recorded_domain} when the message arrived; "
        "evaluated again today for the same client {ip}, the record of {domain} allows it "
        "through {matched}. The record was likely fixed after this message was delivered: "
        "the receiver judged the message by the record it saw then.",
        "Nothing to do: new mail from {ip} passes SPF.",
        None,
    ),
    "spf_result.fail": Text(
        "SPF does not pass for {domain}: {ip} is not allowed ({result}, by {matched} in "
        "{matched_in}'s record).",
        "SPF (RFC 7208) was evaluated again for the client {ip} (HELO {helo}) of the "
        "receiver's boundary Received field, sending as {mailfrom}: the record of {domain} "
        "ends in {matched}, which gives {result} for an address it does not list. At "
        "delivery the receiver recorded spf={recorded}. This is permanent until the record "
        "lists the sender.",
        "If {ip} sends mail for {domain}, add it to the SPF record of {domain} (ip4:/ip6:, or "
        "the sending platform's include:). If the message was forwarded, see spf_forwarded.",
        True,
    ),
    "spf_result.neutral": Text(
        "SPF gives no verdict for {domain}: the record says neutral for {ip}.",
        "The record of {domain} ends in {matched} (neutral) for an address it does not list, "
        "so SPF neither allows nor denies the client {ip}; for DMARC a neutral is not a pass.",
        "List the servers that send for {domain} in its SPF record and end it in ~all or -all.",
        True,
    ),
    "spf_result.none": Text(
        "{domain} publishes no SPF record.",
        "The MAIL FROM domain {domain} has no v=spf1 TXT record, so SPF gives none for the "
        "client {ip} and cannot help DMARC. This lasts until a record is published "
        "(permanent).",
        "Publish a TXT record at {domain}: `v=spf1` followed by the servers and platforms that "
        "send for it (ip4:, include:) and `~all` or `-all`.",
        True,
    ),
    "spf_result.too_many_lookups": Text(
        "The SPF record of {domain} needs more than 10 DNS lookups: SPF is a permerror.",
        "RFC 7208 §4.6.4 allows at most 10 terms that cause DNS queries (include, a, mx, ptr, "
        "exists, redirect) in one evaluation, nested includes counted too; evaluating the "
        "record of {domain} needed more ({terms}). Receivers give permerror, which fails "
        "DMARC through SPF for every message. This is permanent until the record changes.",
        "Flatten the SPF record of {domain}: remove includes of platforms no longer used, "
        "replace a and mx by ip4:/ip6: ranges, or move some senders to a subdomain with its "
        "own record.",
        True,
    ),
    "spf_result.void_lookups": Text(
        "The SPF record of {domain} has more than 2 lookups that find nothing: SPF is a permerror.",
        "RFC 7208 §4.6.4 allows at most 2 DNS-querying terms that answer NXDOMAIN or no "
        "records; evaluating the record of {domain} met more ({voids}). Likely includes or "
        "a: names of services no longer in use. This is permanent until the record changes.",
        "Remove the terms naming {voids} from the SPF record of {domain} (or the records they "
        "include).",
        True,
    ),
    "spf_result.permerror": Text(
        "The SPF record of {domain} cannot be evaluated (permerror): {detail}.",
        "Evaluating the SPF record of {domain} for {ip} stopped with a permanent error: "
        "{detail}. Receivers give permerror, which fails DMARC through SPF. This is permanent "
        "until the record is fixed.",
        "Fix the record of {domain} as the detail says (one v=spf1 record, valid terms, every "
        "include: with a record of its own).",
        True,
    ),
    "spf_result.temperror": Text(
        "SPF for {domain} could not be evaluated (temporary DNS failure).",
        "A lookup needed to evaluate the SPF record of {domain} failed: {detail}. Receivers "
        "give temperror and may defer the message. This is temporary.",
        "Check that the authoritative servers of {domain} (and of the domains it includes) "
        "answer, then check again.",
        False,
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
        True,
    ),
    "spf_unaligned.ses": Text(
        "SPF passes for Amazon SES's default MAIL FROM ({domain}), which cannot align with "
        "{from_domain}.",
        "Amazon SES sends with its own MAIL FROM domain ({mailfrom}) unless a custom MAIL FROM "
        "domain is set up, and an SPF pass for {domain} never aligns with {from_domain} for "
        "DMARC (RFC 9989 §4.4). DMARC then rests on DKIM alone. This is permanent for this "
        "message.",
        "In the SES console, set a custom MAIL FROM domain for {from_domain} (a subdomain such "
        "as bounce.{from_domain}, used for nothing else), publish the MX record SES shows "
        "(10 feedback-smtp.{region}.amazonses.com) and the TXT record `v=spf1 "
        "include:amazonses.com ~all` at it, and wait for SES to detect them: SPF then passes "
        "aligned.",
        True,
    ),
    "spf_unaligned.provider": Text(
        "SPF passes for {provider}'s own MAIL FROM domain ({domain}), which cannot align with "
        "{from_domain}.",
        "{provider} sent this message with its own bounce domain ({mailfrom}); an SPF pass "
        "for {domain} never aligns with {from_domain} for DMARC (RFC 9989 §4.4), so DMARC "
        "rests on DKIM alone. This is permanent for this message.",
        "Set up {provider}'s custom return-path (bounce or MAIL FROM) domain under "
        "{from_domain}, as its documentation describes (a CNAME or MX and SPF record at a "
        "subdomain you choose), so that SPF passes aligned.",
        True,
    ),
    "spf_permissive": Text(
        "The SPF record of {domain} ends in +all: every server on the Internet passes SPF for it.",
        "The record `{record}` lets any address pass SPF for {domain}, so an SPF pass proves "
        "nothing and anyone can pass DMARC through SPF with an aligned MAIL FROM. This is "
        "permanent until the record changes.",
        "Replace +all with ~all (or -all once every sender is listed) in the SPF record of "
        "{domain}.",
        True,
    ),
    "spf_permissive.neutral": Text(
        "The SPF record of {domain} ends in ?all: servers it does not list get no verdict.",
        "The record `{record}` gives neutral for any address it does not list, so SPF never "
        "fails for {domain} and forged mail is not told apart by SPF. This is permanent "
        "until the record changes.",
        "End the SPF record of {domain} in ~all (or -all once every sender is listed).",
        True,
    ),
    "spf_forwarded": Text(
        "SPF fails because the message was likely forwarded through {helo}; the aligned "
        "signature d={d}, s={s} carries DMARC.",
        "The receiver took the message from {helo} [{ip}], which the SPF record of {domain} "
        "does not list (spf={recorded} at delivery, {result} today): a forwarder or a list "
        "relayed it, and SPF cannot survive that (RFC 7208 §9.1). DKIM does: d={d}, s={s} "
        "passes and is aligned, so DMARC passes. Nothing to fix in SPF for this message.",
        "Nothing to do; keep signing with an aligned d= so that forwarded mail passes DMARC.",
        None,
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
        True,
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
        True,
    ),
    "dmarc_result": Text(
        "DMARC passes for {from_domain} through DKIM: d={d}, s={s} is aligned.",
        "The DMARC result (RFC 9989 §4.4) passes when an aligned DKIM signature or an aligned "
        "SPF result passes. d={d}, s={s} passes and is aligned with {from_domain} "
        "(organizational domain {org_domain} by the DNS tree walk); SPF gave {spf_result} for "
        "{spf_domain}. The policy {tag}={policy} (record at _dmarc.{record_domain}) is not "
        "applied.",
        "Nothing to do.",
        None,
    ),
    "dmarc_result.spf": Text(
        "DMARC passes for {from_domain} through SPF only ({spf_domain} is aligned).",
        "The DMARC result (RFC 9989 §4.4) passes when an aligned DKIM signature or an aligned "
        "SPF result passes. No aligned signature passes, but SPF passes for {spf_domain}, "
        "aligned with {from_domain} (organizational domain {org_domain} by the DNS tree walk). "
        "The policy {tag}={policy} (record at _dmarc.{record_domain}) is not applied. SPF does "
        "not survive forwarding: forwarded copies likely fail DMARC.",
        "Sign with d={from_domain} as well, so that DMARC survives forwarding.",
        None,
    ),
    "dmarc_result.both": Text(
        "DMARC passes for {from_domain} through DKIM (d={d}, s={s}) and SPF ({spf_domain}).",
        "Both an aligned signature and an aligned SPF result pass (RFC 9989 §4.4; "
        "organizational domain {org_domain} by the DNS tree walk). The policy {tag}={policy} "
        "(record at _dmarc.{record_domain}) is not applied.",
        "Nothing to do.",
        None,
    ),
    "dmarc_result.delivery_pass": Text(
        "DMARC passed for {from_domain} at delivery, but fails when checked again today.",
        "What the receiver {receiver} recorded when the message arrived (its dmarc= or spf= "
        "result, or a dkim=pass for an aligned signature) shows a DMARC pass then. Checked "
        "again today, no aligned DKIM signature passes and SPF gives {spf_result} for "
        "{spf_domain}: a key or the SPF record likely changed since (see the other findings). "
        "The policy {tag}={policy} (record at _dmarc.{record_domain}) would apply to new mail "
        "like this.{notes} This is permanent for this message, and harmless once it has been "
        "delivered.",
        "Nothing to do for this message; check that current mail still signs with an "
        "aligned, published key and sends from servers the SPF record lists.",
        True,
    ),
    "dmarc_result.fail": Text(
        "DMARC fails for {from_domain}: no aligned DKIM or SPF result passes; the policy is "
        "{tag}={policy}.",
        "The DMARC result (RFC 9989 §4.4) passes only when an aligned DKIM signature or an "
        "aligned SPF result passes; here neither does (SPF gave {spf_result} for "
        "{spf_domain}; organizational domain {org_domain} by the DNS tree walk). The policy "
        "that applies is {tag}={policy} (record at _dmarc.{record_domain}): a receiver that "
        "applies DMARC would {action}.{notes} This is permanent for this message.",
        "Make the sending system sign with d={from_domain}, or send with an aligned MAIL FROM "
        "domain that SPF allows (see the other findings).",
        True,
    ),
    # --- spf: end ---
    # --- spf: `dns DOMAIN`'s SPF record check (issue 13) ---
    "spf_record": Text(
        "The SPF record of {domain} is valid: {lookups} of the 10 DNS-querying terms.",
        "The record `{record}` parses (RFC 7208 §4.6), and evaluating it for a sender it does "
        "not list uses {lookups} of the 10 terms that cause DNS queries ({terms}) and no more "
        "than 2 void lookups.",
        "Nothing to do.",
        None,
    ),
    "spf_record.missing": Text(
        "{domain} publishes no SPF record.",
        "There is no v=spf1 TXT record at {domain}, so SPF gives none for mail whose MAIL FROM "
        "is under {domain}, and DMARC can pass only through DKIM. This lasts until a record is "
        "published (permanent).",
        "Publish a TXT record at {domain}: `v=spf1` followed by the servers and platforms that "
        "send for it (ip4:, include:) and `~all` or `-all` (`v=spf1 -all` if it sends no mail).",
        True,
    ),
    "spf_record.invalid": Text(
        "The SPF record of {domain} is a permerror: {detail}.",
        "Receivers cannot evaluate the SPF record of {domain}: {detail}. Every message with a "
        "MAIL FROM under {domain} gets spf=permerror, which does not pass DMARC. This is "
        "permanent until the record is fixed.",
        "Fix the record as the detail says: one v=spf1 record, valid terms (RFC 7208 §12), "
        "every include: and redirect= naming a domain that has a record.",
        True,
    ),
    "spf_record.too_many_lookups": Text(
        "The SPF record of {domain} needs more than 10 DNS lookups: receivers give permerror.",
        "Evaluating the record for a sender it does not list needs more than the 10 "
        "DNS-querying terms RFC 7208 §4.6.4 allows ({terms}), nested includes counted. "
        "Receivers stop with permerror. This is permanent until the record changes.",
        "Flatten the record of {domain}: remove includes of platforms no longer used, replace a "
        "and mx by ip4:/ip6: ranges, or move some senders to a subdomain with its own record.",
        True,
    ),
    "spf_record.void_lookups": Text(
        "The SPF record of {domain} has more than 2 lookups that find nothing: receivers give "
        "permerror.",
        "RFC 7208 §4.6.4 allows at most 2 DNS-querying terms that answer NXDOMAIN or no "
        "records; the record of {domain} meets more ({voids}), likely services no longer in "
        "use. This is permanent until the record changes.",
        "Remove the terms naming {voids} from the record of {domain}.",
        True,
    ),
    "spf_record.temperror": Text(
        "The SPF record of {domain} could not be checked (temporary DNS failure).",
        "A lookup needed to evaluate the record of {domain} failed: {detail}. This is temporary.",
        "Check that the authoritative servers of {domain} and of the domains it includes answer, "
        "then check again.",
        False,
    ),
    # --- spf: end ---
}

# Short texts of the text report, and words that fill templates.
PHRASES_EN: dict[str, str] = {
    "outcome.pass": "PASS",
    "outcome.fail": "FAIL",
    "outcome.temporary": "TEMPORARY FAILURE",
    "headline.pass": "The signature of the sender's own domain {from_domain} (d={d}, s={s}) "
    "verifies.",
    "headline.pass_headers": "The header signature of the sender's own domain {from_domain} "
    "(d={d}, s={s}) verifies (the body was not given).",
    "headline.pass_dmarc": "The signature of the sender's own domain {from_domain} "
    "(d={d}, s={s}) verifies, so the domain's DMARC policy ({policy}) is satisfied.",
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
    "dmarc.found": "{record_domain} (p={p}, sp={sp}, adkim={adkim}): policy {policy} applies; DKIM {verdict}",
    "dmarc.none": "no record for {from_domain}",
    "dmarc.temperror": "lookup failed (temporary)",
    "dmarc.satisfied": "satisfies it",
    "dmarc.unsatisfied": "alone does not satisfy it",
    "dmarc.rotated": "cannot be re-checked (the aligned signature passed at delivery; its key "
    "is likely rotated since)",
    "dmarc.receiver": "; {receiver} recorded dmarc={dmarc} (spf={spf}, smtp.mailfrom={mailfrom})",
    "recorded.authentication_results": "in its own Authentication-Results field, trusted "
    "under this tool's trust rule: written by the final receiver above the sender's trace fields",
    "recorded.microsoft": "in Microsoft 365's Authentication-Results field, which Microsoft "
    "writes without an authserv-id above the Received field where it accepted the message",
    "recorded.arc": "in the ARC-Authentication-Results of set i={instance}, sealed by {sealer} "
    "in an ARC chain that verifies",
    "label.checked": "Checked",
    "clock.given": "as of {when} (--now)",
    "clock.system": "as of {when} (this machine's clock)",
    "clock.delivery": "as of {when}, its delivery (the trusted receiver's Received field)",
    "clock.system_fallback": "as of {when} (this machine's clock: the message shows no "
    "trusted delivery time)",
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
    # --- web: the page of `serve` and the HTML scan report (issue 16) ---
    "web.title": "DKIM diagnosis",
    "web.intro": "Paste a message's header section or the whole message, or choose an .eml "
    "or mbox file. It is checked on this machine: nothing is stored or logged.",
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
    "web.headers_only_note": "Headers only: no body was given, so no body hash (bh=) is "
    "checked; that is not a failure.",
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
    "web.proof.header": "Proof: with this field as it was signed, the header signature (b=) "
    "of signature {index} verifies.",
    "web.proof.body": "Proof: with this change undone, the body hash (bh=) of signature "
    "{index} matches.",
    "web.no_route": "The message has no Received fields.",
    "web.skew": "clock skew: this hop's clock is behind the previous one",
    "web.boundary": "trust boundary: the receiver took the message from outside here",
    "web.arc": "ARC sets: who saw what",
    "web.arc.seal": "seal",
    "web.arc.ams": "message signature",
    "web.arc.saw": "saw dkim=pass for",
    "web.arc.nothing": "nothing",
    "web.error.title": "The request was refused",
    "web.error.host": "This server answers only to its own address. A page that reached it "
    "under another name (DNS rebinding) is refused.",
    "web.error.origin": "A form may be sent here only from this page itself (a request from "
    "another site, or without its origin, is refused).",
    "web.error.empty": "Nothing was pasted or chosen: paste a message's headers, or choose a file.",
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
    # --- end web ---
    # --- spf: DMARC result phrases (issue 13) ---
    "dmarc.action.none": "deliver it as usual (p=none asks for nothing)",
    "dmarc.action.quarantine": "treat it as suspicious (the spam folder)",
    "dmarc.action.reject": "refuse it",
    "dmarc.note.testing": " The record says t=y (testing): the owner asks receivers not to "
    "apply p={policy} yet, and many apply a policy one level less strict.",
    "dmarc.note.pct": " The record says pct={pct} (RFC 7489; RFC 9989 removed it): the policy "
    "is applied to {pct}% of failing mail, the rest gets one level less.",
    "dmarc.note.psl": " The public suffix list (RFC 7489) gives another organizational domain, "
    "{psl}, where the RFC 9989 tree walk gives {org}: receivers that still use the list may "
    "judge alignment differently.",
    # --- spf: end ---
}

# Traditional Chinese (Taiwan). Codes, tags (d=, s=, p=) and DNS names stay as they are.
_ZH_TW: dict[str, Text] = {
    "body_hash_mismatch": Text(
        "簽章（d={d}，s={s}）驗證失敗：郵件內文在簽署後遭到修改。",
        "bh= 中的內文雜湊值與郵件內文已不相符，表示寄件者與收件者之間有某個環節改動了內文"
        "（加上頁尾、橫幅、重新編碼或換行字元）。標頭簽章狀態：{header_state}。"
        "對這封郵件而言，這是永久性的問題。",
        "找出在簽署後改寫內文的環節：郵寄清單、防毒或免責聲明閘道，或會重新編碼的轉送伺服器。"
        "請在這些步驟之後再簽署，或讓它們不要更動內文。",
        True,
    ),
    "signature_mismatch": Text(
        "簽章（d={d}，s={s}）驗證失敗：已簽署的標頭遭到修改，或金鑰不相符。",
        "b= 中的標頭簽章無法以 {key} 上發佈的金鑰驗證。可能是 h= 所列的某個標頭在傳送途中被改動"
        "（主旨加上標記、標頭重新摺行），或郵件是用不屬於這把公開金鑰的私密金鑰簽署的。"
        "對這封郵件而言，這是永久性的問題。",
        "如果這個簽署者寄出的每封郵件都失敗，請比對寄件系統使用的私密金鑰與 {key} 上的公開金鑰。"
        "如果只有部分郵件失敗，請找出會修改已簽署標頭的轉送伺服器。",
        True,
    ),
    "key_not_found": Text(
        "無法驗證簽章（d={d}，s={s}）：{key} 上沒有金鑰。",
        "DNS 的回應：{detail}。收件端只會在 {key} 這個名稱查詢公開金鑰；少了它，"
        "沒有任何收件端能驗證這個簽章。在金鑰發佈之前，這是永久性的問題。",
        "在 {key} 發佈金鑰記錄（TXT，或服務供應商提供的 CNAME），名稱必須完全一致。"
        "如果您輪替過金鑰，請保留舊的選取器，直到用它簽署的郵件都已送達。",
        True,
    ),
    "key_not_found.no_domainkey": Text(
        "無法驗證簽章（d={d}，s={s}）：{d} 完全沒有發佈任何 DKIM 金鑰。",
        "{key} 上沒有金鑰，而且 _domainkey.{d} 這個名稱也不存在，代表 {d} 底下沒有發佈任何選取器。"
        "{d} 的 DNS 很可能從未設定過 DKIM（或記錄發佈在外界看不到的另一個 DNS 區域）。"
        "在金鑰發佈之前，這是永久性的問題。",
        "在實際對 {d} 具權威性的 DNS 區域中（請到網域註冊商確認 NS 記錄），"
        "於 {key} 發佈簽署系統提供給您的金鑰記錄。",
        True,
    ),
    "key_not_found.domain_gone": Text(
        "無法驗證簽章（d={d}，s={s}）：在 {server} 查不到 {d} 本身。",
        "{key} 上沒有金鑰，而且 {server} 對 {d} 本身（其 SOA）也回應 NXDOMAIN，但它的頂級網域可以解析。"
        "因此這並不代表 {d} 的金鑰如何：可能是這個網域已不存在（過期或刪除，舊郵件可能如此），"
        "也可能是 {server} 的回應不完整（沒有收錄它的區域檔、會過濾的解析器）。只有網域確實已不存在時才是永久性的。",
        "下結論之前，請先向另一台解析器（例如 --nameserver 1.1.1.1）查詢 {d}；如果那裡也不存在，這個簽章就再也無法驗證。",
        None,
    ),
    "key_not_found.sealer_saw_pass": Text(
        "目前無法驗證簽章（d={d}，s={s}）：{key} 上沒有金鑰；{sealer} 記錄了它當時通過驗證。",
        "DNS 表示：{detail}。郵件經過 {sealer} 時，它的 ARC 組 i={instance}（可通過驗證）為這個簽章記錄了 "
        "dkim=pass：金鑰當時很可能存在，之後才被移除，舊郵件出現這種情況是正常的。{sealer} 既不是最終收件端，"
        "也不是 {d}，所以這個結論取決於是否信任 {sealer} 的記錄（README〈The trust rule〉）。對這封郵件而言，這是永久性的問題。",
        "舊郵件不需要做任何事。如果郵件是最近的，表示 {d} 的 DNS 中缺少金鑰：請在 {key} 發佈它。",
        True,
    ),
    "key_not_found.domain_unreliable": Text(
        "無法驗證簽章（d={d}，s={s}）：這裡的 DNS 回應看起來不可靠。",
        "{key} 上沒有金鑰，但 {server} 連 {d} 本身、甚至正常的解析器都查得到的頂級網域都回應 NXDOMAIN。"
        "這些回應很可能不是關於 {d} 的事實：離線的電腦、故障或受攔截的解析器，或完全沒有收錄它的區域檔。"
        "這很可能是暫時性的：是解析器的問題，而不是簽署者的問題。",
        "改用正常運作的解析器（--nameserver），或等這台電腦連上網路後再檢查一次。",
        False,
    ),
    "key_revoked": Text(
        "d={d}，s={s} 的金鑰已被撤銷（p= 為空白）。",
        "{key} 上的記錄 p= 標籤為空白，RFC 6376 將此定義為已撤銷的金鑰。"
        "用這個選取器所做的簽章永遠無法通過驗證：這是永久性的問題。",
        "如果這個選取器仍在使用，請發佈它目前的公開金鑰；否則請讓寄件系統改用有金鑰的選取器簽署。",
        True,
    ),
    "key_syntax": Text(
        "d={d}，s={s} 的金鑰記錄格式錯誤。",
        "{key} 上的 TXT 記錄不是有效的 DKIM 金鑰記錄：{detail}。在修正之前，"
        "所有收件端都會拒絕它，這是永久性的問題。",
        "請完全照服務供應商或金鑰工具輸出的內容重新發佈記錄：`v=DKIM1; k=rsa; p=<base64 公開金鑰>`，"
        "寫成一行邏輯值，值裡不要有引號、PEM 開頭／結尾行或換行。",
        True,
    ),
    "key_too_short": Text(
        "d={d}，s={s} 的金鑰太短，無法信任（{bits} 位元）。",
        "RFC 8301 禁止接受短於 1024 位元的 RSA 金鑰；收件端會忽略這個簽章，這是永久性的問題。{detail}。",
        "產生 2048 位元的 RSA 金鑰，以新的選取器發佈，並改用它簽署。",
        True,
    ),
    "key_too_long": Text(
        "d={d}，s={s} 的金鑰超過本工具願意使用的大小。",
        "{key} 上的金鑰為 {detail}。用它驗證的成本超過任何收件端願意負擔的程度；"
        "大多數收件端也會拒絕這種金鑰（永久性）。",
        "請使用 2048 位元的 RSA 金鑰（或在 RSA 之外另加 Ed25519）。",
        True,
    ),
    "key_type_mismatch": Text(
        "d={d}，s={s} 的金鑰類型與簽章不符。",
        "{detail}。{key} 上發佈的金鑰無法驗證以其他演算法製作的簽章：這是永久性的問題。",
        "在這個選取器下發佈相符類型的金鑰，或改用已發佈金鑰所對應的演算法簽署。",
        True,
    ),
    "key_hash_not_allowed": Text(
        "d={d}，s={s} 的金鑰不允許這個簽章使用的雜湊演算法。",
        "{detail}（{key} 記錄中的 h= 標籤）。在記錄修改之前，這是永久性的問題。",
        "從金鑰記錄中移除 h= 標籤，或讓它包含 sha256。",
        True,
    ),
    "key_service_mismatch": Text(
        "d={d}，s={s} 的金鑰不是給電子郵件使用的。",
        "{detail}（{key} 記錄中的 s= 標籤）。在記錄修改之前，這是永久性的問題。",
        "從金鑰記錄中移除 s= 標籤，或將它設為 `email` 或 `*`。",
        True,
    ),
    "key_strict_identity": Text(
        "d={d}，s={s} 的金鑰不允許這個簽章的身分。",
        "{detail}：RFC 6376 §3.6.1 規定，這種金鑰只能為完全位於 d= 的 i= 簽署。"
        "對這封郵件而言，這是永久性的問題。",
        "從金鑰記錄中移除 t=s，或以 {d} 本身的 i= 簽署。",
        True,
    ),
    "dns_servfail": Text(
        "無法取得 d={d}，s={s} 的金鑰：DNS 伺服器發生錯誤（SERVFAIL）。",
        "{detail}。這是 DNS 的暫時性故障，並不是對簽章的判定；遇到這種情況的收件端會延後收信，"
        "或將結果視為暫時性錯誤。",
        "向網域的每一台權威伺服器查詢 {key}（TXT）。如果這個名稱是 CNAME，請確認伺服器能透過它回應 TXT 查詢。",
        False,
    ),
    "dns_timeout": Text(
        "無法取得 d={d}，s={s} 的金鑰：DNS 未在時限內回應。",
        "{detail}。逾時是暫時性的：DNS 回應後，簽章可能就能通過驗證。",
        "確認網域的權威伺服器會回應 {key} 的查詢，然後再試一次（連線較慢時可加長 --timeout）。",
        False,
    ),
    "dns_error": Text(
        "無法取得 d={d}，s={s} 的金鑰：DNS 錯誤。",
        "{detail}。就本工具所知，這是暫時性的問題。",
        "稍後再試，或改用其他 --nameserver。",
        False,
    ),
    "signature_syntax": Text(
        "簽章（d={d}，s={s}）格式錯誤：{detail}。",
        "RFC 6376 規定這種簽章必須在查詢任何金鑰之前就被拒絕（標籤 {tag}）。"
        "無論 DNS 怎麼回應，它都無法通過驗證：這是永久性的問題。",
        "修正簽署軟體或其設定：它寫出了無效的 DKIM-Signature 標頭。",
        True,
    ),
    "signature_expired": Text(
        "簽章（d={d}，s={s}）已過期：x= 讓它在 {expires} 失效。",
        "簽署者為這個簽章設定了到期時間（x=，{expires}）；過了這個時間，收件端會永久忽略此簽章。"
        "簽署時間為 {signed}。舊郵件出現這種情況是正常的，除非是以送達當時的時間檢查"
        "（預設的 --now delivery 會在郵件有受信任收件端的 Received 欄位時使用其日期）。",
        "如果新寄出的郵件一送達就已過期，表示簽署者的 x= 太短或時鐘不準：請至少保留數天。",
        True,
    ),
    "signature_future": Text(
        "簽章（d={d}，s={s}）聲稱是在未來製作的（{signed}）。",
        "它的 t= 時間晚於檢查的時間。簽署者的時鐘可能不準；收件端可能會忽略這種簽章。"
        "對這封郵件而言，這是永久性的問題。",
        "校正簽署主機的時鐘（NTP）。",
        True,
    ),
    "weak_algorithm": Text(
        "簽章（d={d}，s={s}）使用 rsa-sha1，收件端已不再接受。",
        "{detail}。依 RFC 8301，無論金鑰為何，SHA-1 簽章都不算有效：這是永久性的失敗。",
        "將簽署者設定為使用 rsa-sha256（也可以同時加上 ed25519-sha256）。",
        True,
    ),
    "from_not_signed": Text(
        "簽章（d={d}，s={s}）沒有涵蓋 From 標頭。",
        "RFC 6376 規定 h= 必須包含 From 欄位；缺少它的簽章是無效的（永久性）。",
        "將簽署者設定為在簽署的標頭中包含 From。",
        True,
    ),
    "identity_mismatch": Text(
        "簽章（d={d}，s={s}）的身分不在其網域之內。",
        "{detail}：i= 的網域必須是 d= 或其子網域（RFC 6376 §3.5）。這是永久性的問題。",
        "設定簽署者，讓 i=（代理或使用者識別碼）位於 {d} 之內，或乾脆不要加上 i=。",
        True,
    ),
    "body_unavailable": Text(
        "標頭簽章（d={d}，s={s}）驗證通過；未提供郵件內文。",
        "只提供了標頭，因此無法檢查內文雜湊值。就目前所見，{d} 簽署的標頭都完好無缺。",
        "若也要檢查內文，請提供完整郵件（Gmail：顯示原始郵件，下載原始郵件）。",
        None,
    ),
    "too_many_signatures": Text(
        "第 {index} 個簽章（d={d}，s={s}）未驗證：郵件中的簽章太多。",
        "{detail}。全部檢查的成本超過任何收件端願意負擔的程度。",
        "除非確實有正當的簽署者加上這麼多簽章，否則不需要處理。",
        None,
    ),
    "no_signatures": Text(
        "這封郵件完全沒有 DKIM 簽章。",
        "郵件中沒有任何內容經過簽署，收件端無法透過 DKIM 將它與 {from_domain} 連結；"
        "DMARC 只能仰賴 SPF。對這封郵件而言，這是永久性的問題。",
        "在寄出這類郵件的系統上為 {from_domain} 啟用 DKIM 簽署，並在 DNS 發佈其金鑰。",
        True,
    ),
    "author_signature_missing": Text(
        "沒有任何簽章來自寄件者自己的網域（{from_domain}）。",
        "只有其他網域簽署了這封郵件（{signers}），因此 DKIM 與 From 網域 {from_domain} 並未對齊，"
        "DMARC 無法據此通過。對這封郵件而言，這是永久性的問題。",
        "在寄件平台上為 {from_domain} 設定 DKIM（自訂簽署網域），"
        "讓它以 d={from_domain} 或其子網域簽署。",
        True,
    ),
    "author_signature_missing.ses": Text(
        "Amazon SES 沒有以您的網域 {from_domain} 簽署這封郵件：只有它自己的簽章（{signers}）。",
        "這封郵件是從 Amazon SES 的 {region} 區域寄出的。SES 一定會以 d=amazonses.com 簽署，"
        "但只有在寄件身分已設定並啟用 DKIM 時，才會以您的網域簽署。可能的原因："
        "該身分未啟用 DKIM；郵件是從另外單獨驗證過的電子郵件地址寄出，而該地址自己的設定會覆蓋網域的設定"
        "（單獨驗證的地址不會沿用網域的 DKIM）；或 DKIM 是在其他區域或其他 AWS 帳戶設定的，"
        "而不是寄出這封郵件的那一個（每個區域、每個帳戶都要各自設定）；"
        "或 SES 在 DNS 中找不到您的 DKIM 記錄後，已停用該區域與帳戶的簽署（它會以電子郵件通知您）。"
        "對這封郵件而言，這是永久性的問題。",
        "在寄出這封郵件的帳戶、{region} 區域的 SES 主控台中開啟身分 {from_domain}，確認 DKIM 已啟用並驗證完成。"
        "如果寄件地址另外也列為一個身分，請刪除該地址身分（之後就會沿用網域的設定），或為它啟用 DKIM。"
        "如果您從多個區域或帳戶寄信，請在每一處都設定 DKIM，並發佈它們提供的所有 CNAME 記錄。",
        True,
    ),
    "author_signature_missing.list": Text(
        "郵件論壇 {list} 重新簽署了這封郵件（d={list_d}）；已沒有 {from_domain} 的簽章："
        "論壇可能移除或破壞了作者的簽章。",
        "這封郵件經由論壇 {list} 轉發（標頭欄位顯示如此），現在郵件上只有其他網域的簽章（{signers}），"
        "其中包括論壇自己的。論壇若修改郵件（主旨標籤、頁尾、重新編碼）就會破壞作者的簽章，"
        "有些論壇接著會移除它並以自己的身分簽署；無論哪一種，送達的是論壇的郵件，而不是 {from_domain} "
        "簽署的那一封。這並不表示 {from_domain} 自己的 DKIM 有問題。論壇的簽章與 {from_domain} 不對齊，"
        "DMARC 因此從 DKIM 得不到任何結果：對這封郵件而言是永久性的。",
        "論壇管理者：為論壇轉發的郵件加上 ARC 封印（RFC 8617），讓收件端看得出論壇收到時作者的簽章是通過的；"
        "對於網域發佈 DMARC p=quarantine 或 p=reject 的作者，採用 DMARC 緩解措施"
        "（把 From 改寫成論壇的地址，「某人 via 論壇」；Mailman：dmarc_moderation_action = Munge From）；"
        "或不再修改郵件（不加主旨標籤或頁尾），並保留作者的簽章而不是移除它。"
        "作者（{from_domain}）：請檢查一封直接寄出、沒有經過論壇的郵件；若採用 p=reject，"
        "您的論壇郵件能否送達取決於論壇的緩解措施。",
        True,
    ),
    "author_signature_missing.google_workspace": Text(
        "Google 以它自己的網域簽署了這封郵件（{signers}），而不是 {from_domain}："
        "{from_domain} 可能尚未在 Google Workspace 啟用 DKIM。",
        "在網域本身設定並啟動 DKIM 之前，Google Workspace 會以 d=<網域>.<日期>.gappssmtp.com "
        "簽署該網域的郵件（Google 自己的服務則以 d=google.com）。這個簽章與 {from_domain} 不對齊，"
        "DMARC 因此從 DKIM 得不到任何結果。對這封郵件而言，這是永久性的問題。",
        "在 Google 管理控制台開啟「應用程式 > Google Workspace > Gmail > 驗證電子郵件」，"
        "選擇 {from_domain} 並產生新記錄（2048 位元，選擇器前置字串 `google`）。"
        "把它顯示的 TXT 記錄發佈在 google._domainkey.{from_domain}，等 DNS 能查到它（最多 48 小時），"
        "再按「開始驗證」：之後 Gmail 就會以 d={from_domain} 簽署。",
        True,
    ),
    "author_signature_missing.microsoft365": Text(
        "Microsoft 365 以租用戶的預設網域簽署了這封郵件（{signers}），而不是 {from_domain}："
        "{from_domain} 可能尚未啟用 DKIM。",
        "在自訂網域啟用 DKIM 簽署之前，Microsoft 365 會以 d=<租用戶>.onmicrosoft.com 簽署外寄郵件。"
        "這個簽章與 {from_domain} 不對齊，DMARC 因此從 DKIM 得不到任何結果。"
        "對這封郵件而言，這是永久性的問題。",
        "在 Microsoft Defender 入口網站開啟「電子郵件與共同作業 > 原則與規則 > 威脅原則 > "
        "電子郵件驗證設定 > DKIM」並選擇 {from_domain}。發佈它顯示的兩筆 CNAME 記錄"
        "（selector1._domainkey.{from_domain} 與 selector2._domainkey.{from_domain}，指向該處列出的名稱），"
        "再開啟「使用 DKIM 簽章簽署此網域的郵件」（PowerShell：Set-DkimSigningConfig -Identity "
        "{from_domain} -Enabled $true）。",
        True,
    ),
    "author_signature_missing.provider": Text(
        "這封郵件上只有 {provider} 自己的簽章（{signers}）：沒有任何簽章是以 {from_domain} 簽署的。",
        "{provider} 會自動以自己的網域簽署它寄出的郵件；只有在為 {from_domain} 設定好它的自訂網域驗證"
        "（常稱為網域驗證或自訂 DKIM）之後，才會以 {from_domain} 簽署。沒有它，DKIM 就不與寄件網域對齊，"
        "DMARC 也得不到任何結果。對這封郵件而言，這是永久性的問題。",
        "在 {provider} 的設定中為 {from_domain} 設定 DKIM（網域驗證），並在 {from_domain} 下發佈它提供的記錄；"
        "之後它就會以 d={from_domain} 簽署。",
        True,
    ),
    # --- platform or list signatures: their owner acts, not the author ---
    "key_not_found.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）的金鑰已不存在：可能在這封郵件寄出後已輪替，或是 {owner} 那邊的問題。",
        "DNS 回應：{detail}。這是 {owner} 以自己的網域 {d} 做的簽章；{owner} 自行發佈與輪替它的金鑰，"
        "對舊郵件而言，選擇器已查不到是預料中的事。無論如何它都不計入 {from_domain} 的 DMARC。"
        "對這封郵件而言，這是永久性的。",
        "您不需要發佈任何東西：{key} 是 {owner} 的 DNS 名稱，不是您的。如果這是新郵件而金鑰仍然不存在，"
        "那是 {owner} 要修正的問題：請通知他們。",
        True,
    ),
    "key_revoked.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）的金鑰已被撤銷（p= 為空）。",
        "{key} 的記錄 p= 為空：{owner} 已停用這個選擇器，可能是在這封郵件寄出後已輪替為新金鑰，"
        "這對舊郵件而言是正常的。它不計入 {from_domain} 的 DMARC。對這封郵件而言，這是永久性的。",
        "您不需要處理：{key} 是 {owner} 的金鑰，不是您的。",
        True,
    ),
    "key_syntax.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）的金鑰記錄格式錯誤。",
        "{key} 的 TXT 記錄不是有效的 DKIM 金鑰記錄：{detail}。這是 {owner} 在自己網域下的記錄；"
        "無論如何這個簽章都不計入 {from_domain} 的 DMARC。在 {owner} 修正之前，這是永久性的。",
        "您不需要發佈任何東西：{key} 是 {owner} 的 DNS 名稱。如果新郵件也一樣，請通知 {owner}。",
        True,
    ),
    "key_too_short.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）的金鑰太短，無法信任（{bits} 位元）。",
        "RFC 8301 禁止接受短於 1024 位元的 RSA 金鑰，因此收件端會忽略這個簽章。這是 {owner} 在自己網域 {d} "
        "下的金鑰；這個簽章不計入 {from_domain} 的 DMARC。在 {owner} 更換金鑰之前，這是永久性的。",
        "您不需要處理：{key} 是 {owner} 的金鑰，不是您的。",
        True,
    ),
    "weak_algorithm.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）使用 rsa-sha1，收件端已不再接受。",
        "{detail}。依 RFC 8301，SHA-1 簽章無效。以自己的網域 {d} 如何簽署是 {owner} 的選擇；"
        "無論如何這個簽章都不計入 {from_domain} 的 DMARC。對這封郵件而言，這是永久性的。",
        "您不需要更改任何設定：{owner} 如何以 {d} 簽署是 {owner} 的事。請改看您自己網域的簽章。",
        True,
    ),
    "weak_key.signer": Text(
        "{owner} 自己簽章（d={d}，s={s}）的金鑰是 {bits} 位元 RSA：仍被接受，但強度不足。",
        "1024 位元的 RSA 金鑰仍能驗證，但被認為可被破解。這是 {owner} 在自己網域 {d} 下的金鑰："
        "是否更換由 {owner} 決定。在 {owner} 更換之前會一直如此（永久性）。",
        "您不需要處理：{key} 是 {owner} 的金鑰，不是您的。",
        True,
    ),
    "body_hash_mismatch.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）驗證失敗：郵件內文在 {owner} 簽署後被修改了。",
        "bh= 中的內文雜湊值與內文不再相符，表示 {owner} 之後有東西修改了內文（論壇頁尾、橫幅、"
        "重新編碼、換行字元）。標頭簽章狀態：{header_state}。這個簽章不計入 {from_domain} 的 DMARC；"
        "修改內文的東西可能也破壞了郵件上的其他簽章。對這封郵件而言，這是永久性的。",
        "{owner} 那邊不需要修正：請找出寄出後改寫內文的環節（其他發現會說明改了什麼），並讓它不要更動內文。",
        True,
    ),
    "signature_mismatch.signer": Text(
        "{owner} 自己的簽章（d={d}，s={s}）驗證失敗：有已簽署的標頭被修改，或金鑰已不相符。",
        "b= 中的標頭簽章無法以 {key} 的金鑰驗證。可能是 h= 列出的某個標頭在 {owner} 簽署後被修改"
        "（主旨標籤、重新折行的標頭），或是 {owner} 之後可能已在同一個選擇器下更換了金鑰。"
        "這個簽章不計入 {from_domain} 的 DMARC。對這封郵件而言，這是永久性的。",
        "您不需要發佈任何東西：{key} 是 {owner} 的金鑰。如果標頭在傳送途中被修改，請找出修改它們的轉送站或論壇。",
        True,
    ),
    "provider_signature": Text(
        "{provider} 加上了自己的簽章（d={d}，s={s}）：這是正常的。",
        "{provider} 會自動以自己的網域 {d} 簽署它寄出的郵件。這不需要任何處理，"
        "而且不計入 DMARC；DMARC 要看的是 {from_domain} 的簽章。",
        "不需要處理。",
        None,
    ),
    "provider_signature.beside_author": Text(
        "{provider} 在您的簽章之外加上了自己的簽章（d={d}，s={s}）：這是正常的。",
        "{provider} 會自動以自己的網域 {d} 簽署它寄出的郵件，所以這封郵件帶有兩個簽章。"
        "這一個可以忽略：計入 DMARC 的是您網域的簽章（d={author_d}，s={author_s}），"
        "因為只有它與 From 網域 {from_domain} 對齊。",
        "d={d} 不需要處理；請留意 d={author_d} 的結果。",
        None,
    ),
    "weak_key": Text(
        "d={d}，s={s} 的金鑰是 {bits} 位元 RSA：仍被接受，但強度不足。",
        "1024 位元的 RSA 金鑰仍能通過驗證，但已被視為可破解，部分收件端也開始不信任它。"
        "這不會自行消失（在更換金鑰之前是永久性的）。",
        "產生 2048 位元的金鑰，以新的選取器發佈，讓簽署者改用它，"
        "等用舊金鑰簽署的郵件都送達後，再停用這個選取器。",
        True,
    ),
    "key_testing_mode": Text(
        "d={d}，s={s} 的金鑰處於測試模式（t=y）。",
        "設定 t=y 時，收件端對驗證失敗的簽章必須與未簽署的郵件一視同仁，所以 DKIM 還沒有提供任何保護。"
        "在移除這個旗標之前都會如此（永久性）。",
        "確認簽署運作正常後，從 {key} 的記錄中移除 t=y。",
        True,
    ),
    "multiple_key_records": Text(
        "{key}（d={d}，s={s}）上有 {count} 筆 TXT 記錄。",
        "一個選取器應該只有一筆金鑰記錄。收件端可能挑選其中任何一筆，"
        "因此簽章可能在某些收件端失敗、在另一些通過。在刪除多餘記錄之前都會如此（永久性）。",
        "刪除 {key} 上目前金鑰以外的所有記錄。",
        True,
    ),
    "body_length_limit": Text(
        "簽章（d={d}，s={s}）只涵蓋部分內文（l={length}）。",
        "收到的內文有 {body_bytes} 位元組；簽章只涵蓋正規化後的前 {length} 位元組。"
        "之後的內容任何人都能加上，而不會破壞簽章。這是簽署者的簽署方式（永久性）。",
        "將簽署者設定為不要使用 l= 標籤。",
        True,
    ),
    "line_endings_converted": Text(
        "檔案使用單獨的 LF 換行；已當作 CRLF 讀取。",
        "郵件在傳送時使用 CRLF 換行，DKIM 也是以此計算。存成檔案時常會遺失 CR；"
        "本工具會補回來，還原收件端看到的郵件。",
        "不需要處理，除非郵件本來就是以這種 LF 形式簽署的。",
        None,
    ),
    "headers_only": Text(
        "只提供了標頭：未檢查內文雜湊值。",
        "沒有內文時，仍會驗證每個簽章的標頭部分（b=）；標頭驗證通過的簽章會回報為 neutral，絕不會判為失敗。",
        "提供完整郵件，才能一併檢查內文。",
        None,
    ),
    "dns_name_doubled": Text(
        "您網域的簽章（d={d}，s={s}）驗證失敗：金鑰發佈在 {published}——您的 DNS 服務商多加了一次網域名稱。",
        "收件端會在 {key} 查詢金鑰，但那裡沒有；同一個選取器卻在 {published} 有回應：網域名稱出現了兩次。"
        "許多 DNS 服務商會自動在名稱欄位輸入的內容後面加上區域名稱，所以輸入完整名稱 {key} 很可能就變成了 {published}。"
        "在記錄修正之前，這是永久性的問題。",
        "到 DNS 服務商編輯這筆記錄，名稱只輸入 `{s}._domainkey`（服務商會自動加上 {d}），"
        "或在服務商允許時於名稱結尾加上一個句點。然後確認 {key} 會回應金鑰。",
        True,
    ),
    "cname_target_missing": Text(
        "您網域的簽章（d={d}，s={s}）驗證失敗：{key} 是指向 {target} 的 CNAME，而那裡沒有金鑰。",
        "這個選取器以 CNAME 記錄委派出去，但它指向的名稱沒有金鑰（{status}）。"
        "可能是目標名稱被管理者移除或改名，或 CNAME 複製錯誤。在修正之前，這是永久性的問題。",
        "向提供這筆 CNAME 的服務確認它應該指向哪個名稱，並修正 {key} 上的記錄。",
        True,
    ),
    "cname_target_missing.provider": Text(
        "您網域的簽章（d={d}，s={s}）驗證失敗：{key} 指向 {provider} 的 {target}，而那裡沒有金鑰。",
        "這個選取器是 CNAME，指向 {provider} 為您發佈的金鑰，這是它的自動 DKIM 設定（Amazon SES 的 Easy DKIM）所要求的；"
        "但 {provider} 已不再於該處發佈金鑰（{status}）。可能是 {d} 在 {provider} 的 DKIM 設定已被刪除、"
        "已被撤銷（服務商一段時間在 DNS 找不到您的 CNAME 記錄時就會撤銷）、仍在等待驗證，"
        "或屬於另一個區域或帳戶，其記錄指向別處。在設定恢復之前，這是永久性的問題。",
        "在 {provider} 主控台開啟網域 {d}，查看 DKIM 狀態。如果已撤銷或網域已被移除，"
        "請從頭重新進行 DKIM 設定，並發佈它提供的所有 CNAME 記錄（每次設定都會不同）；"
        "如果仍在等待驗證，請完全照顯示的內容發佈記錄（確認 DNS 服務商沒有在名稱後面多加網域），"
        "並預留最多 72 小時讓驗證完成。",
        True,
    ),
    "key_at_other_domain": Text(
        "您網域的簽章（d={d}，s={s}）驗證失敗：金鑰發佈在 {published}，而不是 {key}。",
        "簽章寫的是 d={d}，所以收件端只會查詢 {key}。同一個選取器在組織網域底下的 {published} 有金鑰："
        "簽署者可能以子網域作為 d=，而金鑰卻是為上層網域發佈的（或正好相反）。"
        "在 d= 與金鑰位置一致之前，這是永久性的問題。",
        "在 {key} 也發佈這把金鑰，或將簽署者設定為以金鑰所在的網域簽署。",
        True,
    ),
    "key_at_other_domain.from": Text(
        "您網域的簽章（d={d}，s={s}）驗證失敗：金鑰發佈在 {published}，而不是 {key}。",
        "簽章寫的是 d={d}，所以收件端只會查詢 {key}。同一個選取器在 From 網域 {from_domain} 底下的 {published} 有金鑰："
        "簽署者可能使用了與金鑰設定時不同的網域簽署。在 d= 與金鑰位置一致之前，這是永久性的問題。",
        "將簽署者設定為以 d={from_domain} 簽署，或在 {key} 發佈金鑰。",
        True,
    ),
    "dns_temporary": Text(
        "無法取得 d={d}，s={s} 的金鑰：DNS 暫時性故障（{status}）。",
        "查詢 {key} 時，{server} 回應 {status}。這是 DNS 的故障，並不是對簽章的判定：它是暫時性的，"
        "遇到這種情況的收件端會延後收信或回報暫時性錯誤。",
        "向 {d} 的每一台權威伺服器查詢 {key}（TXT）；如果其中有伺服器故障，請修復或更換它。然後再檢查一次。",
        False,
    ),
    "dns_temporary.cname": Text(
        "無法取得 d={d}，s={s} 的金鑰：{key} 的 CNAME 有回應，但透過它查詢 TXT 卻失敗（{status}）。",
        "查詢 CNAME 時，{server} 回應 {key} -> {target}；查詢收件端需要的 TXT 記錄時，卻回應 {status}。"
        "收件端只會查詢 TXT，所以對它們來說金鑰無法取得。有些 DNS 服務商無法順著 CNAME 回應 TXT 查詢；"
        "這一家可能就是如此。這個失敗在形式上是暫時性的，但在 DNS 主機修正之前，很可能會一再發生。",
        "請 DNS 服務商依照 DNS 標準，對屬於 CNAME 的名稱也能回應 TXT 查詢；如果做不到，"
        "請將 {d} 的區域移到能做到的 DNS 主機（透過 Amazon SES 寄信時，Amazon 建議的是 Route 53）。",
        False,
    ),
    "dns_temporary.budget": Text(
        "未取得 d={d}，s={s} 的金鑰：這封郵件的 DNS 額度已用完。",
        "{detail}。這封郵件先前的查詢已用完本工具為單封郵件允許的時間或查詢次數（README 的 Limits），"
        "因此沒有查詢 {key}。目前對這把金鑰一無所知：這是暫時性的，並不是對簽章的判定。",
        "稍後再檢查一次，或改用較快的 --nameserver；如果 {d} 的 DNS 伺服器回應緩慢，或回傳 CNAME 鏈"
        "與截斷的回應，請修正它們。",
        False,
    ),
    "dns_budget_exhausted": Text(
        "這封郵件的 DNS 額度已用完：有 {skipped} 次查詢沒有進行。",
        "每封郵件總共可使用 {lookups} 次 DNS 查詢與 {seconds} 秒的 DNS 時間（README 的 Limits）；"
        "額度用完前已進行 {asked} 次查詢，因此需要其餘查詢的結果是暫時性的，並不是判定。"
        "每次都在逾時前一刻才回應的伺服器，或很長的 CNAME 鏈，都會耗盡額度。",
        "稍後再檢查一次，或改用較快的 --nameserver；查看 DNS 證據（-v），找出回應緩慢的伺服器。",
        False,
    ),
    "local_resource_limit": Text(
        "無法取得 d={d}，s={s} 的金鑰：這台電腦的資源不足。",
        "{detail}。沒有向任何 DNS 伺服器查詢，也不是伺服器的問題：限制來自本機（開啟的檔案數、記憶體）。"
        "這是暫時性的：提高限制或減少同時執行的工作後，簽章可能就能驗證。",
        "提高開啟檔案數的上限（`ulimit -n`）、減少 --jobs，或釋放記憶體，然後再檢查一次。",
        False,
    ),
    "key_rotated": Text(
        "簽章（d={d}，s={s}）在送達時通過驗證，但金鑰現在已不存在：可能在送達後輪替了，舊郵件出現這種情況是正常的。",
        "{authserv} 在郵件送達時為這個簽章記錄了 dkim=pass（{how}）。"
        "如今 {key} 上已沒有可用的金鑰，因此無法重新驗證這個簽章。"
        "簽署者之後很可能已依正常程序輪替或移除了金鑰。這是永久性的，但對已送達的郵件無害。",
        "這封郵件不需要處理。為了仍在傳送中的郵件，切換到新金鑰後，請將舊的選取器保留數天。",
        True,
    ),
    "key_rotated.replaced": Text(
        "簽章（d={d}，s={s}）在送達時通過驗證，但現在已無法通過：金鑰可能在送達後被更換了。",
        "{authserv} 在郵件送達時為這個簽章記錄了 dkim=pass（{how}），內文也仍然相符，"
        "但標頭簽章無法以目前 {key} 上發佈的金鑰驗證。可能是送達後在同一個選取器下發佈了新金鑰。"
        "這是永久性的，但對已送達的郵件無害。",
        "這封郵件不需要處理。輪替金鑰時，請為新金鑰使用新的選取器，而不要在舊選取器下直接替換金鑰。",
        True,
    ),
    "dmarc_alignment": Text(
        "DKIM 符合 {from_domain} 的 DMARC 政策（政策：{policy}）：d={d}，s={s} 驗證通過且已對齊（{mode}）。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "這封郵件適用的政策為 {policy}。只要有一個已對齊的簽章通過驗證，DMARC 就會通過，"
        "而 d={d}，s={s} 正是如此，與 SPF 結果無關。",
        "不需要處理。",
        None,
    ),
    "dmarc_alignment.fail": Text(
        "僅憑 DKIM 不符合 {from_domain} 的 DMARC 政策（政策：{policy}）：沒有已對齊的簽章通過驗證。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "這封郵件適用的政策為 {policy}。透過 DKIM，DMARC 需要一個通過驗證、且 d= {alignment_rule}的簽章，"
        "而這封郵件沒有。當 SPF 對已對齊的 MAIL FROM 網域通過時，DMARC 也會通過；本工具不評估 SPF，"
        "也沒有受信任的收件端記錄可以說明：除非 SPF 通過且對齊，收件端會套用 p={policy}。"
        "對這封郵件而言，這是永久性的問題。",
        "讓寄件系統以 d={from_domain} 簽署（簽章缺少或失敗的原因，請參閱其他檢查結果）。",
        True,
    ),
    "dmarc_alignment.receiver_pass": Text(
        "僅憑 DKIM 不符合 {from_domain} 的 DMARC 政策（政策：{policy}），但收件端 {receiver} 記錄了 dmarc=pass。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "這封郵件適用的政策為 {policy}。如今沒有 d= {alignment_rule}的簽章通過驗證，所以僅憑 DKIM "
        "不符合 p={policy}。收件端 {receiver} 在郵件送達時記錄了 dmarc=pass，SPF 結果為 "
        "spf={receiver_spf}（MAIL FROM {mailfrom}）：這封郵件是透過 SPF 通過 DMARC 的。"
        "SPF 在轉寄後就不成立，所以轉寄的副本與郵寄清單的郵件，在已對齊的簽章通過之前，很可能無法通過 DMARC。"
        "對這封郵件而言，這是永久性的。",
        "這封郵件不需要處理。請讓寄件系統以 d={from_domain} 簽署（請參閱其他檢查結果），讓 DMARC 不只依賴 SPF。",
        True,
    ),
    "dmarc_alignment.receiver_fail": Text(
        "僅憑 DKIM 不符合 {from_domain} 的 DMARC 政策（政策：{policy}），收件端 {receiver} 也記錄了 dmarc={receiver_dmarc}。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "這封郵件適用的政策為 {policy}。沒有 d= {alignment_rule}的簽章通過驗證，所以僅憑 DKIM "
        "不符合 p={policy}；收件端 {receiver} 在郵件送達時記錄了 dmarc={receiver_dmarc}"
        "（spf={receiver_spf}，MAIL FROM {mailfrom}）：SPF 在那裡也沒有補上。對這封郵件而言，這是永久性的問題。",
        "讓寄件系統以 d={from_domain} 簽署（簽章缺少或失敗的原因，請參閱其他檢查結果）。",
        True,
    ),
    "dmarc_alignment.rotated": Text(
        "無法依 {from_domain} 的 DMARC 政策（政策：{policy}）重新檢查 DKIM：已對齊的簽章 d={d}，s={s} "
        "在送達時通過驗證，其金鑰之後可能已輪替。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}。"
        "{authserv} 在郵件送達時為 d={d}，s={s} 記錄了 dkim=pass，所以當時 DKIM 很可能符合 p={policy}；"
        "如今它的金鑰已不存在，也沒有已對齊的簽章能通過驗證，所以現在僅憑 DKIM 不符合政策。"
        "對這封郵件而言，這是永久性的，但郵件送達後就無害。",
        "這封郵件不需要處理（請參閱 key_rotated 檢查結果）。",
        True,
    ),
    "dmarc_alignment.strict": Text(
        "DKIM 不符合 {from_domain} 的 DMARC 政策：adkim=s 要求 d= 必須正好是 {from_domain}。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim=s）要求嚴格對齊，"
        "而通過驗證的簽章 d={d}，s={s} 只屬於同一個組織網域，並不是同一個網域。"
        "這封郵件適用的政策為 {policy}；除非 SPF 通過且嚴格對齊，收件端會套用它。"
        "對這封郵件而言，這是永久性的問題。",
        "改以 d={from_domain} 本身簽署；如果本來就打算以上層網域簽署，請將政策放寬為 adkim=r。",
        True,
    ),
    "dmarc_alignment.none": Text(
        "{from_domain} 沒有發佈 DMARC 記錄。",
        "找不到 DMARC 記錄（已查詢 From 網域與其組織網域：{looked_up}），所以收件端不會對這個網域套用任何 DMARC 政策；"
        "而大型信箱服務商要求大量寄件者必須有 DMARC 記錄。在發佈記錄之前都會如此（永久性）。",
        "在 _dmarc.{org_domain} 發佈 TXT 記錄，先從 `v=DMARC1; p=none; rua=mailto:<地址>` 開始收集報告，"
        "等報告顯示您所有的郵件都通過後，再收緊 p=。",
        True,
    ),
    "dmarc_alignment.temp": Text(
        "無法取得 {from_domain} 的 DMARC 記錄（DNS 暫時性故障）。",
        "查詢 {dmarc_name} 失敗（{status}）。遇到這種情況的收件端會將 DMARC 視為暫時性錯誤。這是暫時性的。",
        "確認 {from_domain} 的權威伺服器會回應 {dmarc_name} 的查詢，然後再檢查一次。",
        False,
    ),
    "dmarc_alignment.gone": Text(
        "找不到 DMARC 記錄，但在 {server} 查不到 {from_domain} 本身。",
        "查詢（{looked_up}）回應 NXDOMAIN，{from_domain} 本身也是，但它的頂級網域可以解析："
        "可能是 {from_domain} 已不存在，也可能是 {server} 的回應不完整（沒有收錄它的區域檔、會過濾的解析器）。"
        "從這裡無法判斷它是否有 DMARC 記錄。",
        "對 {from_domain} 的 DMARC 政策下任何結論之前，請先向另一台解析器（--nameserver）查詢。",
        None,
    ),
    "dmarc_alignment.unreliable": Text(
        "{from_domain} 的 DMARC 政策不明：這裡的 DNS 回應看起來不可靠。",
        "查詢（{looked_up}）對 From 網域、甚至正常的解析器都查得到的頂級網域都回應 NXDOMAIN："
        "{server} 的回應很可能不是關於 {from_domain} 的事實（離線的電腦、故障或受攔截的解析器，或完全沒有收錄它的區域檔），所以「沒有記錄」並不是事實。這很可能是暫時性的。",
        "改用正常運作的解析器（--nameserver），或等這台電腦連上網路後再檢查一次。",
        False,
    ),
    # --- dns doctor and BYODKIM (issue 6) ---
    "key_not_found.nxdomain": Text(
        "{key} 上沒有 DKIM 金鑰（d={d}，s={s}）：這個名稱不存在。",
        "DNS 回應 NXDOMAIN：{key} 上完全沒有發佈任何東西，所以收件端在檢查以 s={s} 簽署的郵件時找不到金鑰。"
        "在記錄發佈之前，這是永久性的問題。",
        "在 {key} 發佈記錄（TXT 金鑰，或服務供應商提供的 CNAME）。"
        "許多 DNS 管理介面的名稱欄位只需要填入網域之前的部分（{s}._domainkey）。",
        True,
    ),
    "key_not_found.nodata": Text(
        "{key} 上沒有 DKIM 金鑰（d={d}，s={s}）：這個名稱存在，但沒有 TXT 記錄。",
        "DNS 回應 {key} 存在但沒有 TXT 記錄（NODATA）：那裡發佈的是其他類型的記錄，或只有它底下的名稱存在。"
        "在金鑰發佈之前，這是永久性的問題。",
        "在 {key} 以 TXT 記錄新增金鑰（或改為服務供應商提供的 CNAME，取代那裡的其他記錄）。",
        True,
    ),
    "dns_name_doubled.dns": Text(
        "d={d}，s={s} 的記錄發佈在錯誤的名稱下：{doubled}。",
        "{key} 沒有任何回應，但 {doubled} 上有記錄：名稱中出現了兩次網域。"
        "有些 DNS 服務商會自動在名稱欄位輸入的內容後面加上網域，所以輸入完整名稱就會變成兩次。"
        "很可能就是這樣造成的。在記錄修正之前，這是永久性的問題。",
        "刪除 {doubled} 上的記錄，重新建立時名稱欄位只填入網域之前的部分（{s}._domainkey），然後再檢查一次。",
        True,
    ),
    "cname_missing": Text(
        "d={d}，s={s}（SES 權杖）的 Easy DKIM CNAME 不存在。",
        "Amazon SES Easy DKIM 需要 {key} 是指向 {expected} 的 CNAME。DNS 中 {key} 沒有 CNAME，"
        "所以 SES 會讓網域維持在等待驗證狀態（如果記錄是被刪除的，則會撤銷 DKIM 設定）。"
        "在建立 CNAME 之前，這是永久性的問題。",
        "在 DNS 服務商建立 CNAME 記錄 {key} -> {expected}，內容須與 SES 主控台列出的完全一致。"
        "如果 SES 已撤銷設定，請重新進行 Easy DKIM 設定以取得新的權杖。",
        True,
    ),
    "cname_missing.txt": Text(
        "{key} 上是 TXT 記錄，但 Easy DKIM 需要的是 CNAME。",
        "Amazon SES Easy DKIM 會檢查 {key} 是否為指向 {expected} 的 CNAME。那裡發佈的卻是 TXT 記錄"
        "（可能是為其他設定準備的金鑰），所以 SES 看不到它的 CNAME。在記錄替換之前，這是永久性的問題。",
        "將 {key} 上的 TXT 記錄替換為 CNAME {key} -> {expected}。",
        True,
    ),
    "cname_wrong_target": Text(
        "d={d}，s={s}（SES 權杖）的 Easy DKIM CNAME 指向錯誤的位置。",
        "{key} 是指向 {target} 的 CNAME，但 Amazon SES 預期的是 {expected}。"
        "目標後面多了您自己的網域，通常是因為 DNS 管理介面連記錄值也自動加上了區域名稱。"
        "在目標修正之前，這是永久性的問題。",
        "將 CNAME 的目標改為正好是 {expected}（如果 DNS 管理介面要求完整網域名稱，請在結尾加上句點）。",
        True,
    ),
    "cname_target_missing.dns": Text(
        "{key} 上的 CNAME 指向 {target}，而那裡沒有金鑰。",
        "CNAME 本身沒有問題，但它的目標回應 {status}：負責 {target} 的一方（您的寄件服務商）已不再於該處發佈金鑰。"
        "服務商可能因為 DKIM 設定被撤銷而移除了它，或設定從未完成。在服務商重新於該處發佈金鑰之前，這是永久性的問題。",
        "到服務商的主控台查看 DKIM 狀態。若是 Amazon SES，已撤銷的設定必須重新進行，屆時會產生新的 CNAME 記錄供您發佈。",
        True,
    ),
    "dns_servfail.cname": Text(
        "{key} 以 CNAME 回應，但對它的 TXT 查詢失敗（SERVFAIL）。",
        "指向 {target} 的 CNAME 可以解析，但透過它查詢 TXT 記錄時，{server} 卻回應失敗。"
        "收件端與 Amazon SES 查詢的是 TXT 而不是 CNAME，所以取不到金鑰。"
        "有些 DNS 代管服務可能無法順著 CNAME 回應 TXT 查詢；DKIM 需要兩種查詢都能得到回應。"
        "這個失敗在形式上是暫時性的，但在 DNS 主機修正之前，很可能會一再發生。",
        "請 DNS 服務商修正透過 CNAME 的 TXT 查詢。如果做不到，請將網域的 DNS 移到能做到的主機"
        "（例如 Amazon Route 53）。",
        False,
    ),
    "key_record_has_pem_armor": Text(
        "{key} 上的記錄含有 PEM 開頭或結尾行。",
        "記錄值中有 '-----BEGIN ...-----' 或 '-----END ...-----'。這些行屬於金鑰檔案，不屬於 DNS；"
        "p= 只能放它們之間的 base64 文字。在記錄修正之前，這是永久性的問題。",
        "發佈 `v=DKIM1; k=rsa; p=`，後面接上寫成一行的金鑰 base64，不要包含開頭與結尾行。",
        True,
    ),
    "key_record_has_quotes": Text(
        "{key} 上的記錄含有引號。",
        "記錄值中輸入了引號，而 DNS 管理介面把它們當成文字的一部分保留下來，所以收件端會在金鑰記錄中看到引號。"
        "在記錄修正之前，這是永久性的問題。",
        "編輯記錄，移除記錄值中的所有引號；DNS 需要的引號由 DNS 管理介面自動加上。",
        True,
    ),
    "key_record_has_line_breaks": Text(
        "{key} 上的記錄含有換行。",
        "記錄值是連同換行一起貼上的。部分收件端與服務商可能會拒絕這種金鑰。在記錄修正之前，這是永久性的問題。",
        "將記錄值寫成一行：移除金鑰中的所有換行。",
        True,
    ),
    "key_too_short.dns": Text(
        "d={d}，s={s} 的金鑰太短，無法信任（{bits} 位元）。",
        "RFC 8301 禁止接受短於 1024 位元的 RSA 金鑰：收件端會忽略以 {key} 上的金鑰所做的簽章。"
        "在更換金鑰之前，這是永久性的問題。",
        "產生 2048 位元的 RSA 金鑰，以新的選取器發佈，並改用它簽署。",
        True,
    ),
    "authoritative_unknown": Text(
        "找不到 {d} 的權威 DNS 伺服器；未檢查記錄的傳播情況。",
        "{d} 及其上層區域都找不到 NS 記錄，或這些伺服器的位址無法解析，所以無法直接向任何伺服器查詢。",
        "以 --authoritative HOST[:PORT] 指定伺服器，即可檢查傳播情況。",
        None,
    ),
    "authoritative_unreachable": Text(
        "部分權威伺服器沒有回應 {key} 的查詢：{servers}。",
        "直接查詢時，這個區域的這些伺服器沒有給出可用的回應（逾時、SERVFAIL 或 REFUSED）。"
        "剛好向它們查詢的解析器也可能失敗。就本工具所知，這是暫時性的問題。",
        "請與 DNS 服務商一起檢查這些伺服器；如果是服務中斷，請稍後再試。",
        False,
    ),
    "propagation_incomplete": Text(
        "{key} 上的記錄尚未出現在每一台權威伺服器上。",
        "已提供記錄的伺服器：{having}。尚未提供的伺服器：{servers}。記錄已經發佈，但還沒有傳到這個區域的每一台伺服器；"
        "在那之前，有些收件端看得到，有些看不到。這是暫時性的：通常在幾分鐘到幾小時內就會完成；"
        "請等候最多 72 小時，再把它當成故障處理。",
        "請等候後再檢查一次。如果 72 小時後同樣的伺服器仍然沒有這筆記錄，請詢問 DNS 服務商為何它們沒有提供區域的最新資料。",
        False,
    ),
    "authoritative_disagree": Text(
        "權威伺服器對 {key} 給出 {count} 種不同的回應。",
        "直接查詢時，這個區域的 {total} 台伺服器存放的記錄並不相同，"
        "可能是某項變更（例如新的金鑰）只傳到了其中幾台。收件端會隨機得到其中一種回應。這可能是暫時性的。",
        "等候變更傳到每一台伺服器（最多 72 小時）；如果仍然不一致，請詢問 DNS 服務商。",
        False,
    ),
    "not_on_authoritative": Text(
        "{total} 台權威伺服器都沒有 {key}：這不是傳播延遲。",
        "直接查詢時，這個區域的每一台伺服器都表示 {key} 上沒有發佈任何東西。"
        "等待不會有幫助：記錄不存在，或建立在另一個區域、另一個 DNS 服務商帳戶，或另一個名稱下。"
        "在記錄建立於外界實際查詢的位置之前，這是永久性的問題。",
        "在網域 DNS 實際代管的地方建立記錄（也就是網域 NS 記錄所列的伺服器）。",
        True,
    ),
    "resolver_cache_stale": Text(
        "您的解析器對 {key} 的回應與權威伺服器不同。",
        "這個區域的伺服器對發佈內容的看法一致，但這裡查詢的解析器仍回傳它快取的舊回應"
        "（例如記錄建立之前的「沒有此記錄」）。這是暫時性的：它會在 {ttl} 秒內過期。",
        "不需要修正：等快取的回應過期即可。最晚到那時，Amazon SES 與收件端都會看到新記錄。",
        False,
    ),
    "dmarc_not_found": Text(
        "{d} 沒有 DMARC 記錄。",
        "{names} 上沒有發佈 v=DMARC1 記錄，所以無論 DKIM 結果如何，收件端都不會對來自 {d} 的郵件套用任何 DMARC 政策。",
        "在 _dmarc.{org} 發佈 DMARC 記錄，先從 `v=DMARC1; p=none;` 加上報告地址開始，"
        "等報告顯示您的郵件都已對齊後，再收緊 p=。",
        None,
    ),
    "dmarc_invalid": Text(
        "{name} 上的 DMARC 記錄格式錯誤。",
        "記錄 '{detail}' 不是有效的 DMARC 記錄（標籤以 ';' 分隔、v=DMARC1 在最前面、要有 p= 政策），"
        "所以收件端可能會忽略它。在記錄修正之前，這是永久性的問題。",
        "將它改寫為 `v=DMARC1; p=none; rua=mailto:...`，標籤之間以 ';' 分隔。",
        True,
    ),
    "no_common_selector": Text(
        "在 {count} 個常見的選取器下，都找不到 {d} 的 DKIM 金鑰。",
        "嘗試過的選取器：{detail}。您的簽署者很可能使用其他名稱：選取器就是您寄出郵件中 DKIM-Signature 的 s= 標籤。"
        "就這次檢查而言，這是永久性的：請指定選取器再查詢。",
        "在您寄出的郵件中（或服務商的 DKIM 設定中）找出 s=，然後加上 --selector 再執行一次。",
        True,
    ),
    "selector_invalid": Text(
        "選取器 '{s}' 不是 Amazon SES 接受的格式。",
        "BYODKIM 的選取器必須是 1 到 63 個字元，只能使用英文字母與數字：不能有句點、連字號、底線或其他符號。"
        "這個選取器有 {length} 個字元；其中不允許的字元：{bad}。這是永久性的：在更換選取器之前，SES 都會拒絕。",
        "選擇只含英文字母與數字的選取器，例如 `ses2025`。",
        True,
    ),
    "key_unreadable": Text(
        "無法讀取金鑰：它既不是 PEM，也不是 base64。",
        "金鑰檔案存放的是 base64 文字，通常位於 '-----BEGIN ...-----' 與 '-----END ...-----' 兩行之間。"
        "這份輸入既沒有 PEM 金鑰，也不是有效的 base64。在以其中一種形式提供金鑰之前，這是永久性的問題。",
        "從產生金鑰的工具重新匯出，或以 `openssl genrsa -traditional -out private.pem 2048` 產生新的金鑰。",
        True,
    ),
    "key_unreadable.truncated": Text(
        "無法讀取金鑰：PEM 文字沒有結尾行（可能被截斷了）。",
        "金鑰以 '-----BEGIN ...-----' 開頭，但缺少對應的 '-----END ...-----' 行，所以金鑰可能有一部分在複製時遺失了。"
        "在提供完整金鑰之前，這是永久性的問題。",
        "從 BEGIN 行到 END 行，重新複製整個金鑰檔案。",
        True,
    ),
    "key_unreadable.damaged": Text(
        "無法讀取金鑰：它的 base64 解碼後不是金鑰。",
        "文字是有效的 base64，但內容不是完整的金鑰：可能在複製時被截斷或損壞，或是其他類型的檔案。"
        "在提供完整金鑰之前，這是永久性的問題。",
        "重新完整複製金鑰檔案；如果仍然失敗，請產生新的金鑰組。",
        True,
    ),
    "key_unreadable.public": Text(
        "這是公開金鑰；這裡需要的是私密金鑰。",
        "--private-key 需要 SES 用來簽署的私密金鑰。公開金鑰（'BEGIN PUBLIC KEY' 檔案）無法簽署。"
        "在提供私密金鑰之前，這是永久性的問題。",
        "請提供私密金鑰檔案，或以 --public-key 檢查公開金鑰。",
        True,
    ),
    "key_unreadable.encrypted": Text(
        "金鑰受密碼保護。",
        "這把 PEM 金鑰經過加密。Amazon SES 需要未加密的金鑰本身才能簽署。在解密之前，這是永久性的問題。",
        "將它解密（`openssl rsa -in encrypted.pem -traditional -out private.pem`），"
        "並像保管密碼一樣妥善保管解密後的檔案。",
        True,
    ),
    "key_not_rsa": Text(
        "這把金鑰是 {detail}，不是 RSA。",
        "Amazon SES BYODKIM 只使用 RSA 金鑰簽署。這是永久性的：這把金鑰無法使用。",
        "產生 RSA 金鑰：`openssl genrsa -traditional -out private.pem 2048`"
        "（OpenSSL 3；使用 OpenSSL 1.1 時請省略 -traditional）。",
        True,
    ),
    "key_size_unsupported": Text(
        "這把金鑰是 {bits} 位元 RSA，Amazon SES 不接受這個長度。",
        "疑難排解指南要求 1024 位元的 RSA，而 SES API 接受 1024 或 2048 位元的金鑰；其他長度都會被拒絕。"
        "這是永久性的：這把金鑰無法使用。",
        "產生 2048 位元的金鑰：`openssl genrsa -traditional -out private.pem 2048`"
        "（OpenSSL 3；使用 OpenSSL 1.1 時請省略 -traditional）。",
        True,
    ),
    "key_not_pkcs1": Text(
        "私密金鑰是 PKCS #8 格式（'BEGIN PRIVATE KEY'），不是 PKCS #1。",
        "指南要求 PKCS #1 金鑰（'BEGIN RSA PRIVATE KEY'）。金鑰本身沒有問題，只是包裝格式不同。"
        "較新的 SES 文件也提到 PKCS #8，但 PKCS #1 金鑰在任何地方都能使用。",
        "轉換格式：`openssl rsa -in private.pem -traditional -out private-pkcs1.pem`"
        "（OpenSSL 1.1 不加 -traditional 就會輸出 PKCS #1）。",
        None,
    ),
    "key_not_pkcs1.openssh": Text(
        "私密金鑰是 OpenSSH 格式（'BEGIN OPENSSH PRIVATE KEY'），不是 PKCS #1。",
        "ssh-keygen 以自己的格式寫出金鑰，Amazon SES 無法讀取。金鑰本身在改寫成 PKCS #1 後即可使用。"
        "在改寫之前，這是永久性的問題。",
        "將一份副本改寫為 PKCS #1 格式：`cp id_rsa ses.pem && ssh-keygen -p -N '' -m PEM -f ses.pem`"
        "（更好的做法是以 `openssl genrsa` 另外產生一把專供 DKIM 使用的金鑰）。",
        True,
    ),
    "public_key_has_pem_armor": Text(
        "公開金鑰仍帶有 PEM 開頭與結尾行。",
        "'-----BEGIN PUBLIC KEY-----' 與 '-----END PUBLIC KEY-----' 這兩行屬於檔案，不屬於金鑰；"
        "Amazon SES 會拒絕包含它們的金鑰。在移除之前，這是永久性的問題。",
        "只貼上這兩行之間的 base64 文字（下方顯示的記錄可直接使用）。",
        True,
    ),
    "public_key_has_line_breaks": Text(
        "公開金鑰被拆成好幾行。",
        "Amazon SES 與 DNS 管理介面需要金鑰是不間斷的一行；有換行會導致請求失敗。在移除換行之前，這是永久性的問題。",
        "移除所有換行，讓金鑰成為一行（下方顯示的記錄可直接使用）。",
        True,
    ),
    "public_key_is_private": Text(
        "這是私密金鑰，不是公開金鑰。",
        "它絕不能發佈到 DNS，也不能貼到要求公開金鑰的地方。它的公開部分可以從它推導出來。"
        "這是永久性的：發佈它就等於洩漏私密金鑰。",
        "加上 --private-key FILE 再執行一次，即可取得公開金鑰記錄；請妥善保管私密金鑰。",
        True,
    ),
    "dns_key_mismatch": Text(
        "{key} 上發佈的金鑰不是這把私密金鑰的公開部分。",
        "DNS 提供的 RSA 金鑰模數不同，所以用這把私密金鑰簽署的郵件會驗證失敗。"
        "記錄可能在產生新金鑰後沒有更新，或屬於另一組金鑰。在記錄或私密金鑰變更之前，這是永久性的問題。",
        "在 {key} 發佈這裡顯示的記錄，取代舊記錄；或改用與 DNS 上金鑰相符的私密金鑰簽署。",
        True,
    ),
    # --- forensics and ARC (issue 4) ---
    "body_appended": Text(
        "已證實：簽章（d={d}，s={s}）製作後，內文被加上了 {lines} 行（{bytes} 位元組）；"
        "第一行：「{first_line}」。",
        "移除這幾行後，內文的雜湊值又與簽章的 bh= 相符，所以其餘內文與 {d} 簽署時完全相同。"
        "加在內文或 MIME 部分結尾的文字，可能是郵寄清單的頁尾、免責聲明或防毒橫幅。"
        "對這封郵件而言，這是永久性的問題。",
        "找出加上這段文字的環節（上面的第一行會透露是誰），請它停止，或在加上文字後重新簽署（DKIM 或 ARC）。",
        True,
    ),
    "body_prepended": Text(
        "已證實：簽章（d={d}，s={s}）製作後，內文開頭被插入了 {lines} 行（{bytes} 位元組）；"
        "第一行：「{first_line}」。",
        "移除這幾行後，內文的雜湊值又與 bh= 相符。放在內文或 MIME 部分最上方的文字，"
        "可能是閘道加上的警告橫幅（「外部寄件者」）。對這封郵件而言，這是永久性的問題。",
        "讓加上橫幅的閘道先驗證 DKIM 並記錄結果（ARC）後再加，或改為在主旨或標頭加上標記，而不要改動內文。",
        True,
    ),
    "body_truncated": Text(
        "已證實：內文比簽章（d={d}，s={s}）涵蓋的部分（l=）短了 {bytes} 位元組。",
        "簽章的 l= 註明了簽署的正規化內文位元組數，而收到的內文比它短：有某個環節截短了內文，"
        "可能是大小限制或移除了附件。對這封郵件而言，這是永久性的問題。",
        "找出會截短郵件的環節（移除附件、大小限制），讓已簽署的郵件不受影響，或讓它在修改後重新簽署。",
        True,
    ),
    "body_line_endings": Text(
        "已證實：簽章（d={d}，s={s}）是以單獨 LF 換行的內文製作的，而郵件送達時是 CRLF 換行。",
        "轉回單獨的 LF 後，內文的雜湊值又與 bh= 相符。簽署者是以 Unix（LF）形式計算郵件的雜湊值，"
        "而它的郵件伺服器依規定在 SMTP 傳送時轉成了 CRLF：這個簽章從一開始就是壞的。"
        "這是永久性的問題，而且 {d} 以這種方式簽署的每封郵件可能都會受影響。",
        "讓簽署者以郵件實際傳送的形式（CRLF 換行）計算雜湊值，例如在 MTA（milter）中簽署，"
        "而不是在寫出 LF 檔案的腳本中簽署。",
        True,
    ),
    "body_whitespace": Text(
        "已證實：簽章（d={d}，s={s}）以 simple 內文正規化製作後，有 {lines} 行的行尾空白被改動；"
        "第一行：「{first_line}」。",
        "把行尾空白還原成簽署時的樣子後，內文的雜湊值又與 bh= 相符。在 c=.../simple 下，每個空白都算數；"
        "會刪除或加上行尾空白（或破壞 format=flowed 軟換行）的轉送伺服器，會讓這種簽章失效。"
        "對這封郵件而言，這是永久性的問題。",
        "改用 relaxed 內文正規化簽署（c=relaxed/relaxed），它會忽略行尾空白。",
        True,
    ),
    "mbox_from_quoting": Text(
        "已證實：簽章（d={d}，s={s}）製作後，有 {lines} 行的「>From 」引用方式被改動；"
        "第一行：「{first_line}」。",
        "信箱（mbox）儲存時會在以「From 」開頭的內文行前加上「>」，有些郵件程式讀取時會再把它拿掉。"
        "還原這項改動後，內文的雜湊值又與 bh= 相符：郵件在傳送途中完好無缺，改動是在儲存的地方發生的。",
        "寄件端不需要修正。請以送達時、存入信箱之前的郵件驗證，或使用 maildir 或「下載原始郵件」匯出的檔案。",
        None,
    ),
    "body_unexplained": Text(
        "測試過的改動都無法解釋為何內文不再符合簽章的 bh=（d={d}，s={s}）。",
        "已分別嘗試移除內文或 MIME 部分結尾或開頭的一段文字、換行字元、行尾空白與 From 引用，"
        "但都無法重現 {d} 簽署時的內文雜湊值。證據中列出了目前所知的內文資訊。"
        "內文在簽署後遭到修改，所以對這封郵件而言，這是永久性的問題。",
        "將這份郵件與寄件者送出時的版本（寄件備份）比對，找出轉送途中被改動的地方。",
        True,
    ),
    "body_likely_reencoded": Text(
        "d={d}，s={s} 簽署的內文可能被轉送伺服器重新編碼了（推測）。",
        "證據顯示有傳輸編碼轉換的跡象（例如從 8bit 轉成 quoted-printable）；簽署後的轉換會改動每一行編碼過的內容，"
        "使內文雜湊值不再相符。這只是可能，並未證實。無論如何，對這封郵件而言，內文雜湊值的失敗是永久性的。",
        "讓寄件系統在簽署前自行將 8 位元文字編碼（quoted-printable 或 base64），就不需要任何轉送伺服器轉換。",
        True,
    ),
    "body_hash_also_fails": Text(
        "簽章（d={d}，s={s}）的內文雜湊值也不相符：內文在簽署後遭到修改。",
        "判定結果說明了簽章為何無法驗證（{reason}），但 bh= 只是內文本身的雜湊值，不需要金鑰"
        "（RFC 6376 §3.7）：依收到的內文重新計算後並不相符，所以這份內文不是 {d} 簽署的那一份，"
        "與 {reason} 無關。即使解決了這個問題，這個簽章對這封郵件仍會失敗。標頭簽章狀態：{header_state}"
        "（它需要金鑰：金鑰無法使用時，無法得知已簽署的標頭欄位是否也被修改）。對這封郵件而言，這是永久性的問題。",
        "為日後的郵件解決 {reason}；至於這封郵件，請找出傳送途中修改內文的環節（能夠證實時，旁邊的發現會指出修改內容）。",
        True,
    ),
    "header_modified": Text(
        "已證實：簽章（d={d}，s={s}）製作後，已簽署的 {header} 標頭遭到修改。",
        "以原本的值「{original}」取代收到的「{received}」後，標頭簽章又能以 {key} 上的金鑰通過驗證。"
        "對這封郵件而言，這是永久性的問題。",
        "",
        True,
    ),
    "change.subject_tag": Text(
        "主旨被加上了標記。",
        "可能是郵寄清單或閘道在 Subject 中加上了標記。",
        "請郵寄清單或閘道停止在主旨加上標記，或以 ARC 封存它的改動，讓收件端能信任原本的驗證結果。",
        True,
    ),
    "change.refolded": Text(
        "標頭被重新摺行。",
        "轉送伺服器改變了標頭的換行位置；在 simple 標頭正規化下，這會讓簽章失效。",
        "改用 relaxed 標頭正規化簽署（c=relaxed/...），它會忽略摺行。",
        True,
    ),
    "change.respaced": Text(
        "標頭中的空白被改動。",
        "轉送伺服器改動了標頭中的空白；在 simple 標頭正規化下，每個空白都算數。",
        "改用 relaxed 標頭正規化簽署（c=relaxed/...），它會忽略這類改動。",
        True,
    ),
    "change.name_case": Text(
        "標頭名稱的大小寫被改動。",
        "轉送伺服器改寫了欄位名稱的大小寫；simple 標頭正規化會保留大小寫，所以簽章失效。",
        "改用 relaxed 標頭正規化簽署（c=relaxed/...），它會將名稱轉為小寫。",
        True,
    ),
    "change.reencoded": Text(
        "8 位元字元被重新編碼。",
        "標頭是以原始 UTF-8 簽署的，而不支援 SMTPUTF8 的轉送伺服器將它轉成了 RFC 2047 encoded-word。",
        "在簽署前將非 ASCII 的標頭文字編碼為 RFC 2047 encoded-word，或確認每一站都支援 SMTPUTF8。",
        True,
    ),
    "change.from_rewritten": Text(
        "From 被改寫（郵寄清單的「via」地址）。",
        "郵寄清單把作者的地址換成自己的地址，以免作者網域的 DMARC 政策拒收它轉發的郵件；原本的地址保留在另一個標頭中。",
        "會改寫 From 的郵寄清單本來就會這樣；收件端評估的是清單自己的簽章與 ARC 封印。作者這端不需要修正。",
        True,
    ),
    "change.added": Text(
        "標頭多了一個實例。",
        "有一站加上了 {header} 欄位，但簽署者已簽署這個名稱（或以超額簽署禁止新增）；"
        "新增的欄位現在成了 h= 所選取的內容之一。去掉它，簽章就能通過驗證。",
        "找出加上這個欄位的一站並讓它停止；超額簽署在這裡正發揮作用。",
        True,
    ),
    "change.removed": Text(
        "已簽署的標頭被移除。",
        "有一站移除了 {header} 欄位（它的值以另一個名稱保留下來）；還原後，簽章就能通過驗證。",
        "找出移除或重新命名這個欄位的一站，並讓它停止。",
        True,
    ),
    "header_unexplained": Text(
        "測試過的改動都無法解釋為何標頭簽章（d={d}，s={s}）驗證失敗。",
        "已重新驗證已簽署標頭（{signed}）各種合理的原始值，但都無法通過。其中 {rewritten} 常在傳送途中被改寫；"
        "這並不代表就是它們被改動。如果 {d} 寄出的每封郵件都這樣失敗，私密金鑰可能與 {key} 上的金鑰不相符。"
        "對這封郵件而言，這是永久性的問題。",
        "將已簽署的標頭與寄件者寄件備份中的版本比對，並將簽署者使用的私密金鑰與 {key} 上發佈的金鑰比對。",
        True,
    ),
    "arc_attests_original_pass": Text(
        "{d}（s={s}）的簽章現在驗證失敗，但完整的 ARC 鏈顯示它在 {sealer} 處理郵件之前是通過的。",
        "由 {sealer} 封印的 ARC 組 i={instance}，在郵件抵達時為 {d} 記錄了 dkim=pass，而且整條鏈驗證通過（cv=pass）。"
        "所以很可能是 {sealer} 之後改動了郵件（郵寄清單常會這樣做），使簽章（d={d}，s={s}）失效"
        "（之後的封印者：{later}）。信任 {sealer} 的收件端可以採用這個結果（RFC 8617 §7.2）。",
        "{d} 這端不需要修正。如果您的郵件被拒收，請 {sealer} 持續加上 ARC 封印，並請收件端信任它的封印。",
        None,
    ),
    "arc_saw_original_fail": Text(
        "第一個 ARC 封印者 {sealer} 收到郵件時，簽章（d={d}，s={s}）就已經驗證失敗。",
        "由 {sealer} 封印的 ARC 組 i={instance} 為 {d} 記錄了 dkim=fail。破壞簽章的改動發生在那一站之前："
        "在寄件者自己的系統，或 {sealer} 之前的轉送伺服器，而不是在 {sealer} 或之後。"
        "對這封郵件而言，這是永久性的問題。",
        "請檢查寄件端：{d} 簽署後有什麼改寫了郵件，或簽署者的金鑰是否與 {key} 相符。",
        True,
    ),
    "arc_chain_failed": Text(
        "這封郵件的 ARC 鏈驗證失敗（cv=fail）。",
        "郵件中有 {sealer} 封印的 ARC 組，但整條鏈已經斷裂：{detail}。收件端會忽略斷裂的鏈所記錄的內容。"
        "對這封郵件而言，這是永久性的問題。",
        "如果 {sealer} 封印的每封郵件都這樣失敗，問題在它的 ARC 封印；如果只有這一封，表示郵件或它的 ARC "
        "標頭欄位在封印後遭到修改。",
        True,
    ),
    "arc_temporary": Text(
        "無法驗證 ARC 鏈：DNS 查詢暫時失敗。",
        "無法取得 {sealer} 封印的 ARC 組所用的金鑰（SERVFAIL 或逾時）。這是暫時性的，並不是金鑰不存在：{detail}。",
        "稍後再試。",
        False,
    ),
    "arc_key_not_found": Text(
        "目前無法驗證 ARC 鏈：金鑰 d={d}，s={s} 不在 DNS 中。",
        "ARC 組 i={instance}（由 {sealer} 封印）的 {field} 是用 {key} 的金鑰製作的，而 DNS 對這個名稱"
        "回答 {status}。ARC 金鑰和 DKIM 金鑰一樣會輪替，所以對封存的郵件而言這是常態：金鑰很可能在郵件送達後"
        "才被撤下。沒有任何跡象顯示這個 ARC 組在製作時有錯；只是今天已無法檢查，因此現在驗證這條鏈的人"
        "都會得到 cv=fail。對這封郵件而言，這是永久性的問題。",
        "舊郵件不需要做任何事。如果郵件是最近的，表示 {d} 的 DNS 中缺少 {key} 的金鑰：只有 {d} 能發布它。",
        True,
    ),
    "arc_key_not_found.domain_gone": Text(
        "目前無法驗證 ARC 鏈：封印 i={instance} 所用金鑰的網域 {d} 在 {server} 查不到。",
        "ARC 組 i={instance}（由 {sealer} 封印）的 {field} 是用 {key} 的金鑰製作的。{server} 對這個名稱"
        "回答 {status}，對 {d} 本身也回應 NXDOMAIN，但它的頂級網域可以解析。因此這並不代表 {d} 的金鑰如何："
        "可能是這個網域已不存在（舊郵件可能如此），也可能是 {server} 的回應不完整（沒有收錄它的區域檔、"
        "會過濾的解析器）。只有網域確實已不存在時才是永久性的。",
        "下結論之前，請先向另一台解析器（例如 --nameserver 1.1.1.1）查詢 {d}。",
        None,
    ),
    "arc_key_not_found.domain_unreliable": Text(
        "目前無法驗證 ARC 鏈：這裡的 DNS 回應看起來不可靠。",
        "ARC 組 i={instance}（由 {sealer} 封印）的 {field} 是用 {key} 的金鑰製作的，{server} 對它回答 "
        "{status}，但連 {d} 本身、甚至正常的解析器都查得到的頂級網域也回應 NXDOMAIN。這些回應很可能不是"
        "關於 {d} 的事實：離線的電腦、故障或受攔截的解析器，或完全沒有收錄它的區域檔。這很可能是暫時性的。",
        "改用正常運作的解析器（--nameserver），或等這台電腦連上網路後再檢查一次。",
        False,
    ),
    "arc_chain_failed.structure": Text(
        "這封郵件的 ARC 標頭欄位構不成有效的鏈（cv=fail）。",
        "RFC 8617 §5.2 在檢查任何簽章之前先檢查結構：{detail}。收件端會忽略這樣的鏈。這些 ARC 組由 "
        "{sealer} 封印。對這封郵件而言，這是永久性的問題。",
        "如果 {sealer} 封印的每封郵件都是這樣，表示它的 ARC 封印寫出格式錯誤的欄位；如果只有這一封，"
        "表示它的 ARC 標頭欄位在封印後遭到修改（被後續的轉送站，或在儲存的副本中）。",
        True,
    ),
    "arc_chain_failed.sealer_reported_fail": Text(
        "{sealer} 封印這封郵件時，ARC 鏈就已經斷裂（cv=fail）。",
        "{sealer} 的 ARC 組 i={instance} 的 ARC-Seal 寫著 cv=fail：依它自己的記錄，{sealer} 收到郵件時，之前的 ARC "
        "組已無法驗證。被標為失敗的鏈會一直是失敗的（RFC 8617 §5.2 第 2 步），收件端會忽略它。"
        "對這封郵件而言，這是永久性的問題。",
        "{sealer} 不需要修正：它只是記錄了它所看到的。請檢查它之前的轉送站：它們的 ARC 組，或郵件在抵達 "
        "{sealer} 之前遭到的修改。",
        True,
    ),
    "arc_chain_failed.body_changed": Text(
        "ARC 鏈驗證失敗：{sealer} 封印郵件之後，內文遭到修改（cv=fail）。",
        "最新的 ARC-Message-Signature（ARC 組 i={instance}，d={d}，s={s}）的內文雜湊（bh=）與目前的內文不符。"
        "所以內文是在該 ARC 組製作之後被修改的：被一個沒有加上自己 ARC 組的後續轉送站，或在儲存的副本中；"
        "或是 {sealer} 計算內文雜湊的方式有誤。收件端會忽略這條鏈（RFC 8617 §5.2 第 4 步）。"
        "對這封郵件而言，這是永久性的問題。",
        "如果只有這封郵件失敗，請找出在 {sealer} 之後修改內文的環節（轉送站、閘道器、檔案被編輯）。"
        "如果 {sealer} 封印的每封郵件都失敗，表示它的 ARC 簽署有問題。",
        True,
    ),
    "arc_chain_failed.headers_changed": Text(
        "ARC 鏈驗證失敗：最新的 ARC-Message-Signature（d={d}，s={s}）驗證失敗（cv=fail）。",
        "ARC 組 i={instance} 的標頭簽章無法用 {key} 的金鑰驗證。可能是它所簽署的某個標頭欄位在 "
        "{sealer} 封印後遭到修改（被後續的轉送站，或在儲存的副本中），也可能是 {key} 的金鑰並不是簽署這個 "
        "ARC 組所用的金鑰。收件端會忽略這條鏈（RFC 8617 §5.2 第 4 步）。對這封郵件而言，這是永久性的問題。",
        "如果只有這封郵件失敗，請找出會修改已簽署標頭欄位的後續轉送站。如果 {sealer} 封印的每封郵件都失敗，"
        "請比對它的 ARC 私鑰與 {key} 的金鑰。",
        True,
    ),
    "arc_chain_failed.seal_failed": Text(
        "ARC 鏈驗證失敗：ARC 組 i={instance} 的 ARC-Seal（d={d}，s={s}）驗證失敗（cv=fail）。",
        "這個封印無法用 {key} 的金鑰驗證。可能是第 1 到 {instance} 組中的某個 ARC 標頭欄位在封印後"
        "遭到修改，也可能是 {key} 的金鑰並不是 {d} 封印時所用的金鑰。收件端會忽略這條鏈"
        "（RFC 8617 §5.2 第 6 步）。對這封郵件而言，這是永久性的問題。",
        "如果 {d} 封印的每封郵件都失敗，請比對它的 ARC 私鑰與 {key} 的金鑰；如果只有這一封，請找出會改寫 "
        "ARC 標頭欄位的轉送站。",
        True,
    ),
    "arc_chain_failed.key_unusable": Text(
        "無法驗證 ARC 鏈：{key} 的金鑰 d={d}，s={s} 無法使用（cv=fail）。",
        "ARC 組 i={instance}（由 {sealer} 封印）的 {field} 需要 {key} 的金鑰，而這筆記錄無法驗證它："
        "{detail}。沒有可用的金鑰，這條鏈就驗證失敗，收件端會忽略它。對這封郵件而言，這是永久性的問題。",
        "如果郵件是最近的，{d} 必須在 {key} 發布有效的金鑰記錄。舊郵件上被撤銷的金鑰（p= 為空）很可能是"
        "之後輪替掉的：不需要做任何事。",
        True,
    ),
    "arc_chain_failed.time": Text(
        "在所用的時間點上 ARC 鏈驗證失敗：ARC 組 i={instance} 的 {field}（d={d}，s={s}）不在有效期間內。",
        "{detail}。尚未生效或已過期的 ARC 組無法通過驗證，所以在那個時間點這條鏈驗證失敗（cv=fail）。"
        "如果那個時間點正確，這是永久性的問題。",
        "封存的郵件請以送達時間檢查（--now）。否則就是封印者的時鐘或它寫的 x= 有誤。",
        True,
    ),
    # --- spf: SPF as recorded and as of today, the DMARC result (issue 13) ---
    "dmarc_alignment.spf_pass": Text(
        "僅靠 DKIM 無法滿足 {from_domain} 的 DMARC 原則（原則：{policy}），但對齊的 SPF 可以。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "此郵件適用的原則為 {policy}。沒有 d= 為 {alignment_rule} 的簽章通過，但 SPF 對一個"
        "對齊的 MAIL FROM 網域通過（見 spf_result 與 dmarc_result），因此 DMARC 通過，"
        "收件端不會套用 p={policy}。SPF 無法經過轉寄保留：轉寄副本與郵件論壇的郵件在有對齊的"
        "簽章通過之前，可能無法通過 DMARC。對此郵件而言這是永久的。",
        "讓寄件系統以 d={from_domain} 簽署（見其他發現），使 DMARC 不只依賴 SPF。",
        True,
    ),
    "dmarc_alignment.spf_fail": Text(
        "DKIM 與 SPF 都無法滿足 {from_domain} 的 DMARC 原則（原則：{policy}）。",
        "{dmarc_name} 的 DMARC 記錄（p={p}，sp={sp}，adkim={adkim}）適用於 {from_domain}；"
        "此郵件適用的原則為 {policy}。沒有 d= 為 {alignment_rule} 的簽章通過，而依郵件的 "
        "Received 與 Return-Path 重新評估的 SPF 也沒有對齊的 MAIL FROM 網域通過（見 "
        "spf_result 與 dmarc_result）：套用 DMARC 的收件端會套用 p={policy}。"
        "對此郵件而言這是永久的。",
        "讓寄件系統以 d={from_domain} 簽署（見其他發現說明簽章為何缺少或失敗），或改用對齊的 "
        "MAIL FROM 網域，並在其 SPF 記錄中列出寄件伺服器。",
        True,
    ),
    "spf_result": Text(
        "{domain} 的 SPF 通過：{ip} 由 {matched}（{matched_in} 的記錄）允許。",
        "已依郵件重新評估 SPF（RFC 7208）：收件端邊界 Received 欄位中的用戶端 {ip}"
        "（HELO {helo}），以 {mailfrom} 寄出（{identity} 身分）。{domain} 的記錄透過 {matched} "
        "允許它；使用了 10 個 DNS 查詢項目中的 {lookups} 個。遞送時收件端記錄為 spf={recorded}。",
        "無需處理。",
        None,
    ),
    "spf_result.recorded": Text(
        "{recorded_by} 記錄了 {recorded_domain} 的 spf={recorded}；無法從此郵件重新檢查 SPF。",
        "受信任的收件端 {recorded_by} 在郵件抵達時記錄了 {recorded_domain} 的 spf={recorded}。"
        "此處未重新評估：{skipped}。",
        "此郵件無需處理。",
        None,
    ),
    "spf_result.rotated": Text(
        "{domain} 的 SPF 在遞送時通過，但今天失敗（{result}）：SPF 記錄在那之後已變更。",
        "{recorded_by} 在郵件抵達時記錄了 {recorded_domain} 的 spf=pass；今天以相同的用戶端 "
        "{ip} 與 MAIL FROM {mailfrom} 重新評估，{domain} 的記錄給出 {result}（{matched_in} "
        "記錄中的 {matched}{detail}）。很可能有 include 或位址範圍在那之後被移除或替換。"
        "對已在遞送時通過的此郵件無害；但來自 {ip} 的新郵件現在 SPF 會失敗。"
        "在記錄再次變更前這是永久的。",
        "若 {ip} 仍為 {domain} 寄信，請把它（或其平台的 include:）加回 {domain} 的 SPF 記錄；"
        "若已不再寄信，則無需處理。",
        True,
    ),
    "spf_result.changed": Text(
        "{domain} 的 SPF 在遞送時失敗（spf={recorded}），今天通過：SPF 記錄在那之後已變更。",
        "{recorded_by} 在郵件抵達時記錄了 {recorded_domain} 的 spf={recorded}；今天以相同的"
        "用戶端 {ip} 重新評估，{domain} 的記錄透過 {matched} 允許它。記錄很可能在此郵件遞送後"
        "才修正：收件端是依當時看到的記錄判斷此郵件。",
        "無需處理：來自 {ip} 的新郵件 SPF 會通過。",
        None,
    ),
    "spf_result.fail": Text(
        "{domain} 的 SPF 未通過：{ip} 不被允許（{result}，由 {matched_in} 記錄中的 {matched}）。",
        "已對收件端邊界 Received 欄位中的用戶端 {ip}（HELO {helo}）、以 {mailfrom} 寄出的郵件"
        "重新評估 SPF（RFC 7208）：{domain} 的記錄以 {matched} 結尾，對未列出的位址給出 "
        "{result}。遞送時收件端記錄為 spf={recorded}。在記錄列出此寄件者之前這是永久的。",
        "若 {ip} 為 {domain} 寄信，請將它加入 {domain} 的 SPF 記錄（ip4:/ip6:，或寄件平台的 "
        "include:）。若郵件是被轉寄的，請見 spf_forwarded。",
        True,
    ),
    "spf_result.neutral": Text(
        "{domain} 的 SPF 沒有結論：記錄對 {ip} 給出 neutral。",
        "{domain} 的記錄以 {matched}（neutral）結尾，對未列出的位址既不允許也不拒絕用戶端 "
        "{ip}；對 DMARC 而言 neutral 不算通過。",
        "在 {domain} 的 SPF 記錄中列出為它寄信的伺服器，並以 ~all 或 -all 結尾。",
        True,
    ),
    "spf_result.none": Text(
        "{domain} 沒有發布 SPF 記錄。",
        "MAIL FROM 網域 {domain} 沒有 v=spf1 TXT 記錄，因此 SPF 對用戶端 {ip} 給出 none，"
        "無法幫助 DMARC。在發布記錄之前這是永久的。",
        "在 {domain} 發布 TXT 記錄：`v=spf1`，接著列出為它寄信的伺服器與平台（ip4:、include:），"
        "並以 `~all` 或 `-all` 結尾。",
        True,
    ),
    "spf_result.too_many_lookups": Text(
        "{domain} 的 SPF 記錄需要超過 10 次 DNS 查詢：SPF 為 permerror。",
        "RFC 7208 §4.6.4 規定一次評估中最多 10 個會產生 DNS 查詢的項目（include、a、mx、ptr、"
        "exists、redirect），巢狀的 include 也計入；評估 {domain} 的記錄需要更多（{terms}）。"
        "收件端會給出 permerror，使每封郵件都無法經由 SPF 通過 DMARC。在記錄變更前這是永久的。",
        "精簡 {domain} 的 SPF 記錄：移除不再使用之平台的 include，將 a 與 mx 改為 ip4:/ip6: "
        "範圍，或把部分寄件者移到有自己記錄的子網域。",
        True,
    ),
    "spf_result.void_lookups": Text(
        "{domain} 的 SPF 記錄有超過 2 次查無結果的查詢：SPF 為 permerror。",
        "RFC 7208 §4.6.4 規定最多 2 個查詢項目可以得到 NXDOMAIN 或無記錄；評估 {domain} 的"
        "記錄遇到更多（{voids}）。很可能是已停用服務的 include 或 a: 名稱。在記錄變更前這是永久的。",
        "從 {domain} 的 SPF 記錄（或它所 include 的記錄）移除指向 {voids} 的項目。",
        True,
    ),
    "spf_result.permerror": Text(
        "{domain} 的 SPF 記錄無法評估（permerror）：{detail}。",
        "為 {ip} 評估 {domain} 的 SPF 記錄時因永久錯誤而停止：{detail}。收件端會給出 "
        "permerror，使 DMARC 無法經由 SPF 通過。在修正記錄前這是永久的。",
        "依照細節修正 {domain} 的記錄（只有一筆 v=spf1 記錄、項目皆有效、每個 include: "
        "都有自己的記錄）。",
        True,
    ),
    "spf_result.temperror": Text(
        "無法評估 {domain} 的 SPF（暫時性 DNS 失敗）。",
        "評估 {domain} 的 SPF 記錄所需的查詢失敗：{detail}。收件端會給出 temperror，"
        "並可能延後收信。這是暫時性的。",
        "確認 {domain}（以及它 include 的網域）的權威伺服器有回應，然後再檢查一次。",
        False,
    ),
    "spf_unaligned": Text(
        "{domain} 的 SPF 通過，但它與 {from_domain} 不對齊：不計入 DMARC。",
        "DMARC（RFC 9989 §4.4）只計算與寄件者網域 {from_domain} 位於相同組織網域（aspf=s 時為"
        "相同網域）的 MAIL FROM 網域的 SPF 通過；MAIL FROM {mailfrom} 位於 {domain} 之下。"
        "對此郵件而言這是永久的。",
        "改用 {from_domain} 之下的 MAIL FROM（退信）位址，例如 bounce@{org_domain}，並在其 SPF "
        "記錄中列出寄件伺服器；或依靠對齊的 DKIM 簽章。",
        True,
    ),
    "spf_unaligned.ses": Text(
        "SPF 對 Amazon SES 的預設 MAIL FROM（{domain}）通過，但它無法與 {from_domain} 對齊。",
        "除非設定自訂 MAIL FROM 網域，Amazon SES 會以自己的 MAIL FROM 網域（{mailfrom}）寄出，"
        "而 {domain} 的 SPF 通過永遠無法在 DMARC 中與 {from_domain} 對齊（RFC 9989 §4.4）。"
        "DMARC 因此只能依靠 DKIM。對此郵件而言這是永久的。",
        "在 SES 主控台為 {from_domain} 設定自訂 MAIL FROM 網域（例如 bounce.{from_domain} "
        "這類不作他用的子網域），在該子網域發布 SES 顯示的 MX 記錄"
        "（10 feedback-smtp.{region}.amazonses.com）與 TXT 記錄 `v=spf1 include:amazonses.com "
        "~all`，並等待 SES 偵測到它們：之後 SPF 就會對齊通過。",
        True,
    ),
    "spf_unaligned.provider": Text(
        "SPF 對 {provider} 自己的 MAIL FROM 網域（{domain}）通過，但它無法與 {from_domain} 對齊。",
        "{provider} 以自己的退信網域（{mailfrom}）寄出此郵件；{domain} 的 SPF 通過永遠無法在 "
        "DMARC 中與 {from_domain} 對齊（RFC 9989 §4.4），因此 DMARC 只能依靠 DKIM。"
        "對此郵件而言這是永久的。",
        "依 {provider} 文件，在 {from_domain} 之下設定其自訂 return-path（退信或 MAIL FROM）"
        "網域（在您選擇的子網域設定 CNAME 或 MX 與 SPF 記錄），讓 SPF 對齊通過。",
        True,
    ),
    "spf_permissive": Text(
        "{domain} 的 SPF 記錄以 +all 結尾：網際網路上任何伺服器都能通過它的 SPF。",
        "記錄 `{record}` 讓任何位址都能通過 {domain} 的 SPF，因此 SPF 通過不能證明任何事，"
        "任何人都能以對齊的 MAIL FROM 經由 SPF 通過 DMARC。在記錄變更前這是永久的。",
        "將 {domain} 的 SPF 記錄中的 +all 改為 ~all（列出所有寄件者後可改為 -all）。",
        True,
    ),
    "spf_permissive.neutral": Text(
        "{domain} 的 SPF 記錄以 ?all 結尾：未列出的伺服器得不到結論。",
        "記錄 `{record}` 對未列出的位址給出 neutral，因此 {domain} 的 SPF 永遠不會失敗，"
        "SPF 無法分辨偽造郵件。在記錄變更前這是永久的。",
        "讓 {domain} 的 SPF 記錄以 ~all 結尾（列出所有寄件者後可改為 -all）。",
        True,
    ),
    "spf_forwarded": Text(
        "SPF 失敗，因為郵件很可能經由 {helo} 轉寄；對齊的簽章 d={d}，s={s} 讓 DMARC 通過。",
        "收件端從 {helo} [{ip}] 收下此郵件，而 {domain} 的 SPF 記錄沒有列出它（遞送時 "
        "spf={recorded}，今天 {result}）：有轉寄者或郵件論壇轉送了它，而 SPF 無法經過轉寄保留"
        "（RFC 7208 §9.1）。DKIM 可以：d={d}，s={s} 通過且對齊，因此 DMARC 通過。"
        "此郵件的 SPF 無需修正。",
        "無需處理；持續以對齊的 d= 簽署，讓轉寄的郵件也能通過 DMARC。",
        None,
    ),
    "spf_forwarded.arc": Text(
        "SPF 失敗，因為郵件很可能經由 {helo} 轉寄；只有 ARC 能帶著原本的結果。",
        "收件端從 {helo} [{ip}] 收下此郵件，而 {domain} 的 SPF 記錄沒有列出它（遞送時 "
        "spf={recorded}，今天 {result}）：有轉寄者轉送了它，而 SPF 無法經過轉寄保留"
        "（RFC 7208 §9.1）。沒有對齊的簽章通過，因此除非收件端信任轉寄者的 ARC 封印"
        "（{arc_sets} 組 ARC），DMARC 會失敗。對此郵件而言這是永久的。",
        "以 d={from_domain} 簽署（對齊的 DKIM 可經過轉寄保留）；請轉寄者保持簽章完整並加上 ARC 封印。",
        True,
    ),
    "spf_forwarded.no_dkim": Text(
        "SPF 失敗，因為郵件很可能經由 {helo} 轉寄，且沒有對齊的簽章通過來讓 DMARC 通過。",
        "收件端從 {helo} [{ip}] 收下此郵件，而 {domain} 的 SPF 記錄沒有列出它（遞送時 "
        "spf={recorded}，今天 {result}）：很可能有轉寄者或郵件論壇轉送了它，而 SPF 無法經過"
        "轉寄保留（RFC 7208 §9.1）。只有 DKIM（或 ARC）能讓 DMARC 經過轉寄仍然通過，"
        "而沒有對齊的簽章通過。對此郵件而言這是永久的。",
        "以 d={from_domain} 簽署：對齊的 DKIM 簽章可在 SPF 無法保留的轉寄中保留。",
        True,
    ),
    "dmarc_result": Text(
        "{from_domain} 的 DMARC 經由 DKIM 通過：d={d}，s={s} 已對齊。",
        "當對齊的 DKIM 簽章或對齊的 SPF 結果通過時，DMARC 結果（RFC 9989 §4.4）即通過。"
        "d={d}，s={s} 通過且與 {from_domain} 對齊（依 DNS 樹狀查詢，組織網域為 {org_domain}）；"
        "SPF 對 {spf_domain} 給出 {spf_result}。原則 {tag}={policy}（記錄位於 "
        "_dmarc.{record_domain}）不會被套用。",
        "無需處理。",
        None,
    ),
    "dmarc_result.spf": Text(
        "{from_domain} 的 DMARC 只經由 SPF 通過（{spf_domain} 已對齊）。",
        "當對齊的 DKIM 簽章或對齊的 SPF 結果通過時，DMARC 結果（RFC 9989 §4.4）即通過。"
        "沒有對齊的簽章通過，但 SPF 對 {spf_domain} 通過，且與 {from_domain} 對齊（依 DNS "
        "樹狀查詢，組織網域為 {org_domain}）。原則 {tag}={policy}（記錄位於 "
        "_dmarc.{record_domain}）不會被套用。SPF 無法經過轉寄保留：轉寄副本可能無法通過 DMARC。",
        "同時以 d={from_domain} 簽署，讓 DMARC 在轉寄後仍能通過。",
        None,
    ),
    "dmarc_result.both": Text(
        "{from_domain} 的 DMARC 經由 DKIM（d={d}，s={s}）與 SPF（{spf_domain}）通過。",
        "對齊的簽章與對齊的 SPF 結果都通過（RFC 9989 §4.4；依 DNS 樹狀查詢，組織網域為 "
        "{org_domain}）。原則 {tag}={policy}（記錄位於 _dmarc.{record_domain}）不會被套用。",
        "無需處理。",
        None,
    ),
    "dmarc_result.delivery_pass": Text(
        "{from_domain} 的 DMARC 在遞送時通過，但今天重新檢查時失敗。",
        "收件端 {receiver} 在郵件抵達時的記錄（其 dmarc= 或 spf= 結果，或對齊簽章的 dkim=pass）"
        "顯示當時 DMARC 通過。今天重新檢查，沒有對齊的 DKIM 簽章通過，而 SPF 對 {spf_domain} "
        "給出 {spf_result}：金鑰或 SPF 記錄很可能在那之後已變更（見其他發現）。原則 "
        "{tag}={policy}（記錄位於 _dmarc.{record_domain}）會套用到類似的新郵件。{notes}"
        "對此郵件而言這是永久的，且在已遞送後無害。",
        "此郵件無需處理；請確認目前的郵件仍以對齊且已發布的金鑰簽署，並從 SPF 記錄列出的伺服器寄出。",
        True,
    ),
    "dmarc_result.fail": Text(
        "{from_domain} 的 DMARC 失敗：沒有對齊的 DKIM 或 SPF 結果通過；原則為 {tag}={policy}。",
        "只有在對齊的 DKIM 簽章或對齊的 SPF 結果通過時，DMARC 結果（RFC 9989 §4.4）才通過；"
        "此處兩者皆無（SPF 對 {spf_domain} 給出 {spf_result}；依 DNS 樹狀查詢，組織網域為 "
        "{org_domain}）。適用的原則為 {tag}={policy}（記錄位於 _dmarc.{record_domain}）："
        "套用 DMARC 的收件端會{action}。{notes}對此郵件而言這是永久的。",
        "讓寄件系統以 d={from_domain} 簽署，或以 SPF 允許的對齊 MAIL FROM 網域寄出（見其他發現）。",
        True,
    ),
    # --- spf: end ---
    # --- spf: `dns DOMAIN`'s SPF record check (issue 13) ---
    "spf_record": Text(
        "{domain} 的 SPF 記錄有效：使用了 10 個 DNS 查詢項目中的 {lookups} 個。",
        "記錄 `{record}` 可以解析（RFC 7208 §4.6），為未列出的寄件者評估時使用了 10 個會產生 "
        "DNS 查詢的項目中的 {lookups} 個（{terms}），且查無結果的查詢不超過 2 次。",
        "無需處理。",
        None,
    ),
    "spf_record.missing": Text(
        "{domain} 沒有發布 SPF 記錄。",
        "{domain} 沒有 v=spf1 TXT 記錄，因此 MAIL FROM 位於 {domain} 之下的郵件 SPF 結果為 none，"
        "DMARC 只能經由 DKIM 通過。在發布記錄之前這是永久的。",
        "在 {domain} 發布 TXT 記錄：`v=spf1`，接著列出為它寄信的伺服器與平台（ip4:、include:），"
        "並以 `~all` 或 `-all` 結尾（若它不寄信，使用 `v=spf1 -all`）。",
        True,
    ),
    "spf_record.invalid": Text(
        "{domain} 的 SPF 記錄為 permerror：{detail}。",
        "收件端無法評估 {domain} 的 SPF 記錄：{detail}。MAIL FROM 位於 {domain} 之下的每封郵件"
        "都會得到 spf=permerror，無法通過 DMARC。在修正記錄前這是永久的。",
        "依照細節修正記錄：只有一筆 v=spf1 記錄、項目皆有效（RFC 7208 §12）、每個 include: 與 "
        "redirect= 指向有記錄的網域。",
        True,
    ),
    "spf_record.too_many_lookups": Text(
        "{domain} 的 SPF 記錄需要超過 10 次 DNS 查詢：收件端會給出 permerror。",
        "為未列出的寄件者評估此記錄需要超過 RFC 7208 §4.6.4 允許的 10 個 DNS 查詢項目"
        "（{terms}），巢狀的 include 也計入。收件端會以 permerror 停止。在記錄變更前這是永久的。",
        "精簡 {domain} 的記錄：移除不再使用之平台的 include，將 a 與 mx 改為 ip4:/ip6: 範圍，"
        "或把部分寄件者移到有自己記錄的子網域。",
        True,
    ),
    "spf_record.void_lookups": Text(
        "{domain} 的 SPF 記錄有超過 2 次查無結果的查詢：收件端會給出 permerror。",
        "RFC 7208 §4.6.4 規定最多 2 個查詢項目可以得到 NXDOMAIN 或無記錄；{domain} 的記錄遇到"
        "更多（{voids}），很可能是已停用的服務。在記錄變更前這是永久的。",
        "從 {domain} 的記錄移除指向 {voids} 的項目。",
        True,
    ),
    "spf_record.temperror": Text(
        "無法檢查 {domain} 的 SPF 記錄（暫時性 DNS 失敗）。",
        "評估 {domain} 的記錄所需的查詢失敗：{detail}。這是暫時性的。",
        "確認 {domain} 及其 include 之網域的權威伺服器有回應，然後再檢查一次。",
        False,
    ),
    # --- spf: end ---
}

_PHRASES_ZH_TW: dict[str, str] = {
    "outcome.pass": "通過",
    "outcome.fail": "失敗",
    "outcome.temporary": "暫時性失敗",
    "headline.pass": "寄件者自己的網域 {from_domain} 的簽章（d={d}，s={s}）驗證通過。",
    "headline.pass_headers": "寄件者自己的網域 {from_domain} 的標頭簽章（d={d}，s={s}）驗證通過（未提供內文）。",
    "headline.pass_dmarc": "寄件者自己的網域 {from_domain} 的簽章（d={d}，s={s}）驗證通過，"
    "因此符合該網域的 DMARC 政策（{policy}）。",
    "headline.fail": "寄件者網域 {from_domain} 沒有任何簽章通過驗證。",
    "label.message": "郵件",
    "label.from": "寄件者",
    "label.subject": "主旨",
    "label.dmarc": "DMARC",
    "label.findings": "檢查結果",
    "label.fix": "修正方式",
    "label.evidence": "證據",
    "label.route": "傳送路徑（由最早的一站開始）",
    "label.signature": "簽章",
    "label.key": "金鑰",
    "label.probe": "探查",
    "label.signed_headers": "已簽署的標頭（驗證時的正規化形式）",
    "label.detail": "細節",
    "label.none": "（無）",
    "permanence.true": "永久性",
    "permanence.false": "暫時性",
    "col.class": "類別",
    "col.result": "結果",
    "col.reason": "原因",
    "col.body": "內文 bh=",
    "col.header": "標頭 b=",
    "col.key": "金鑰",
    "col.hop": "站",
    "col.from": "來源",
    "col.by": "接收者",
    "col.with": "協定",
    "col.time": "時間（UTC）",
    "col.delay": "延遲",
    "dmarc.found": "{record_domain}（p={p}，sp={sp}，adkim={adkim}）：適用政策 {policy}；DKIM {verdict}",
    "dmarc.none": "{from_domain} 沒有記錄",
    "dmarc.temperror": "查詢失敗（暫時性）",
    "dmarc.satisfied": "符合政策",
    "dmarc.unsatisfied": "單獨不符合政策",
    "dmarc.rotated": "無法重新檢查（已對齊的簽章在送達時通過驗證；其金鑰之後可能已輪替）",
    "dmarc.receiver": "；{receiver} 記錄了 dmarc={dmarc}（spf={spf}，smtp.mailfrom={mailfrom}）",
    "recorded.authentication_results": "位於它自己的 Authentication-Results 欄位，依本工具的信任規則"
    "判定可信：由最終收件端寫在寄件者的追蹤欄位之上",
    "recorded.microsoft": "位於 Microsoft 365 的 Authentication-Results 欄位；Microsoft 不寫 "
    "authserv-id，而是把它寫在接收郵件的那個 Received 欄位之上",
    "recorded.arc": "位於第 i={instance} 組的 ARC-Authentication-Results，由 {sealer} 封印，"
    "且整條 ARC 鏈驗證通過",
    "label.checked": "檢查時間",
    "clock.given": "以 {when} 為準（--now）",
    "clock.system": "以 {when} 為準（本機時鐘）",
    "clock.delivery": "以 {when} 為準，即送達時間（受信任收件端的 Received 欄位）",
    "clock.system_fallback": "以 {when} 為準（本機時鐘：郵件中沒有受信任的送達時間）",
    "mode.r": "寬鬆",
    "mode.s": "嚴格",
    "alignment.r": "為 {from_domain} 或屬於同一個組織網域",
    "alignment.s": "正好是 {from_domain} ",
    "state.true": "完好",
    "state.false": "也已損壞",
    "state.none": "未檢查",
    "unknown.domain": "寄件者的網域",
    "unknown.region": "（標頭中未註明）",
    "owner.list": "論壇 {list}",
    "unknown.server": "解析器",
    # --- web: the page of `serve` and the HTML scan report (issue 16) ---
    "web.title": "DKIM 診斷",
    "web.intro": "貼上郵件的標頭或整封郵件，或選擇 .eml 或 mbox 檔案。檢查在本機進行：不會儲存或記錄任何內容。",
    "web.paste": "標頭或整封郵件",
    "web.file": "或選擇 .eml 或 mbox 檔案（也可以拖放到這裡）",
    "web.headers_only": "只當作標頭（忽略內文）",
    "web.submit": "檢查",
    "web.language": "語言",
    "web.messages": "郵件",
    "web.col.number": "#",
    "web.col.source": "來源",
    "web.col.outcome": "結果",
    "web.open_report": "報告",
    "web.copy_text": "複製為文字",
    "web.copied": "已複製到剪貼簿。",
    "web.download_json": "下載 JSON",
    "web.download_all": "下載所有郵件的 JSON",
    "web.text_report": "文字報告",
    "web.headers_only_note": "只有標頭：沒有提供內文，所以不檢查內文雜湊（bh=）；這不算失敗。",
    "web.dmarc_view": "{domain} 的 DMARC 檢視",
    "web.dmarc.no_domain": "沒有可查詢的寄件者網域。",
    "web.dmarc.record": "記錄",
    "web.dmarc.policy": "政策",
    "web.dmarc.aligned_pass": "有已對齊的 DKIM 簽章通過驗證（簽章 {index}）。",
    "web.dmarc.aligned_fail": "沒有已對齊的 DKIM 簽章通過驗證。",
    "web.dmarc.receiver": "{receiver} 在送達時記錄：dmarc={dmarc}，spf={spf}",
    "web.signatures": "簽章",
    "web.no_signatures": "這封郵件沒有 DKIM-Signature 欄位。",
    "web.cls.author": "寄件者本身",
    "web.cls.provider": "寄送服務商",
    "web.cls.provider_benign": "寄送服務商（無害）",
    "web.cls.list": "郵件論壇",
    "web.cls.third_party": "第三方",
    "web.body_hash": "內文雜湊（bh=）",
    "web.header_sig": "標頭簽章（b=）",
    "web.verdict.true": "驗證通過",
    "web.verdict.false": "驗證失敗",
    "web.verdict.none": "未檢查",
    "web.key": "金鑰",
    "web.no_key": "沒有可用的金鑰",
    "web.evidence": "金鑰與 DNS 證據",
    "web.dns.asked": "查詢",
    "web.dns.cname": "CNAME",
    "web.dns.status": "狀態",
    "web.dns.answer": "回答",
    "web.dns.server": "伺服器",
    "web.dns.none": "沒有記錄",
    "web.probes": "探查",
    "web.signed_headers": "已簽署的標頭欄位（h=）",
    "web.no_findings": "沒有檢查結果。",
    "web.sev.error": "錯誤",
    "web.sev.warning": "警告",
    "web.sev.info": "資訊",
    "web.changes": "傳送途中的變更",
    "web.received": "收到的內容",
    "web.original": "簽署時的內容（已還原）",
    "web.proof.header": "證明：把這個欄位還原成簽署時的內容後，簽章 {index} 的標頭簽章（b=）驗證通過。",
    "web.proof.body": "證明：撤銷這項變更後，簽章 {index} 的內文雜湊（bh=）相符。",
    "web.no_route": "這封郵件沒有 Received 欄位。",
    "web.skew": "時鐘偏差：這一站的時鐘比上一站慢",
    "web.boundary": "信任邊界：收件端在這裡從外部接收郵件",
    "web.arc": "ARC 組：誰看到了什麼",
    "web.arc.seal": "封印",
    "web.arc.ams": "郵件簽章",
    "web.arc.saw": "看到 dkim=pass 的網域",
    "web.arc.nothing": "無",
    "web.error.title": "請求被拒絕",
    "web.error.host": "本伺服器只回應它自己的位址。以其他名稱連到這裡的網頁（DNS rebinding）會被拒絕。",
    "web.error.origin": "只能從本頁面送出表單（來自其他網站或沒有來源的請求會被拒絕）。",
    "web.error.empty": "沒有貼上或選擇任何內容：請貼上郵件標頭，或選擇檔案。",
    "web.error.not_found": "沒有這個頁面。",
    "web.error.method": "這裡不使用這種請求方法。",
    "web.error.too_large": "郵件超過 `check` 的大小上限（100 MiB）。",
    "web.error.form": "預期收到本頁面的表單。",
    "web.error.not_a_message": "這不是電子郵件。",
    "web.error.other": "無法處理這個請求。",
    "web.back": "回到表單",
    "web.scan.title": "DKIM 掃描報告",
    "web.scan.summary": "摘要",
    "web.scan.by_domain": "依簽署網域與類別的結果",
    "web.scan.reasons_by_month": "失敗原因隨時間的變化（依郵件的 Date）",
    "web.scan.dns_by_selector": "依選擇器的 DNS 問題",
    "web.scan.messages": "{count} 封郵件",
    "web.scan.no_date": "無日期",
    "web.scan.none": "無。",
    # --- end web ---
    # --- spf: DMARC result phrases (issue 13) ---
    "dmarc.action.none": "照常遞送（p=none 不要求任何處理）",
    "dmarc.action.quarantine": "將它視為可疑郵件（垃圾郵件匣）",
    "dmarc.action.reject": "拒收",
    "dmarc.note.testing": "記錄中有 t=y（測試中）：網域擁有者要求收件端暫不套用 p={policy}，"
    "許多收件端會改套用寬鬆一級的原則。",
    "dmarc.note.pct": "記錄中有 pct={pct}（RFC 7489；RFC 9989 已移除）：原則只套用於 {pct}% "
    "的失敗郵件，其餘寬鬆一級。",
    "dmarc.note.psl": "公共後綴清單（RFC 7489）給出另一個組織網域 {psl}，而 RFC 9989 的樹狀查詢"
    "給出 {org}：仍使用該清單的收件端可能對對齊有不同判斷。",
    # --- spf: end ---
}

CATALOG: dict[str, dict[str, Text]] = {"en": _EN, "zh-TW": _ZH_TW}
PHRASES: dict[str, dict[str, str]] = {"en": PHRASES_EN, "zh-TW": _PHRASES_ZH_TW}
LANGUAGES = tuple(CATALOG)
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
    return None


def lang_from_environ(environ: Mapping[str, str] = os.environ) -> str:
    """The language of the POSIX locale: LC_ALL, then LC_MESSAGES, then LANG (default en)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return normalize_lang(value) or "en"
    return "en"


def lookup(code: str, lang: str = "en") -> Text:
    return CATALOG.get(lang, _EN).get(code) or _EN[code]


def phrase(key: str, lang: str = "en", **fields: object) -> str:
    text = PHRASES.get(lang, PHRASES_EN).get(key) or PHRASES_EN[key]
    return text.format_map(_Fields(fields)) if fields else text


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
