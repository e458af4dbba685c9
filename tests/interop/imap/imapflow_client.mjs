// imapflow (Node.js) against `layer7 imap serve`, driven by test_imapflow.py: connect, log in, LIST,
// fetch envelopes (with CONDSTORE's mod-sequences), flag, move, then IDLE until two EXISTS arrive. One JSON line per step on stdout;
// the test delivers mail when it reads {"step": "idling"}. Usage: node imapflow_client.mjs VENDOR HOST PORT
import { createRequire } from "node:module";
import path from "node:path";

const [vendor, host, port] = process.argv.slice(2);
// Resolved as the vendored package names it (imapflow 1.x is CommonJS).
const { ImapFlow } = createRequire(path.join(vendor, "package.json"))("imapflow");
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

// imapflow says in a debug log line when the server has accepted IDLE ("+"): the test may deliver.
let idleAccepted;
const accepted = new Promise((resolve) => (idleAccepted = resolve));
const logger = {
    trace() {}, info() {}, warn() {}, fatal() {},
    debug(entry) {
        if (entry && entry.msg === "Initiated IDLE, waiting for server input")
            idleAccepted();
    },
    error(entry) { process.stderr.write(JSON.stringify(entry) + "\n"); },
};

const client = new ImapFlow({ host, port: Number(port), secure: false, doSTARTTLS: false,
                              auth: { user: "bob", pass: "hungry" }, logger, disableAutoIdle: true });
await client.connect();
const boxes = await client.list();
out({ step: "list", boxes: boxes.map((b) => [b.path, b.specialUse || null, b.delimiter]) });

const lock = await client.getMailboxLock("INBOX");
try {
    const envelopes = [];
    for await (const m of client.fetch("1:*", { uid: true, envelope: true, flags: true }))
        envelopes.push({ uid: m.uid, subject: m.envelope.subject, from: m.envelope.from[0].address, flags: [...m.flags],
                         modseq: String(m.modseq) });
    // imapflow ENABLEs CONDSTORE when it is offered and keeps the mailbox's HIGHESTMODSEQ (a BigInt).
    out({ step: "fetch", envelopes, enabled: [...client.enabled], highestModseq: String(client.mailbox.highestModseq) });
    const first = String(envelopes[0].uid), second = String(envelopes[1].uid);
    await client.messageFlagsAdd(first, ["\\Flagged", "\\Seen"], { uid: true });
    const flagged = await client.fetchOne(first, { flags: true }, { uid: true });
    out({ step: "flag", flags: [...flagged.flags].sort() });
    const moved = await client.messageMove(second, "Trash", { uid: true });
    out({ step: "move", destination: moved.destination, uidMap: [...moved.uidMap] });
} finally {
    lock.release();
}

const start = client.mailbox.exists;
const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no EXISTS for two new messages within 30 s")), 30000);
    client.on("exists", (e) => {
        out({ step: "exists", count: e.count, prev: e.prevCount });
        if (e.count >= start + 2) {
            clearTimeout(timer);
            resolve();
        }
    });
});
const idle = client.idle();
await accepted;
out({ step: "idling", count: start });
await done;
await client.logout();
await idle.catch(() => {});
out({ step: "done" });
