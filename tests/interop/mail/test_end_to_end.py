"""The textbook's scenario end to end: Alice's user agent (`layer7 mail send`, STARTTLS + AUTH on
submission) → Alice's server (crepes.fr) → queue → relay with STARTTLS → Bob's server
(hamburger.edu) → Bob's Maildir → Bob's POP3 server → python's poplib. The attachments arrive
byte-exact, and the message equals the copy Alice's own server kept for her (Cc).
"""
import email
import os
import poplib
import ssl

from conftest import free_port, layer7_bin, run
from smtpkit import HOST, Mta, add_user, wait_mail

CREPES, HAMBURGER = "crepes.fr", "hamburger.edu"


def strip_trace(message):
    """The message without the fields delivery prepends (Return-Path, Delivered-To, Received)."""
    lines = message.split(b"\n")
    i = 0
    while i < len(lines) and (lines[i].split(b":")[0] in (b"Return-Path", b"Delivered-To", b"Received")
                              or lines[i][:1] in (b" ", b"\t")):
        i += 1
    return b"\n".join(lines[i:])


def test_alice_to_bob_with_attachments_via_relay_and_pop3(layer7, tmp_path):
    a_data, b_data = tmp_path / "crepes", tmp_path / "hamburger"
    a_data.mkdir()
    b_data.mkdir()
    add_user(a_data / "users", "alice", "wonderland", CREPES)
    add_user(b_data / "users", "bob", "hungry", HAMBURGER)
    b = Mta(layer7, b_data, [HAMBURGER], "--hostname", "mail.hamburger.edu")
    a = Mta(layer7, a_data, [CREPES], "--hostname", "mail.crepes.fr",
            "--route", f"{HAMBURGER}=127.0.0.1:{b.relay_port}")
    pop3_port = free_port()
    layer7("--data", str(b_data), "pop3", "serve", "--listen", f"{HOST}:{pop3_port}", "--domain", HAMBURGER)

    binary = os.urandom(70000) + b"\r\n.\r\n\x00\xff"
    (tmp_path / "photo.bin").write_bytes(binary)
    notes = ".starts with a dot\r\nline two\r\n\r\n.\r\nend without newline"
    (tmp_path / "notes.txt").write_text(notes, newline="")
    (tmp_path / "body.txt").write_text("Do you like ketchup?\nHow about pickles?\n.\n")
    (tmp_path / "password").write_text("wonderland\n")
    r = run([layer7_bin(), "mail", "send", "--server", f"{HOST}:{a.submission_port}", "--starttls", "--insecure",
             "--user", "alice", "--password-file", str(tmp_path / "password"),
             "--from", "Alice <alice@crepes.fr>", "--to", "bob@hamburger.edu", "--cc", "alice@crepes.fr",
             "--subject", "Crêpes & ketchup", "--body", str(tmp_path / "body.txt"),
             "--attach", str(tmp_path / "photo.bin"), "--attach", str(tmp_path / "notes.txt")])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "<bob@hamburger.edu>: 250" in r.stdout

    [kept] = wait_mail(a.maildir("alice", CREPES))  # Alice's copy: delivered by her own server
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=20)
    assert b"with ESMTPS" in stored.split(b"\n\n")[0]  # the relay hop used STARTTLS

    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    pop = poplib.POP3(HOST, pop3_port, timeout=10)
    pop.stls(context=ctx)
    pop.user("bob")
    pop.pass_("hungry")
    count, _ = pop.stat()
    assert count == 1
    _, lines, _ = pop.retr(1)
    pop.quit()
    fetched = b"\n".join(lines) + b"\n"

    assert strip_trace(fetched) == strip_trace(kept)  # byte-exact across submission, relay, POP3
    msg = email.message_from_bytes(fetched)
    assert str(email.header.make_header(email.header.decode_header(msg["Subject"]))) == "Crêpes & ketchup"
    parts = {p.get_filename(): p.get_payload(decode=True) for p in msg.walk() if p.get_filename()}
    assert parts["photo.bin"] == binary
    assert parts["notes.txt"].replace(b"\r\n", b"\n") == notes.replace("\r\n", "\n").encode()
    text = next(p for p in msg.walk() if p.get_content_type() == "text/plain" and not p.get_filename())
    assert text.get_payload(decode=True).replace(b"\r\n", b"\n") == b"Do you like ketchup?\nHow about pickles?\n.\n"
