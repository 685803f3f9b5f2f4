// mailauth.mjs: verify every message of an mbox with node's mailauth, in one process.
//
//     node mailauth.mjs MBOX HOST:PORT NOW
//
// The peer runner for mailauth in bench/run.py (mailauth installed under
// bench/peers/node_modules: `npm ci --prefix bench/peers`). The mbox is read in 1 MiB
// chunks and split as analyzer/sources.py splits the bench corpus: an entry starts at a
// "From " line at the start of the file or after an empty line, the empty line before the
// next entry is the mbox's, ">From " lines are unquoted by one ">" (mboxrd). Each message
// goes to dkimVerify whole, with CRLF line endings, as an MTA would hand it over; one
// message at a time (the next starts when the last is done), like the other runners.
//
// DNS: dkimVerify's resolver option is a node dns.promises.Resolver whose one server is
// HOST:PORT (c-ares: TCP when an answer is truncated), no cache across messages (mailauth
// asks each key record once per message): every key is asked from the loopback server like
// the other programs'.
//
// NOW is the Unix time t= and x= are judged by (dkimVerify's curTime).
//
// Output, per signature, in header order (mailauth verifies all of a message's
// signatures):  MESSAGE<TAB>SIGNATURE<TAB>d=<TAB>s=<TAB>result<TAB>mailauth's comment
// and last:     summary messages=N signatures=N pass=N fail=N

import { openSync, readSync, writeSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { dkimVerify } = require('mailauth/lib/dkim/verify');

const [mbox, nameserver, now] = process.argv.slice(2);
if (!now) {
    console.error('usage: node mailauth.mjs MBOX HOST:PORT NOW');
    process.exit(2);
}
const dns = new Resolver({ timeout: 5000, tries: 1 });
dns.setServers([nameserver]);
const resolver = (name, rrtype) => dns.resolve(name, rrtype);
const curTime = new Date(Number(now) * 1000);

let messages = 0;
let signatures = 0;
let passed = 0;
let failed = 0;
let out = [];

const flush = () => {
    writeSync(1, out.join(''));
    out = [];
};

const verify = async entry => {
    // drop the envelope "From " line; unquote ">From "; LF -> CRLF (latin1 keeps the bytes)
    let text = entry.subarray(entry.indexOf(0x0a) + 1).toString('latin1');
    text = text.replace(/^>(>*From )/gm, '$1').replace(/\r?\n/g, '\r\n');
    const result = await dkimVerify(Buffer.from(text, 'latin1'), { resolver, curTime });
    result.results.forEach((sig, i) => {
        const verdict = sig.status?.result ?? 'none';
        const comment = (sig.status?.comment ?? '').replace(/[\t\r\n]+/g, ' ');
        out.push(`${messages}\t${i}\t${sig.signingDomain ?? ''}\t${sig.selector ?? ''}\t${verdict}\t${comment}\n`);
        signatures++;
        verdict === 'pass' ? passed++ : failed++;
    });
    messages++;
    if (out.length > 1000) flush();
};

const fd = openSync(mbox, 'r');
const chunk = Buffer.alloc(1 << 20);
let data = Buffer.alloc(0);
for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    data = n ? Buffer.concat([data, chunk.subarray(0, n)]) : data;
    let start = 0;
    for (let at = data.indexOf('\n\nFrom ', 1); at >= 0; at = data.indexOf('\n\nFrom ', start + 1)) {
        await verify(data.subarray(start, at + 1)); // the empty line before "From " is the mbox's
        start = at + 2;
    }
    data = data.subarray(start);
    if (!n) break;
}
if (data.length) {
    const end = data.length >= 2 && data[data.length - 1] === 0x0a && data[data.length - 2] === 0x0a ? data.length - 1 : data.length;
    await verify(data.subarray(0, end));
}
out.push(`summary messages=${messages} signatures=${signatures} pass=${passed} fail=${failed}\n`);
flush();
