"""Headless Chromium (driven over the DevTools protocol) uses web mail as a person would on a
phone-sized screen: logs in, reads an HTML message with an inline image, sends a message with an
attachment to Bob himself and to Alice, sees it arrive, and sees new mail appear without a reload.
Screenshots are kept as test artefacts under the pytest tmp dir (their paths are printed).
"""
import base64
import email
import email.policy
import json
import os

import pytest

from cdp import CHROMIUM, Page
from webkit import PASSWORDS, message, put_messages, start, wait_mail

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (tools/setup.sh test)")

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c5d80000000049454e44ae426082")


def html_mail():
    return ("From: Alice <alice@crepes.fr>\nTo: bob@hamburger.edu\nSubject: Menu du jour\nMIME-Version: 1.0\n"
            "Content-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n\n"
            "<p id=menu>Crêpes <b>au sucre</b></p><img id=logo src=cid:logo@crepes alt=logo>"
            "<img src=https://tracker.example/p.gif><script>document.title='pwned'</script>\n"
            "--b\nContent-Type: image/png\nContent-ID: <logo@crepes>\nContent-Transfer-Encoding: base64\n\n"
            + base64.b64encode(PNG).decode() + "\n--b--\n")


def test_chromium_reads_sends_with_attachment_and_sees_new_mail(layer7, tmp_path):
    site = start(layer7, tmp_path)
    put_messages(site, "bob", [html_mail()])
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page = Page(str(tmp_path / "profile"))
    try:
        page.navigate(site.url("/mail/"))
        page.evaluate(f"document.querySelector('input[name=user]').value = 'bob'; "
                      f"document.querySelector('input[name=password]').value = {json.dumps(PASSWORDS['bob'])}; true")
        page.screenshot(shots / "1-login.png")
        page.click_and_wait("form button")
        assert page.evaluate("location.pathname + location.search") == "/mail/box?f=INBOX"
        assert "Menu du jour" in page.evaluate("document.querySelector('table.messages').innerText")
        assert page.evaluate("document.querySelector('#folders a[data-folder=INBOX]').nextElementSibling.textContent") == "1"
        # the push stream is open (its first event hides the reload link kept for pages without it)
        page.wait_for("document.getElementById('reload').hidden")
        page.screenshot(shots / "2-inbox.png")

        # read: sanitised HTML, the cid: image loaded from the message, the script never ran
        page.click_and_wait("table.messages td.subject a")
        assert page.evaluate("document.querySelector('#body p').innerText") == "Crêpes au sucre"
        assert page.evaluate("document.querySelector('#body p').id") == ""  # ids are not the message's to set
        page.wait_for("document.querySelector('#body img').complete && document.querySelector('#body img').naturalWidth === 1")
        assert page.evaluate("document.title") != "pwned" and page.evaluate("document.scripts.length") == 1
        assert "remote image(s) blocked" in page.evaluate("document.body.innerText")
        page.screenshot(shots / "3-message.png")

        # compose with an attachment, to Bob himself and to Alice
        attachment = tmp_path / "recette.bin"
        attachment.write_bytes(os.urandom(50000) + b"\r\n--\r\n")
        page.navigate(site.url("/mail/compose"))
        page.evaluate("document.querySelector('input[name=to]').value = 'bob@hamburger.edu, alice@crepes.fr';"
                      "document.querySelector('input[name=subject]').value = 'La recette';"
                      "document.querySelector('textarea[name=text]').value = 'Voici la recette.'; true")
        page.set_files("input[type=file]", [attachment])
        page.screenshot(shots / "4-compose.png")
        page.click_and_wait("form.compose button")
        assert "Message queued for delivery." in page.evaluate("document.body.innerText")
        [got] = [m for m in wait_mail(site.maildir("alice"))]
        sent = email.message_from_bytes(got, policy=email.policy.default)
        assert [p.get_content() for p in sent.iter_attachments()] == [attachment.read_bytes()]
        # it arrives in Bob's own list (already there, or brought in by the push stream)
        page.wait_for("document.querySelector('table.messages').innerText.includes('La recette')", deadline=30)

        # new mail appears without a reload: the push stream's event brings the list in again and
        # shows the notice — well before the 30 s the fallback poller would take
        page.evaluate("window.__same_page = true")
        page.wait_for("document.getElementById('reload').hidden")
        put_messages(site, "bob", [message(9, subject="Arrived while looking")])
        page.wait_for("document.querySelector('table.messages').innerText.includes('Arrived while looking')", deadline=10)
        assert page.evaluate("document.getElementById('newmail').hidden") is False
        assert page.evaluate("window.__same_page") is True  # no navigation happened
        page.screenshot(shots / "5-new-mail.png")
    finally:
        page.close()
    for shot in shots.iterdir():
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 2000
    print(f"screenshots kept in {shots}")
