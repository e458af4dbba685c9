"""Web mail at /mail driven by python's urllib with a cookie jar over HTTPS: login (cookie flags,
CSRF, throttle), the folder list with unread counts, the message list (paging, sorting, search),
message view (text, sanitised HTML, cid images, attachments), sending with attachments through the
SMTP server's intake, move, delete, flag — and IMAP (imaplib) seeing the same changes.
"""
import email
import email.policy
import imaplib
import json
import re
import time
import urllib.parse

import pytest

from webkit import Browser, HOST, message, maildir_files, put_messages, start, wait_mail, wait_until


@pytest.fixture
def site(layer7, tmp_path):
    return start(layer7, tmp_path)


def list_uids(page):
    return [int(u) for u in re.findall(r'data-uid="(\d+)"', page.text)]


def test_login_sets_a_strict_secure_session_cookie(site):
    b = Browser(site)
    first = b.get("/mail/")
    assert first.status == 200 and 'type="password"' in first.text
    assert "Content-Security-Policy" in first.headers and first.headers["X-Frame-Options"] == "DENY"
    r = b.login("bob")
    assert r.status == 200 and r.url.endswith("/mail/box?f=INBOX"), r.text[:500]
    assert "bob" in r.text and 'data-folder="Sent"' in r.text and 'data-folder="Trash"' in r.text
    raw = b.get("/mail/").headers  # logged in: no new login cookie
    assert b.cookie("l7mail") is not None and b.cookie("l7mail").secure
    # the flags as sent on the wire
    b2 = Browser(site)
    page = b2.get("/mail/")
    import http.client
    import ssl
    ctx = ssl._create_unverified_context()
    c = http.client.HTTPSConnection(HOST, site.https_port, context=ctx, timeout=10)
    body = urllib.parse.urlencode({"csrf": page.csrf(), "user": "alice", "password": "wonderland"})
    c.request("POST", "/mail/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                             "Cookie": f"l7mail_login={page.csrf()}"})
    resp = c.getresponse()
    assert resp.status == 303 and resp.getheader("Location") == "/mail/box?f=INBOX"
    cookies = [v for k, v in resp.getheaders() if k.lower() == "set-cookie"]
    session = next(v for v in cookies if v.startswith("l7mail="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/mail"):
        assert attribute in session, session
    assert raw is not None


def test_wrong_password_then_lockout_with_retry_after(site):
    b = Browser(site)
    for _ in range(3):
        r = b.login("bob", "wrong")
        assert r.status == 401 and "Wrong user name or password" in r.text
    r = b.login("bob", "wrong")  # the fourth failure starts the lock-out
    assert r.status == 401
    r = b.login("bob")  # even the right password now waits
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0, r.text[:300]
    assert "Too many failed logins" in r.text
    site.proc.wait_output("failed login for 'bob' from 127.0.0.1")


def test_unknown_user_fails_like_a_wrong_password(site):
    r = Browser(site).login("mallory", "x")
    assert r.status == 401 and "Wrong user name or password" in r.text


def test_every_post_needs_the_csrf_token(site):
    put_messages(site, "bob", [message(1)])
    b = Browser(site)
    b.login("bob")
    page = b.get("/mail/box?f=INBOX")
    [uid] = list_uids(page)
    for token in (None, "forged", ""):
        fields = {"f": "INBOX", "uid": uid, "op": "delete"}
        if token is not None:
            fields["csrf"] = token
        assert b.post("/mail/act", fields).status == 403
    # another session's token does not work either
    other = Browser(site)
    other_page = other.login("alice")
    assert b.post("/mail/act", {"f": "INBOX", "uid": uid, "op": "delete", "csrf": other_page.csrf()}).status == 403
    assert len(maildir_files(site.maildir("bob"))) == 1
    # the login form's token must match its cookie
    fresh = Browser(site)
    assert fresh.post("/mail/login", {"csrf": "x", "user": "bob", "password": "hungry"}).status == 403
    # multipart /send checks it too
    assert b.post_multipart("/mail/send", [("csrf", "nope"), ("to", "alice@crepes.fr"), ("text", "x")]).status == 403
    # the right one works
    assert b.post("/mail/act", {"f": "INBOX", "uid": uid, "op": "delete", "csrf": page.csrf()}).status == 200
    assert len(maildir_files(site.maildir("bob"))) == 0


def test_without_a_session_nothing_is_shown(site):
    put_messages(site, "bob", [message(1, subject="private")])
    b = Browser(site)
    for path in ("/mail/box?f=INBOX", "/mail/msg?f=INBOX&uid=1", "/mail/state?f=INBOX", "/mail/part?f=INBOX&uid=1&n=0"):
        r = b.get(path)
        assert "private" not in r.text and 'type="password"' in r.text, path
    assert b.get("/mail/app.js").status == 200


def test_logout_ends_the_session(site):
    b = Browser(site)
    page = b.login("bob")
    assert b.post("/mail/logout", {"csrf": page.csrf()}).status == 200
    assert 'type="password"' in b.get("/mail/box?f=INBOX").text


def test_list_pages_sorts_and_searches(site):
    put_messages(site, "bob", [message(i, subject=f"note {i:03d}" + (" crepes" if i % 10 == 0 else ""))
                               for i in range(1, 61)])
    b = Browser(site)
    b.login("bob")
    first = b.get("/mail/box?f=INBOX")
    assert len(list_uids(first)) == 50 and "60 messages, page 1 of 2" in first.text
    assert list_uids(first)[0] == 60  # newest first
    second = b.get("/mail/box?f=INBOX&page=1")
    assert list_uids(second) == list(range(10, 0, -1))
    by_subject = b.get("/mail/box?f=INBOX&sort=subject&order=asc&n=5")
    assert re.findall(r"note (\d{3})", by_subject.text)[:5] == ["001", "002", "003", "004", "005"]
    found = b.get("/mail/box?f=INBOX&q=CREPES")
    assert sorted(list_uids(found)) == [10, 20, 30, 40, 50, 60] and "6 messages" in found.text
    # unread counts in the folder list, then one read
    assert re.search(r'data-folder="INBOX">INBOX</a> <span class="count">60<', first.text)
    b.get("/mail/msg?f=INBOX&uid=1")
    again = b.get("/mail/box?f=INBOX")
    assert re.search(r'data-folder="INBOX">INBOX</a> <span class="count">59<', again.text)
    state = json.loads(b.get("/mail/state?f=INBOX").body)
    assert state["uidnext"] == 61 and state["folders"][0] == {"name": "INBOX", "label": "INBOX", "unread": 59, "total": 60}


def test_text_view_is_escaped_and_marks_seen(site):
    put_messages(site, "bob", [message(1, subject="<b>hi</b>", body="<script>alert(1)</script> & more")])
    b = Browser(site)
    b.login("bob")
    r = b.get("/mail/msg?f=INBOX&uid=1")
    assert r.status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in r.text and "<script>alert" not in r.text
    assert "&lt;b&gt;hi&lt;/b&gt;" in r.text
    [f] = maildir_files(site.maildir("bob"))
    assert f.name.endswith(":2,S")


HTML_MAIL = """From: Eve <eve@example.org>
To: bob@hamburger.edu
Subject: html
MIME-Version: 1.0
Content-Type: multipart/related; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<html><head><title>T</title><style>body{{display:none}}</style></head>
<body onload="steal()"><p>Hello <b>Bob</b></p><script>alert(1)</script>
<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>
<a href=" jav&#x61;script:alert(4)">two</a><a href="https://example.org/ok">fine</a>
<img src="https://tracker.example/pixel.gif"><img src="cid:logo@x">
<iframe src="https://evil.example/"></iframe><div style="background:url(https://evil.example/)">styled</div>
</body></html>
--b1
Content-Type: image/png
Content-ID: <logo@x>
Content-Transfer-Encoding: base64

{png}
--b1--
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c5d80000000049454e44ae426082")


def test_html_is_sanitised_and_remote_images_blocked(site):
    import base64
    put_messages(site, "bob", [HTML_MAIL.format(png=base64.b64encode(PNG).decode())])
    b = Browser(site)
    b.login("bob")
    r = b.get("/mail/msg?f=INBOX&uid=1")
    body = re.search(r'<div class="body html" id="body">(.*?)</div></article>', r.text, re.S).group(1)
    for bad in ("<script", "onload", "onerror", "javascript:", "<iframe", "style=", "<style", "tracker.example", "steal"):
        assert bad not in body.lower(), (bad, body)
    assert "Hello <b>Bob</b>" in body and 'href="https://example.org/ok"' in body
    assert "1 remote image(s) blocked" in r.text
    assert "img-src 'self' data:;" in r.headers["Content-Security-Policy"]
    cid = re.search(r'<img src="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert cid.startswith("/mail/cid?")
    img = b.get(cid)
    assert img.status == 200 and img.body == PNG and img.headers["Content-Type"] == "image/png"
    allowed = b.get("/mail/msg?f=INBOX&uid=1&remote=1")
    assert 'src="https://tracker.example/pixel.gif"' in allowed.text
    assert "http: https:" in allowed.headers["Content-Security-Policy"]


def test_send_with_attachment_is_queued_delivered_and_kept_in_sent(site):
    alice = Browser(site)
    page = alice.login("alice")
    compose = alice.get("/mail/compose")
    assert 'enctype="multipart/form-data"' in compose.text
    blob = bytes(range(256)) * 300 + b"\r\n--not-a-boundary\r\n\x00"
    r = alice.post_multipart("/mail/send", [("csrf", page.csrf()), ("to", "Bob <bob@hamburger.edu>"), ("cc", ""),
                                            ("subject", "Crêpes tonight?"), ("text", "Bring ketchup.\nA.")],
                             [("attach", "data.bin", "application/octet-stream", blob),
                              ("attach", "", "application/octet-stream", b"")])
    assert r.status == 200 and "Message queued for delivery." in r.text, r.text[:1000]
    [raw] = wait_mail(site.maildir("bob"))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Crêpes tonight?" and msg["From"].addresses[0].addr_spec == "alice@crepes.fr"
    assert "with HTTPS" in msg["Received"]
    parts = [p for p in msg.iter_attachments()]
    assert [p.get_filename() for p in parts] == ["data.bin"] and parts[0].get_content() == blob
    # the queue is empty again and Alice keeps a copy in Sent
    wait_until(lambda: not any((site.data / "queue" / "incoming").iterdir()), what="the queue to drain")
    assert len(maildir_files(site.maildir("alice", "Sent"))) == 1
    # Bob reads it in his browser and downloads the attachment
    bob = Browser(site)
    bob.login("bob")
    listing = bob.get("/mail/box?f=INBOX")
    assert "Crêpes tonight?" in listing.text
    [uid] = list_uids(listing)
    view = bob.get(f"/mail/msg?f=INBOX&uid={uid}")
    assert "Bring ketchup." in view.text
    link = re.search(r'href="(/mail/part\?[^"]+)" download>data.bin<', view.text).group(1).replace("&amp;", "&")
    part = bob.get(link)
    assert part.body == blob and part.headers["Content-Type"] == "application/octet-stream"
    assert part.headers["Content-Disposition"].startswith("attachment;")
    # reply prefills the recipient and quotes
    reply = bob.get(f"/mail/compose?mode=reply&f=INBOX&uid={uid}")
    assert "alice@crepes.fr" in reply.text and "Re: Crêpes tonight?" in reply.text and "&gt; Bring ketchup." in reply.text
    # forward carries the attachment along
    fwd = bob.get(f"/mail/compose?mode=forward&f=INBOX&uid={uid}")
    assert "Attached: data.bin" in fwd.text
    r = bob.post_multipart("/mail/send", [("csrf", view.csrf()), ("to", "alice@crepes.fr"), ("subject", "Fwd: x"),
                                          ("text", "see below"), ("fwd_f", "INBOX"), ("fwd_uid", str(uid))])
    assert r.status == 200
    [back] = wait_mail(site.maildir("alice"))
    forwarded = email.message_from_bytes(back, policy=email.policy.default)
    assert [p.get_content() for p in forwarded.iter_attachments()] == [blob]


def test_mail_to_a_local_user_goes_through_the_intake_into_the_maildir(site):
    """Web mail hands what it sends to the SMTP server's intake, as SMTP receivers do: mail for local
    users only is in their Maildirs by the time the page says so, never queued in the spool."""
    alice = Browser(site)
    page = alice.login("alice")
    r = alice.post_multipart("/mail/send", [("csrf", page.csrf()), ("to", "bob@hamburger.edu"),
                                            ("subject", "Lunch?"), ("text", "At noon.")])
    assert r.status == 200 and "Message queued for delivery." in r.text, r.text[:1000]
    [delivered] = maildir_files(site.maildir("bob"))  # no wait: durable before the reply
    assert b"Subject: Lunch?" in delivered.read_bytes()
    queued = site.proc.wait_output("webmail: alice@crepes.fr queued ")
    message_id = re.search(r"queued (\S+) for", queued).group(1)
    # the intake's own line, under the id web mail was given
    site.proc.wait_output(f"smtp {message_id}: from=<alice@crepes.fr> to 1 local recipient")
    assert not any((site.data / "queue" / "incoming").iterdir())


def test_send_refuses_bad_recipients(site):
    alice = Browser(site)
    page = alice.login("alice")
    r = alice.post_multipart("/mail/send", [("csrf", page.csrf()), ("to", "not an address"), ("text", "x")])
    assert r.status == 400 and "at least one recipient" in r.text
    assert not any((site.data / "queue" / "incoming").iterdir())


def test_flag_move_delete_and_imap_sees_it(site):
    put_messages(site, "bob", [message(i) for i in range(1, 4)])
    b = Browser(site)
    page = b.login("bob")
    token = page.csrf()
    assert b.post("/mail/act", {"csrf": token, "f": "INBOX", "uid": [1], "op": "flag"}).status == 200
    assert b.post("/mail/act", {"csrf": token, "f": "INBOX", "uid": [2], "op": "move", "to": "Junk"}).status == 200
    assert b.post("/mail/act", {"csrf": token, "f": "INBOX", "uid": [3], "op": "delete"}).status == 200
    assert len(maildir_files(site.maildir("bob", "Junk"))) == 1
    assert len(maildir_files(site.maildir("bob", "Trash"))) == 1
    imap = imaplib.IMAP4(HOST, site.imap_port, timeout=10)
    imap.login("bob", "hungry")
    imap.select("INBOX")
    typ, data = imap.fetch("1:*", "(UID FLAGS)")
    assert len(data) == 1 and b"\\Flagged" in data[0], data
    assert imap.select("Junk")[1] == [b"1"] and imap.select("Trash")[1] == [b"1"]
    # IMAP's change is seen by the web: flag removed over IMAP
    imap.select("INBOX")
    imap.store("1", "-FLAGS", "\\Flagged")
    imap.logout()
    listing = b.get("/mail/box?f=INBOX")
    assert "flagged" not in re.search(r'<tr class="([^"]*)" data-uid="1"', listing.text).group(1)
    # deleting in Trash removes for good
    trash = b.get("/mail/box?f=Trash")
    [uid] = list_uids(trash)
    assert b.post("/mail/act", {"csrf": token, "f": "Trash", "uid": [uid], "op": "delete"}).status == 200
    assert maildir_files(site.maildir("bob", "Trash")) == []


def test_new_mail_moves_uidnext_for_the_poller(site):
    b = Browser(site)
    b.login("bob")
    before = json.loads(b.get("/mail/state?f=INBOX").body)["uidnext"]
    put_messages(site, "bob", [message(1)])
    deadline = time.monotonic() + 10
    while json.loads(b.get("/mail/state?f=INBOX").body)["uidnext"] == before:
        assert time.monotonic() < deadline
    script = b.get("/mail/app.js")
    assert "setInterval(poll" in script.text and script.headers["Content-Type"].startswith("text/javascript")


def test_bad_input_never_breaks_the_view(site):
    put_messages(site, "bob", [b"\x00\xff garbage without header\n", "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
                               + "Content-Type: multipart/mixed; boundary=x\n\n--x\n" * 50])
    b = Browser(site)
    b.login("bob")
    assert b.get("/mail/box?f=INBOX").status == 200
    for uid in (1, 2):
        assert b.get(f"/mail/msg?f=INBOX&uid={uid}").status == 200
    for path in ("/mail/msg?f=../../etc&uid=1", "/mail/box?f=..%2F..", "/mail/part?f=INBOX&uid=1&n=99",
                 "/mail/msg?f=INBOX&uid=abc", "/mail/nothing"):
        assert b.get(path).status == 404, path
    site.proc.wait_output("layer7 is up")  # still running


def test_plain_http_is_refused_from_afar_but_served_on_loopback(site):
    import http.client
    c = http.client.HTTPConnection(HOST, site.http_port, timeout=10)
    c.request("GET", "/mail/")
    assert c.getresponse().status == 200  # loopback
