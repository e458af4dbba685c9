"""`layer7 pop3 serve` against python's poplib: the textbook dialogue, CAPA, STLS, TOP, UIDL, RSET,
deletion only at QUIT, one session per mailbox (RFC 1939 §8), slowed-down auth failures.

Also holds the helpers test_fetch.py and test_maildir.py use (a users file, a running server,
messages placed in a Maildir).
"""
import mailbox
import os
import poplib
import socket
import ssl
import time

import pytest

from conftest import free_port
from smtpkit import add_user

DOMAIN = "hamburger.edu"


def maildir_of(data, user, domain=DOMAIN):
    return data / "mail" / domain / user


def put_messages(data, user, messages, domain=DOMAIN):
    """Places messages with python's mailbox module, as another delivery agent would."""
    maildir_of(data, user, domain).parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(str(maildir_of(data, user, domain)), create=True)
    keys = []
    for m in messages:
        keys.append(box.add(m.encode() if isinstance(m, str) else m))
        time.sleep(0.002)  # distinct delivery times keep the listing order obvious
    return keys


def message(n, body="hello", extra=""):
    return f"From: alice@crepes.fr\nTo: bob@{DOMAIN}\nSubject: message {n}\n{extra}\n{body}\n"


def start_pop3(layer7, data, *extra):
    port = free_port()
    proc = layer7("--data", str(data), "pop3", "serve", "--listen", f"127.0.0.1:{port}", "--domain", DOMAIN,
                  "--auth-failure-delay", "50", *extra)
    return port, proc


@pytest.fixture
def bob(tmp_path, layer7):
    """A server with bob/hungry and three messages for bob; returns (port, data dir)."""
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry")
    put_messages(data, "bob", [message(1), message(2, body=".leading dot\n..two dots\n.", extra="X-Extra: yes\n"),
                               message(3, body="line\n" * 20)])
    port, _ = start_pop3(layer7, data)
    return port, data


def login(port, user="bob", password="hungry"):
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    p.user(user)
    p.pass_(password)
    return p


def login_once_free(port):
    """Logs in as soon as the server has released the mailbox lock of a dropped session."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return login(port)
        except poplib.error_proto:
            assert time.monotonic() < deadline, "the dropped session's lock was never released"
            time.sleep(0.05)


def files(data, user="bob"):
    d = maildir_of(data, user)
    return sorted(os.listdir(d / "new")) + sorted(os.listdir(d / "cur"))


def test_textbook_dialogue(bob):
    port, data = bob
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile("rwb")

        def say(line):
            f.write(line.encode() + b"\r\n")
            f.flush()

        def hear():
            return f.readline().decode().rstrip("\r\n")

        assert hear() == "+OK POP3 server ready"
        say("user bob")
        assert hear().startswith("+OK")
        say("pass hungry")
        assert hear().startswith("+OK user successfully logged on")
        say("list")
        assert hear().startswith("+OK 3 messages")
        sizes = [hear() for _ in range(3)]
        assert [s.split()[0] for s in sizes] == ["1", "2", "3"]
        assert hear() == "."
        say("retr 1")
        assert hear() == f"+OK {sizes[0].split()[1]} octets"
        body = []
        while (line := hear()) != ".":
            body.append(line)
        assert "Subject: message 1" in body and body[-1] == "hello"
        say("dele 1")
        assert hear() == "+OK message 1 deleted"
        say("quit")
        assert hear() == "+OK POP3 server signing off"
    assert len(files(data)) == 2


def test_poplib_stat_list_retr_sizes_match(bob):
    port, _ = bob
    p = login(port)
    count, total = p.stat()
    assert count == 3
    _, listing, _ = p.list()
    sizes = [int(l.split()[1]) for l in listing]
    assert sum(sizes) == total
    for n, size in enumerate(sizes, 1):
        _, lines, octets = p.retr(n)
        # poplib counts each line + CRLF, stuffed dots included; the un-stuffed size is LIST's.
        raw = b"".join(l + b"\r\n" for l in lines)
        assert len(raw) == size
    _, lines, _ = p.retr(2)
    assert b".leading dot" in lines and b"..two dots" in lines and lines[-1] == b"."
    p.quit()


def test_capa_top_uidl_rset_noop(bob):
    port, _ = bob
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    caps = p.capa()
    for cap in ("TOP", "UIDL", "USER", "STLS", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "IMPLEMENTATION"):
        assert cap in caps
    p.user("bob")
    p.pass_("hungry")
    _, uids, _ = p.uidl()
    assert len(uids) == 3 and len({u.split()[1] for u in uids}) == 3
    assert p.uidl(2).split()[2] == uids[1].split()[1]
    _, top, _ = p.top(2, 0)
    assert b"X-Extra: yes" in top and top[-1] == b"" and b".leading dot" not in top
    _, top, _ = p.top(2, 1)
    assert top[-1] == b".leading dot"
    p.dele(1)
    assert p.stat()[0] == 2
    with pytest.raises(poplib.error_proto, match="already deleted"):
        p.retr(1)
    assert p.rset().startswith(b"+OK maildrop has 3 messages")
    assert p.noop().startswith(b"+OK")
    p.quit()


def test_uidl_is_stable_across_sessions_and_seen_moves_to_cur(bob):
    port, data = bob
    p = login(port)
    before = p.uidl()[1]
    p.retr(1)
    p.quit()
    d = maildir_of(data, "bob")
    cur = os.listdir(d / "cur")
    assert len(cur) == 1 and cur[0].endswith(":2,S")  # read by POP3 = seen, as Dovecot does
    p = login(port)
    assert p.uidl()[1] == before
    p.quit()


def test_deletion_happens_only_at_quit(bob):
    port, data = bob
    p = login(port)
    p.dele(1)
    p.dele(3)
    p.close()  # connection dropped without QUIT: nothing is deleted (RFC 1939 §6)
    p = login_once_free(port)  # the session is over: its deletions are forgotten
    assert len(files(data)) == 3
    assert p.stat()[0] == 3
    p.dele(1)
    p.dele(3)
    assert len(files(data)) == 3
    p.quit()
    remaining = files(data)
    assert len(remaining) == 1
    p = login(port)
    _, lines, _ = p.retr(1)
    assert b"Subject: message 2" in lines
    p.quit()


def test_second_concurrent_login_is_refused(bob):
    port, _ = bob
    first = login(port)
    second = poplib.POP3("127.0.0.1", port, timeout=10)
    second.user("bob")
    with pytest.raises(poplib.error_proto, match=r"\[IN-USE\]"):
        second.pass_("hungry")
    first.quit()
    second.user("bob")
    second.pass_("hungry")  # the lock went with the first session
    second.quit()


def test_lock_is_released_when_a_session_drops(bob):
    port, _ = bob
    first = login(port)
    first.close()  # file and socket: the server sees EOF
    login_once_free(port).quit()


def test_stls_then_login(bob):
    port, _ = bob
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    p.stls(ctx)
    assert "STLS" not in p.capa()
    p.user("bob")
    p.pass_("hungry")
    assert p.stat()[0] == 3
    _, uids, _ = p.uidl()
    assert len(uids) == 3
    p.quit()


def test_stls_certificate_verifies_against_the_dev_ca(bob):
    port, data = bob
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    ctx = ssl.create_default_context(cafile=str(data / "tls" / "dev-cert.pem"))
    p.stls(ctx)  # the dev certificate names localhost and 127.0.0.1
    p.quit()


def test_login_by_address_and_domain_attribute(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry")
    add_user(data / "users", "alice", "crepes", domain="crepes.fr")
    put_messages(data, "alice", [message(1)], domain="crepes.fr")
    port, _ = start_pop3(layer7, data)
    p = login(port, "alice@crepes.fr", "crepes")
    assert p.stat()[0] == 1
    p.quit()
    p = login(port, "alice", "crepes")
    p.quit()
    p = login(port, f"bob@{DOMAIN}", "hungry")
    assert p.stat()[0] == 0
    p.quit()
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        login(port, "alice@hamburger.edu", "crepes")


def test_bad_passwords_are_slowed_down_then_closed(bob):
    port, _ = bob
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    start = time.monotonic()
    for _ in range(2):
        p.user("bob")
        with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
            p.pass_("wrong")
    p.user("bob")
    with pytest.raises(poplib.error_proto, match="too many"):
        p.pass_("wrong")
    assert time.monotonic() - start >= 0.05 + 0.1 + 0.2  # 50 ms, doubled each time
    with pytest.raises((EOFError, poplib.error_proto, OSError)):
        p.noop()


def test_errors_before_login_and_long_lines(bob):
    port, _ = bob
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    for cmd in ("STAT", "LIST", "RETR 1", "DELE 1", "UIDL", "TOP 1 1", "RSET", "NOOP"):
        with pytest.raises(poplib.error_proto, match="not logged in"):
            p._shortcmd(cmd)
    with pytest.raises(poplib.error_proto, match="unknown command"):
        p._shortcmd("XYZZY")
    with pytest.raises(poplib.error_proto, match="USER first"):
        p.pass_("hungry")
    with pytest.raises(poplib.error_proto, match="line too long"):
        p._shortcmd("USER " + "a" * 1000)
    p.user("bob")
    p.pass_("hungry")  # still usable after the long line
    p.quit()


def test_pipelined_commands(bob):
    port, _ = bob
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"USER bob\r\nPASS hungry\r\nSTAT\r\nNOOP\r\nQUIT\r\n")
        data = b""
        while not data.endswith(b"signing off\r\n"):
            chunk = s.recv(65536)
            assert chunk
            data += chunk
    lines = data.decode().split("\r\n")
    assert lines[0] == "+OK POP3 server ready"
    assert lines[2].startswith("+OK user successfully logged on")
    assert lines[3].startswith("+OK 3 ")
    assert lines[4] == "+OK" and lines[5] == "+OK POP3 server signing off"
