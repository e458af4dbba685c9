"""`layer7 imap serve` against python's imaplib: login, LIST with special-use folders, SELECT,
FETCH (ENVELOPE, BODYSTRUCTURE, sections), SEARCH, STORE, COPY/MOVE with UIDPLUS, EXPUNGE,
APPEND with a literal, two sessions seeing each other, POP3 and IMAP on the same Maildir, bad input.
"""
import imaplib
import poplib
import re
import socket

import pytest

from imapkit import DOMAIN, HOST, add_user, login, maildir_of, message, put_messages, start_imap


@pytest.fixture
def bob(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2, body="the secret word is crepes"), message(3, extra="Cc: carol@x.org\n")])
    port, proc = start_imap(layer7, data)
    return port, data, proc


def test_login_list_select(bob):
    port, data, _ = bob
    m = login(port)
    typ, caps = m.capability()
    assert b"IDLE" in caps[0] and b"UIDPLUS" in caps[0] and b"MOVE" in caps[0]
    typ, lines = m.list()
    assert typ == "OK"
    text = b"\n".join(lines).decode()
    for name, use in [("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"), ("Junk", "\\Junk")]:
        assert re.search(r"\(.*" + re.escape(use) + r".*\) \".\" \"?" + name, text), text
    assert "INBOX" in text
    typ, count = m.select("INBOX")
    assert typ == "OK" and count == [b"3"]
    # Maildir++ on disk: the folders are .Sent etc. beside cur/ new/ tmp/
    assert (maildir_of(data) / ".Sent" / "cur").is_dir()
    m.logout()


def test_fetch_envelope_bodystructure_sections(bob):
    port, _, _ = bob
    m = login(port)
    m.select("INBOX")
    typ, data = m.fetch("1", "(FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
    assert typ == "OK"
    line = data[0].decode() if isinstance(data[0], bytes) else data[0][0].decode()
    assert '"message 1"' in line and '"Alice" NIL "alice" "crepes.fr"' in line
    assert '("TEXT" "PLAIN"' in line
    typ, data = m.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT] BODY.PEEK[]<0.4>)")
    parts = [p for p in data if isinstance(p, tuple)]
    assert parts[0][1] == b"Subject: message 2\r\n\r\n"
    assert parts[1][1] == b"the secret word is crepes\r\n"
    assert parts[2][1] == b"From"
    typ, data = m.fetch("2", "(FLAGS)")
    assert b"\\Seen" not in data[0]  # PEEK did not set \Seen
    typ, data = m.fetch("2", "(BODY[])")
    typ, data = m.fetch("2", "(FLAGS)")
    assert b"\\Seen" in data[0]
    typ, data = m.uid("FETCH", "1:*", "(UID)")
    uids = [int(re.search(rb"UID (\d+)", d).group(1)) for d in data]
    assert uids == sorted(uids) and len(uids) == 3
    m.logout()


def test_search(bob):
    port, _, _ = bob
    m = login(port)
    m.select("INBOX")
    assert m.search(None, "ALL")[1] == [b"1 2 3"]
    assert m.search(None, "BODY", "crepes")[1] == [b"2"]
    assert m.search(None, "OR", "SUBJECT", '"message 1"', "CC", "carol")[1] == [b"1 3"]
    assert m.search(None, "NOT", "SUBJECT", '"message 1"')[1] == [b"2 3"]
    assert m.search(None, "SENTON", "1-Jul-2003")[1] == [b"1 2 3"]
    assert m.search(None, "SINCE", "1-Jan-2000", "LARGER", "10")[1] == [b"1 2 3"]
    assert m.search("UTF-8", "TEXT", "secret")[1] == [b"2"]
    m.store("1", "+FLAGS", "(\\Flagged)")
    assert m.search(None, "FLAGGED")[1] == [b"1"]
    assert m.search(None, "UNFLAGGED", "2:*")[1] == [b"2 3"]
    # nesting deeper than the limit is refused, not a crash
    deep = "(" * 40 + "ALL" + ")" * 40
    with pytest.raises(imaplib.IMAP4.error):
        m.search(None, deep)
    m.logout()


def test_store_copy_move_expunge(bob):
    port, data, _ = bob
    m = login(port)
    m.select("INBOX")
    typ, resp = m.store("1", "+FLAGS", "(\\Seen \\Answered)")
    assert b"\\Seen" in resp[0] and b"\\Answered" in resp[0]
    files = [p.name for p in (maildir_of(data) / "cur").iterdir()]
    assert any(f.endswith(":2,RS") for f in files), files  # flags in the Maildir info part
    typ, resp = m.copy("1", "Trash")
    assert typ == "OK" and b"COPYUID" in resp[0]
    typ, resp = m.uid("MOVE", "3", "Junk")  # UID 3 is the third message
    assert typ == "OK"
    typ, count = m.select("INBOX")
    assert count == [b"2"]
    m.store("1", "+FLAGS", "(\\Deleted)")
    typ, resp = m.expunge()
    assert resp == [b"1"]
    assert m.status("Trash", "(MESSAGES)")[1][0].endswith(b"(MESSAGES 1)")
    assert m.status("Junk", "(MESSAGES UIDNEXT)")[1][0].endswith(b"(MESSAGES 1 UIDNEXT 2)")
    typ, count = m.select("Trash")
    typ, data2 = m.fetch("1", "(FLAGS)")
    assert b"\\Answered" in data2[0]  # flags travel with a copy
    m.logout()


def test_append_with_literal_and_uidplus(bob):
    port, data, _ = bob
    m = login(port)
    body = b"From: bob@hamburger.edu\r\nSubject: draft\r\n\r\nnot yet\r\n"
    typ, resp = m.append("Drafts", "(\\Draft \\Seen)", imaplib.Time2Internaldate(1700000000), body)
    assert typ == "OK" and re.search(rb"APPENDUID \d+ 1\]", resp[0]), resp
    m.select("Drafts")
    typ, d = m.fetch("1", "(FLAGS INTERNALDATE BODY.PEEK[])")
    assert b"\\Draft" in d[0][0] and b"14-Nov-2023" in d[0][0]
    assert d[0][1] == body
    typ, resp = m.append("NoSuchBox", None, None, body)
    assert typ == "NO" and b"TRYCREATE" in resp[0]
    m.logout()


def test_create_rename_delete_and_bad_names(bob):
    port, data, _ = bob
    m = login(port)
    assert m.create("Projects.2024")[0] == "OK"
    text = b"\n".join(m.list('""', "Projects*")[1])
    assert b"\\HasChildren" in text and b"Projects.2024" in text
    assert m.rename("Projects", "Archive")[0] == "OK"
    assert (maildir_of(data) / ".Archive.2024").is_dir()
    assert m.delete("Archive")[0] == "NO"  # has children
    assert m.delete("Archive.2024")[0] == "OK"
    for evil in ["../../../etc", "a/b", "..", "/tmp/x", ".hidden", "x..y"]:
        assert m.create(evil)[0] == "NO", evil
    assert m.subscribe("Archive")[0] == "OK"
    assert b"Archive" in b"\n".join(m.lsub()[1])
    assert m.create("&ZeVnLIqe-")[0] == "OK"  # modified UTF-7 (日本語) stays as written
    assert (maildir_of(data) / ".&ZeVnLIqe-").is_dir()
    m.logout()


def test_two_sessions_see_each_other(bob):
    port, _, _ = bob
    a, b = login(port), login(port)
    a.select("INBOX")
    b.select("INBOX")
    a.store("2", "+FLAGS", "(\\Flagged)")
    a.append("INBOX", None, None, b"Subject: new\r\n\r\nx\r\n")
    typ, _ = b.noop()
    untagged = b.untagged_responses
    assert untagged.get("EXISTS") and untagged["EXISTS"][-1] == b"4"
    assert any(b"\\Flagged" in f for f in untagged.get("FETCH", []))
    a.store("1", "+FLAGS", "(\\Deleted)")
    a.expunge()
    b.noop()
    assert b.untagged_responses.get("EXPUNGE") == [b"1"]
    a.logout()
    b.logout()


def test_a_file_name_with_a_space_keeps_uidvalidity(bob):
    # Delivered by hand into cur/ under a name with a space: the UID list must carry it, or every
    # sync rebuilds the list under a new UIDVALIDITY and clients drop their caches.
    port, data, _ = bob
    (maildir_of(data) / "cur" / "1700000000.M1P1.by hand:2,S").write_bytes(message(4).encode())
    seen = []
    for _ in range(2):
        m = login(port)
        m.select("INBOX", readonly=True)
        seen.append((m.untagged_responses["UIDVALIDITY"][-1], m.untagged_responses["EXISTS"][-1]))
        typ, found = m.uid("SEARCH", None, "SUBJECT", '"message 4"')
        assert typ == "OK" and found[0], found
        seen.append(found[0])
        m.logout()
    assert seen[0] == seen[2] and seen[0][1] == b"4", seen
    assert seen[1] == seen[3], seen  # the same UID for the hand-delivered message


def test_a_fetch_larger_than_a_chunk_arrives_whole(bob):
    # 40 messages of ~10 KB: the server answers in several chunks; imaplib must see every one whole.
    port, data, _ = bob
    bodies = [f"line of message {n}\n" * 400 for n in range(40)]
    put_messages(data, [message(100 + n, body=b) for n, b in enumerate(bodies)])
    m = login(port)
    typ, count = m.select("INBOX")
    assert typ == "OK" and count == [b"43"]
    typ, parts = m.fetch("1:*", "(BODY.PEEK[])")
    assert typ == "OK"
    got = [p[1] for p in parts if isinstance(p, tuple)]
    assert len(got) == 43
    for n, b in enumerate(bodies):  # each whole, in one literal
        assert sum(b.replace("\n", "\r\n").encode() in g for g in got) == 1, n
    m.logout()


def test_pop3_and_imap_share_the_maildir(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2)])
    port, _ = start_imap(layer7, data)
    from conftest import free_port
    pop_port = free_port()
    layer7("--data", str(data), "pop3", "serve", "--listen", f"{HOST}:{pop_port}", "--domain", DOMAIN)
    m = login(port)
    m.select("INBOX")
    p = poplib.POP3(HOST, pop_port, timeout=10)
    p.user("bob")
    p.pass_("hungry")
    assert p.stat()[0] == 2
    p.dele(1)
    p.quit()
    m.noop()
    assert m.untagged_responses.get("EXPUNGE") == [b"1"]
    typ, d = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert b"message 2" in d[0][1]
    m.logout()


def test_bad_input(bob):
    port, _, proc = bob
    with socket.create_connection((HOST, port), timeout=10) as s:
        f = s.makefile("rb")
        assert f.readline().startswith(b"* OK")
        s.sendall(b"a1 FROB\r\n")
        assert f.readline().startswith(b"a1 BAD")
        s.sendall(b"a2 SELECT INBOX\r\n")
        assert f.readline().startswith(b"a2 BAD")  # not logged in
        s.sendall(b"a3 LOGIN bob {10737418240}\r\n")  # 10 GB: refused at once, no "+"
        assert f.readline().startswith(b"a3 NO [TOOBIG]")
        s.sendall(b"a4 LOGIN bob {6}\r\n")
        assert f.readline().startswith(b"+")
        s.sendall(b"hungry\r\n")
        assert f.readline().startswith(b"a4 OK")
        s.sendall(b"a5 APPEND INBOX {10737418240+}\r\n")  # LITERAL+: the bytes would follow, so BYE
        assert f.readline().startswith(b"a5 BAD [TOOBIG]")
        assert f.readline().startswith(b"* BYE")
    with socket.create_connection((HOST, port), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"x LOGIN bob wrong\r\n")
        assert f.readline().startswith(b"x NO [AUTHENTICATIONFAILED]")
    proc.wait_output("authentication failed from 127.0.0.1")


def test_authenticate_plain_sasl_ir(bob):
    port, _, _ = bob
    m = imaplib.IMAP4(HOST, port, timeout=10)
    typ, _ = m.authenticate("PLAIN", lambda _: b"\0bob\0hungry")
    assert typ == "OK"
    assert m.select()[0] == "OK"
    m.logout()
    with socket.create_connection((HOST, port), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"a AUTHENTICATE PLAIN AGJvYgBodW5ncnk=\r\n")  # SASL-IR: \0bob\0hungry
        assert f.readline().startswith(b"a OK")


def test_starttls(bob):
    import ssl
    port, _, _ = bob
    m = imaplib.IMAP4(HOST, port, timeout=10)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    assert m.starttls(ssl_context=ctx)[0] == "OK"
    m.login("bob", "hungry")
    assert m.select()[1] == [b"3"]
    m.logout()
