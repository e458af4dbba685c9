"""mutt, driven through a tmux pane, against `layer7 imap serve`: it opens INBOX, the index shows the
messages' subjects, it reads one (the body shows in the pager), saves it to another folder (`s`,
then the folder's name; mutt creates it), syncs, and imaplib then finds the message moved.

Keys go in with `tmux send-keys`; every step waits for the screen (capture-pane) with a deadline.
tmux runs on a socket of its own, so only its own server is ever ended.
"""
import os
import shutil
import subprocess
import textwrap
import time

import pytest

from imapkit import DOMAIN, HOST, add_user, login, message, put_messages, start_imap

MUTT = shutil.which("mutt")
TMUX = shutil.which("tmux")
pytestmark = [pytest.mark.skipif(not MUTT, reason="mutt not installed (tools/setup.sh test)"),
              pytest.mark.skipif(not TMUX, reason="tmux not installed (tools/setup.sh test)")]


class Pane:
    """One program in a detached tmux session on a private socket."""

    def __init__(self, tmp_path, command):
        self.socket = f"layer7-mutt-{os.getpid()}-{id(self)}"
        self.tmux = [TMUX, "-L", self.socket, "-f", "/dev/null"]
        subprocess.run(self.tmux + ["new-session", "-d", "-s", "t", "-x", "160", "-y", "40", command],
                       check=True, timeout=10)

    def text(self):
        r = subprocess.run(self.tmux + ["capture-pane", "-p", "-t", "t"], capture_output=True, text=True, timeout=10)
        return r.stdout

    def wait(self, *needles, absent=(), deadline=20.0):
        """Waits until every needle is on the screen and nothing in `absent` is; returns the screen."""
        end = time.monotonic() + deadline
        while True:
            screen = self.text()
            if all(n in screen for n in needles) and not any(a in screen for a in absent):
                return screen
            if time.monotonic() > end:
                raise TimeoutError(f"{needles} (without {absent}) not on the screen within {deadline}s:\n{screen}")
            time.sleep(0.1)  # polling the screen, not synchronising: the deadline bounds the wait

    def keys(self, *keys):
        subprocess.run(self.tmux + ["send-keys", "-t", "t", *keys], check=True, timeout=10)

    def close(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True, timeout=10)


def test_mutt_reads_and_saves(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2, body="the secret word is crepes"), message(3)])
    port, _ = start_imap(layer7, data)
    home = tmp_path / "home"
    home.mkdir()
    muttrc = home / "muttrc"
    muttrc.write_text(textwrap.dedent(f"""\
        set folder="imap://bob@{HOST}:{port}/"
        set spoolfile="+INBOX"
        set imap_user="bob"
        set imap_pass="hungry"
        set ssl_starttls=no
        set ssl_force_tls=no
        set imap_passive=no
        set header_cache=""
        set message_cachedir=""
        set certificate_file="{home}/certificates"
        set confirmcreate=no
        set confirmappend=no
        set delete=yes
        set quit=yes
        set move=no
        set mark_old=no
        set wait_key=no
        set sleep_time=0
        set sort=date-sent
        set index_format="%4C %-12.12L | %s"
        set status_format="STATUS %f msgs=%m del=%d"
        """))
    pane = Pane(tmp_path, f"env HOME={home} TERM=xterm-256color {MUTT} -n -F {muttrc}")
    try:
        # The index: the three subjects.
        pane.wait("message 1", "message 2", "message 3", "STATUS", "msgs=3")
        # Limit the index to message 2 and read it: its body shows in the pager.
        pane.keys("l")
        pane.wait("Limit to messages matching:")
        pane.keys("~s 'message 2'", "Enter")
        pane.wait("message 2", absent=("message 1", "message 3"))
        pane.keys("Enter")
        pane.wait("the secret word is crepes")
        pane.keys("q")  # back to the index
        pane.wait("STATUS", "message 2", absent=("the secret word is crepes",))
        # Save it to a folder that does not exist yet; mutt creates it and marks the original deleted.
        pane.keys("s")
        pane.wait("Save to mailbox")
        pane.keys("C-u", "=Receipts", "Enter")
        pane.wait("del=1")
        pane.keys("$")  # sync: expunge the saved original
        pane.wait("msgs=2")
        pane.keys("q")
    finally:
        pane.close()

    m = login(port)
    assert m.select("Receipts")[1] == [b"1"]
    typ, d = m.fetch("1", "(BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert b"the secret word is crepes" in d[0][1] and b"message 2" in d[1][1], d
    assert m.select("INBOX")[1] == [b"2"]
    typ, d = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subjects = b"".join(x[1] for x in d if isinstance(x, tuple))
    assert b"message 1" in subjects and b"message 3" in subjects and b"message 2" not in subjects
    m.logout()
