"""The Maildir format as other tools read it: python's mailbox.Maildir reads what layer7 delivers
(names with ,S=/,W=, flags after ":2,"), and Dovecot-style files written by others are served."""
import mailbox
import os
import stat

from test_fetch import fetch
from test_pop3 import add_user, login, maildir_of, message, put_messages, start_pop3


def test_python_mailbox_reads_our_deliveries(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry")
    originals = [message(1), message(2, body="ünïcödé 8-bit body"), message(3, body="a\n\nb\n")]
    put_messages(data, "bob", originals)
    port, _ = start_pop3(layer7, data)
    out = tmp_path / "Maildir"
    r = fetch(port, out, "--keep")
    assert r.returncode == 0, r.stderr

    box = mailbox.Maildir(str(out), create=False)
    assert len(box) == 3
    assert sorted(m["Subject"] for m in box) == ["message 1", "message 2", "message 3"]
    for key in box.keys():
        m = box[key]
        assert m.get_subdir() == "new" and m.get_flags() == ""
    for name in os.listdir(out / "new"):
        path = out / "new" / name
        unique, rest = name.split(",", 1)
        fields = dict(f.split("=") for f in rest.split(","))
        content = path.read_bytes()
        assert int(fields["S"]) == len(content)
        assert int(fields["W"]) == len(content) + content.count(b"\n")  # LF → CRLF
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert unique.count(".") >= 2 and "P" in unique and "Q" in unique  # time.MusecPpidQn.host
    assert os.listdir(out / "tmp") == []

    # Served back: mutt-style flags (":2,S") after a RETR, read again by python.
    data2 = tmp_path / "data2"
    (data2 / "mail" / "hamburger.edu").mkdir(parents=True)
    add_user(data2 / "users", "bob", "hungry")
    os.rename(out, maildir_of(data2, "bob"))
    port2, _ = start_pop3(layer7, data2)
    p = login(port2)
    p.retr(1)
    p.dele(2)
    p.quit()
    box = mailbox.Maildir(str(maildir_of(data2, "bob")), create=False)
    assert len(box) == 2
    flags = sorted((m.get_subdir(), m.get_flags()) for m in box)
    assert flags == [("cur", "S"), ("new", "")]


def test_files_with_flags_and_without_sizes_are_served(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry")
    put_messages(data, "bob", [message(1)])
    box = mailbox.Maildir(str(maildir_of(data, "bob")), create=False)
    m = mailbox.MaildirMessage(message(2).encode())
    m.set_subdir("cur")
    m.set_flags("RS")  # replied + seen, as mutt leaves it
    box.add(m)
    port, _ = start_pop3(layer7, data)
    p = login(port)
    count, size = p.stat()
    assert count == 2
    expected = sum(len(x.encode()) + x.count("\n") for x in (message(1), message(2)))
    assert size == expected
    p.quit()
