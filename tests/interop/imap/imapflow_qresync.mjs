// imapflow with QRESYNC (RFC 7162) against `layer7 imap serve`, driven by test_imapflow.py: opens
// INBOX and reports its UIDVALIDITY and HIGHESTMODSEQ, waits for a line on stdin (the test changes
// the mailbox meanwhile), then opens INBOX again with those values and reports the expunges
// (VANISHED (EARLIER)) and flag changes the SELECT told. Usage: node imapflow_qresync.mjs VENDOR HOST PORT
import { createRequire } from "node:module";
import path from "node:path";

const [vendor, host, port] = process.argv.slice(2);
const { ImapFlow } = createRequire(path.join(vendor, "package.json"))("imapflow");
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, fatal() {},
                error(entry) { process.stderr.write(JSON.stringify(entry) + "\n"); } };

const client = new ImapFlow({ host, port: Number(port), secure: false, doSTARTTLS: false, qresync: true,
                              auth: { user: "bob", pass: "hungry" }, logger: quiet, disableAutoIdle: true });
const events = [];
client.on("expunge", (e) => events.push({ expunge: e.uid ?? null, vanished: e.vanished, earlier: !!e.earlier }));
client.on("flags", (e) => events.push({ flags: e.uid ?? null, list: [...e.flags].sort(), modseq: String(e.modseq) }));
await client.connect();
let box = await client.mailboxOpen("INBOX");
const seen = { uidValidity: box.uidValidity, highestModseq: box.highestModseq };
out({ step: "first", enabled: [...client.enabled], uidValidity: String(seen.uidValidity),
      highestModseq: String(seen.highestModseq) });
await client.mailboxOpen("Trash");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.pause();  // or the open stdin keeps node running after logout
box = await client.mailboxOpen("INBOX", { uidValidity: seen.uidValidity, changedSince: seen.highestModseq });
out({ step: "resync", qresync: !!box.qresync, highestModseq: String(box.highestModseq), events });
await client.logout();
out({ step: "done" });
