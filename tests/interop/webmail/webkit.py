"""Shared pieces of the web mail interop tests: `layer7 up` with [http] (HTTP and HTTPS), [smtp]
(crepes.fr and hamburger.edu delivered locally), [imap] and [webmail]; alice and bob in one users
file; a python "browser" (urllib with a cookie jar over HTTPS) that logs in and submits the forms.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import http.cookiejar
import mailbox
import os
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from smtpkit import add_user, maildir_files, wait_mail, wait_until  # noqa: E402,F401

from conftest import free_port  # noqa: E402

HOST = "127.0.0.1"
PASSWORDS = {"alice": "wonderland", "bob": "hungry"}
DOMAINS = {"alice": "crepes.fr", "bob": "hamburger.edu"}


class Site:
    def __init__(self, proc, data, http_port, https_port, imap_port, smtp_port):
        self.proc, self.data = proc, data
        self.http_port, self.https_port, self.imap_port, self.smtp_port = http_port, https_port, imap_port, smtp_port

    def url(self, path):
        return f"https://{HOST}:{self.https_port}{path}"

    def maildir(self, user, folder="INBOX"):
        box = self.data / "mail" / DOMAINS[user] / user
        return box if folder == "INBOX" else box / f".{folder}"


def start(layer7, tmp_path, webmail=""):
    data = tmp_path / "data"
    data.mkdir()
    for user, password in PASSWORDS.items():
        add_user(data / "users", user, password, DOMAINS[user])
    http_port, https_port, imap_port, smtp_port = free_port(), free_port(), free_port(), free_port()
    config = f"""
[runtime]
threads = 2
data = "{data}"
log_level = "info"

[http]
listen = "{HOST}:{http_port}"
tls_listen = "{HOST}:{https_port}"

[smtp]
listen = "{HOST}:{smtp_port}"
submission = ""
domains = ["crepes.fr", "hamburger.edu"]

[imap]
listen = "{HOST}:{imap_port}"

[webmail]
failure_delay_ms = 50
{webmail}
"""
    path = tmp_path / "layer7.toml"
    path.write_text(config)
    proc = layer7("up", "--config", str(path), deadline=30)
    return Site(proc, data, http_port, https_port, imap_port, smtp_port)


def put_messages(site, user, messages, folder="INBOX"):
    """Delivers raw messages into a user's folder as another delivery agent would."""
    site.maildir(user).parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(str(site.maildir(user)), create=True)
    if folder != "INBOX":
        box = box.add_folder(folder) if folder not in box.list_folders() else box.get_folder(folder)
    return [box.add(m.encode() if isinstance(m, str) else m) for m in messages]


class Response:
    def __init__(self, status, headers, body, url):
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def csrf(self):
        m = re.search(r'name="csrf" value="([^"]+)"', self.text)
        assert m, self.text[:2000]
        return m.group(1)


class Browser:
    """A cookie-keeping client over HTTPS (the dev certificate is self-signed)."""

    def __init__(self, site):
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  urllib.request.HTTPSHandler(context=ctx))

    def request(self, path, data=None, headers=None):
        req = urllib.request.Request(self.site.url(path), data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=15) as r:
                return Response(r.status, r.headers, r.read(), r.url)
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read(), e.url)

    def get(self, path):
        return self.request(path)

    def post(self, path, fields):
        return self.request(path, urllib.parse.urlencode(fields, doseq=True).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files=()):
        """fields: [(name, value)]; files: [(name, filename, content_type, bytes)]."""
        boundary = "----l7test" + uuid.uuid4().hex
        out = b""
        for name, value in fields:
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n').encode() + value.encode() + b"\r\n"
        for name, filename, ctype, data in files:
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
        out += f"--{boundary}--\r\n".encode()
        return self.request(path, out, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, user, password=None):
        page = self.get("/mail/")
        assert page.status == 200 and "Log in" in page.text, page.text[:500]
        return self.post("/mail/login", {"csrf": page.csrf(), "user": user,
                                         "password": PASSWORDS.get(user, "") if password is None else password})

    def cookie(self, name):
        return next((c for c in self.jar if c.name == name), None)


def message(n, subject=None, body="hello", sender="Carol <carol@example.org>", extra=""):
    return (f"From: {sender}\nTo: bob@hamburger.edu\nSubject: {subject or f'message {n}'}\n"
            f"Date: Tue, 1 Jul 2003 10:52:{n % 60:02d} +0200\n{extra}\n{body}\n")
