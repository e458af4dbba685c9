"""DATA streamed into the spool (issue 21): a message of several MiB arrives byte-exact, in a local
Maildir and through the spool and the relay; one over the size limit gets 552 and leaves nothing
in the spool; a client that disconnects mid-DATA leaves nothing and nothing is delivered.
"""
import random
import smtplib

import pytest

from smtpkit import HOST, Mta, Raw, add_user, maildir_files, wait_mail, wait_until

CREPES, HAMBURGER = "crepes.fr", "hamburger.edu"
MAX = 8_000_000  # --max-message


def mta_for(layer7, data, domain, user, *extra):
    data.mkdir(exist_ok=True)
    add_user(data / "users", user, "secret", domain)
    return Mta(layer7, data, [domain], "--max-message", str(MAX), "--hostname", "mail." + domain, *extra)


def spool_files(mta):
    """Every file under queue/incoming and queue/deferred, temp files of messages still arriving too."""
    found = []
    for sub in ("incoming", "deferred"):
        d = mta.data / "queue" / sub
        if d.exists():
            found += [p.name for p in d.iterdir()]
    return found


def big_message(size):
    """Header, then printable lines of varied length (some start with dots) up to about `size` bytes,
    CRLF line ends."""
    rng = random.Random(21)
    lines = ["Subject: several MiB", "", ".a line that starts with a dot", "..and two"]
    total = sum(len(l) + 2 for l in lines)
    while total < size:
        n = rng.randrange(0, 990)
        line = "".join(chr(rng.randrange(33, 127)) for _ in range(n % 60)) * (n // 60 + 1)
        line = line[:n]
        if rng.random() < 0.05:
            line = "." + line[:n - 1]
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def as_stored(message):
    """The Maildir keeps LF line ends."""
    return message.replace("\r\n", "\n").encode()


def test_several_mib_arrive_byte_exact_in_the_maildir(layer7, tmp_path):
    b = mta_for(layer7, tmp_path / "b", HAMBURGER, "bob")
    message = big_message(6 << 20)
    with smtplib.SMTP(HOST, b.relay_port, timeout=60) as s:
        assert s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], message) == {}
    [stored] = wait_mail(b.maildir("bob", HAMBURGER))  # there already: the 250 came after the fsync
    assert stored.endswith(as_stored(message))
    assert len(stored) - len(as_stored(message)) < 1000  # only the trace fields before it
    assert spool_files(b) == []  # local mail does not stay in the spool


def test_several_mib_arrive_byte_exact_through_the_spool_and_the_relay(layer7, tmp_path):
    b = mta_for(layer7, tmp_path / "b", HAMBURGER, "bob")
    a = mta_for(layer7, tmp_path / "a", CREPES, "alice", "--trust", "127.0.0.0/8",
                "--route", f"{HAMBURGER}=127.0.0.1:{b.relay_port}")
    message = big_message(5 << 20)
    with smtplib.SMTP(HOST, a.relay_port, timeout=60) as s:
        assert s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], message) == {}
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=60)
    assert stored.endswith(as_stored(message))
    wait_until(lambda: spool_files(a) == [], what="the sender's spool empties")


def start_data(mta):
    r = Raw(mta.relay_port)
    assert r.reply()[0] == 220
    assert r.cmd("EHLO client.test")[0] == 250
    assert r.cmd("MAIL FROM:<alice@crepes.fr>")[0] == 250
    assert r.cmd("RCPT TO:<bob@hamburger.edu>")[0] == 250
    assert r.cmd("DATA")[0] == 354
    return r


def test_over_the_size_limit_552_and_nothing_in_the_spool(layer7, tmp_path):
    b = mta_for(layer7, tmp_path / "b", HAMBURGER, "bob")
    r = start_data(b)
    line = "y" * 900 + "\r\n"
    r.send("Subject: too big\r\n\r\n")
    r.send(line * ((1 << 20) // len(line)))  # 1 MiB: written to a spool file as it comes
    wait_until(lambda: spool_files(b) != [], what="the message being written into the spool")
    r.send(line * (MAX // len(line)))  # past the limit
    code, text = r.cmd(".")
    assert code == 552 and text.startswith("5.3.4")
    assert spool_files(b) == []  # gone before the 552
    assert maildir_files(b.maildir("bob", HAMBURGER)) == []
    assert r.cmd("QUIT")[0] == 221


@pytest.mark.parametrize("size", [1000, 3 << 20])  # held in memory, or already in a spool file
def test_a_disconnect_mid_data_leaves_nothing(layer7, tmp_path, size):
    b = mta_for(layer7, tmp_path / "b", HAMBURGER, "bob")
    r = start_data(b)
    r.send("Subject: cut off\r\n\r\n" + ("z" * 78 + "\r\n") * (size // 80))
    if size > 1 << 20:
        wait_until(lambda: spool_files(b) != [], what="the message being written into the spool")
    r.close()  # no "." — the message never ended
    if size > 1 << 20:
        wait_until(lambda: spool_files(b) == [], what="the partial spool file to go")
    # The server goes on; the next message is the only one delivered.
    with smtplib.SMTP(HOST, b.relay_port, timeout=10) as s:
        assert s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], "Subject: whole\r\n\r\nok\r\n") == {}
    [stored] = wait_mail(b.maildir("bob", HAMBURGER))
    assert b"Subject: whole" in stored
    assert spool_files(b) == []
