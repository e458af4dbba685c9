"""New mail without a reload: the /mail/events stream (Server-Sent Events) read with python's
http.client sends the account's state at once, and again the moment SMTP (smtplib) delivers or
IMAP (imaplib) flags, expunges or creates a folder; its caps (the newest stream of a session
replaces the oldest, over the total it is refused), its idle end, its heartbeat, the end of the
session, and a server stop that does not wait for it.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import http.client
import imaplib
import json
import smtplib
import ssl
import time

import pytest

from conftest import Process, layer7_bin, stop_all
from webkit import HOST, Browser, message, put_messages, start
from smtpkit import inotify_off  # noqa: E402  (on the path once webkit is imported)


class Events:
    """One /mail/events stream as EventSource reads it (WHATWG HTML §9.2)."""

    def __init__(self, site, browser, folder="INBOX", timeout=20):
        self.conn = http.client.HTTPSConnection(HOST, site.https_port, context=ssl._create_unverified_context(),
                                                timeout=timeout)
        cookie = browser.cookie("l7mail")
        headers = {"Accept": "text/event-stream"}
        if cookie is not None:
            headers["Cookie"] = f"l7mail={cookie.value}"
        self.conn.request("GET", f"/mail/events?f={folder}", headers=headers)
        self.resp = self.conn.getresponse()
        self.comments = 0
        self.retry = None

    def next(self, deadline=15.0):
        """The next (event, data), comments counted and skipped; None once the stream has ended."""
        end = time.monotonic() + deadline
        name, data = None, []
        while time.monotonic() < end:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\r\n")
            if line == "":
                if name is not None or data:
                    return name or "message", "\n".join(data)
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
            elif field == "retry":
                self.retry = int(value)
        raise TimeoutError(f"no event within {deadline}s")

    def state(self, deadline=15.0):
        event = self.next(deadline)
        assert event is not None and event[0] == "state", event
        return json.loads(event[1])

    def wait_state(self, predicate, deadline=15.0):
        """The first state event for which predicate(state) holds."""
        end = time.monotonic() + deadline
        seen = []
        while time.monotonic() < end:
            s = self.state(end - time.monotonic())
            if predicate(s):
                return s
            seen.append(s)
        raise TimeoutError(f"no such state within {deadline}s; saw {seen}")

    def close(self):
        self.conn.close()


def folder(state, name):
    return next(f for f in state["folders"] if f["name"] == name)


@pytest.fixture
def site(layer7, tmp_path):
    return start(layer7, tmp_path)


def test_smtp_delivery_reaches_an_open_stream_at_once(site):
    delivery_reaches_an_open_stream_at_once(site)


def test_without_inotify_smtp_delivery_still_reaches_an_open_stream_at_once(tmp_path):
    """The stream then waits on the mail system's delivery notice (and its heartbeat)."""
    prefix = inotify_off()
    if prefix is None:
        pytest.skip("no user namespaces here (unshare -Ur) to take inotify away")
    started = []

    def in_namespace(*args, deadline=20.0):
        started.append(Process(prefix + [layer7_bin(), *args], deadline=deadline))
        return started[-1]

    try:
        delivery_reaches_an_open_stream_at_once(start(in_namespace, tmp_path))
    finally:
        for p, rc in stop_all(started):
            assert rc == 0, p.output()


def delivery_reaches_an_open_stream_at_once(site):
    b = Browser(site)
    b.login("bob")
    events = Events(site, b)
    try:
        assert events.resp.status == 200
        assert events.resp.getheader("Content-Type").startswith("text/event-stream")
        assert events.resp.getheader("Cache-Control") == "no-store"
        first = events.state()
        assert events.retry == 5000 and first["folder"] == "INBOX" and folder(first, "INBOX")["total"] == 0
        with smtplib.SMTP(HOST, site.smtp_port, timeout=10) as smtp:
            smtp.sendmail("carol@example.org", ["bob@hamburger.edu"],
                          "From: carol@example.org\r\nTo: bob@hamburger.edu\r\nSubject: pushed\r\n\r\nhi\r\n")
        sent = time.monotonic()
        got = events.wait_state(lambda s: s["uidnext"] > first["uidnext"], deadline=10)
        assert folder(got, "INBOX") == {"name": "INBOX", "label": "INBOX", "unread": 1, "total": 1}
        assert got["stamp"] != first["stamp"]
        # pushed, not polled: well inside the 15 s heartbeat and the page's old 10 s poll
        assert time.monotonic() - sent < 5
        # the page rendered now carries the same UIDNEXT and stamp the script compares
        page = b.get("/mail/box?f=INBOX")
        assert f'data-uidnext="{got["uidnext"]}" data-stamp="{got["stamp"]}"' in page.text
    finally:
        events.close()


def test_imap_changes_flags_expunges_and_folders_are_pushed(site):
    put_messages(site, "bob", [message(1), message(2)])
    b = Browser(site)
    b.login("bob")
    events = Events(site, b)
    imap = imaplib.IMAP4(HOST, site.imap_port, timeout=10)
    try:
        first = events.state()
        assert folder(first, "INBOX")["unread"] == 2
        imap.login("bob", "hungry")
        imap.select("INBOX")
        imap.store("1", "+FLAGS", "\\Seen")
        read = events.wait_state(lambda s: folder(s, "INBOX")["unread"] == 1)
        assert read["uidnext"] == first["uidnext"] and read["stamp"] != first["stamp"]
        imap.store("2", "+FLAGS", "\\Deleted")
        imap.expunge()
        events.wait_state(lambda s: folder(s, "INBOX")["total"] == 1)
        assert imap.create("Projects")[0] == "OK"
        created = events.wait_state(lambda s: any(f["name"] == "Projects" for f in s["folders"]))
        # the new folder is watched as well: mail appended into it over IMAP is pushed too
        assert imap.append("Projects", None, None, message(3).replace("\n", "\r\n").encode())[0] == "OK"
        events.wait_state(lambda s: folder(s, "Projects")["total"] == 1)
        assert created["folder"] == "INBOX"
        imap.logout()
    finally:
        events.close()


def test_the_newest_stream_of_a_session_replaces_the_oldest_and_the_total_is_kept(layer7, tmp_path):
    site = start(layer7, tmp_path, webmail="push_per_session = 2\npush_streams = 3")
    bob = Browser(site)
    bob.login("bob")
    streams = [Events(site, bob) for _ in range(2)]
    try:
        for s in streams:
            s.state()
        third = Events(site, bob)  # one over the session's cap: the oldest is told, and ends
        streams.append(third)
        third.state()
        assert streams[0].next() == ("bye", "replaced")
        assert streams[0].next() is None
        # the second stream still runs: it sees new mail
        put_messages(site, "bob", [message(1)])
        assert folder(streams[1].wait_state(lambda s: folder(s, "INBOX")["total"] == 1), "INBOX")["total"] == 1
        alice = Browser(site)
        alice.login("alice")
        streams.append(Events(site, alice))
        streams[-1].state()  # the third of the total
        refused = Events(site, alice)
        streams.append(refused)
        assert refused.resp.status == 429 and int(refused.resp.getheader("Retry-After")) > 0
    finally:
        for s in streams:
            s.close()


def test_heartbeat_idle_end_and_session_end(layer7, tmp_path):
    site = start(layer7, tmp_path, webmail="push_heartbeat_s = 1\npush_idle_s = 3")
    b = Browser(site)
    page = b.login("bob")
    idle = Events(site, b)
    try:
        idle.state()
        assert idle.next(deadline=10) is None  # no news for 3 s: the stream ends (EventSource reopens it)
        assert idle.comments >= 1  # heartbeats meanwhile
    finally:
        idle.close()
    ended = Events(site, b)
    try:
        ended.state()
        assert b.post("/mail/logout", {"csrf": page.csrf()}).status == 200
        assert ended.next(deadline=10) == ("bye", "session")
        assert ended.next() is None
    finally:
        ended.close()
    # without a session: refused outright (EventSource gives up; the page has its reload link)
    gone = Events(site, b)
    try:
        assert gone.resp.status == 403
    finally:
        gone.close()


def test_a_stop_does_not_wait_for_open_streams(layer7, tmp_path):
    site = start(layer7, tmp_path, webmail="push_heartbeat_s = 1")
    b = Browser(site)
    b.login("bob")
    events = Events(site, b)
    try:
        events.state()
        rc, took = site.proc.stop(deadline=20)
        assert rc == 0 and took < 10, took  # the drain limit is 30 s
    finally:
        events.close()


def test_pages_name_the_stream_and_keep_a_reload_link(site):
    b = Browser(site)
    page = b.login("bob")
    assert '<a id="reload" href="/mail/box?f=INBOX">Check for new mail</a>' in page.text
    script = b.get("/mail/app.js").text
    assert 'new EventSource(base + "/events?f="' in script and "setInterval(poll, 30000)" in script
    assert b.get("/mail/events?f=..%2Fx").status == 404
