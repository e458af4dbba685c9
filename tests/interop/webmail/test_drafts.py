"""Drafts in web mail: "Save draft" stores the message in Drafts with the \\Draft flag ('D' in the
Maildir info, seen over IMAP with imaplib), the Drafts list opens a draft in compose with its
fields and attachments, saving again replaces it, and sending it (through the SMTP queue, to a
local Maildir) removes it from Drafts.
"""
import email
import email.policy
import html
import imaplib
import re

import pytest

from webkit import HOST, Browser, maildir_files, start, wait_mail


@pytest.fixture
def site(layer7, tmp_path):
    return start(layer7, tmp_path)


def fields_of(page):
    """The compose form's text fields, as the browser would send them back."""
    out = {}
    for name in ("to", "cc", "subject"):
        m = re.search(rf'<input name="{name}" value="([^"]*)"', page.text)
        out[name] = html.unescape(m.group(1)) if m else ""
    out["text"] = html.unescape(re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page.text, re.S).group(1))
    return out


def draft_uid(page):
    return re.search(r'name="draft_uid" value="(\d+)"', page.text).group(1)


def test_save_resume_save_again_and_send_a_draft(site):
    bob = Browser(site)
    token = bob.login("bob").csrf()
    plan = b"recipe " * 2000
    r = bob.post_multipart("/mail/send", [("csrf", token), ("to", "Alice <alice@crepes.fr>"), ("cc", ""),
                                          ("subject", "Crêpes, draft"), ("text", "First thoughts.\nMore later."),
                                          ("action", "draft")],
                           [("attach", "plan.txt", "text/plain", plan)])
    assert r.status == 200 and "/mail/compose?mode=draft&uid=" in r.url, (r.status, r.url, r.text[:500])
    assert "Draft saved." in r.text and "Attached: plan.txt" in r.text
    assert fields_of(r) == {"to": "\"Alice\" <alice@crepes.fr>", "cc": "", "subject": "Crêpes, draft",
                            "text": "First thoughts.\r\nMore later."}
    first = draft_uid(r)
    # on disk: one message in .Drafts with the D (and S) flags; nothing queued, nothing in Sent
    [f] = maildir_files(site.maildir("bob", "Drafts"))
    assert f.name.endswith(":2,DS"), f.name
    assert not any((site.data / "queue" / "incoming").iterdir())
    assert maildir_files(site.maildir("bob", "Sent")) == []
    # IMAP sees \Draft
    imap = imaplib.IMAP4(HOST, site.imap_port, timeout=10)
    imap.login("bob", "hungry")
    assert imap.select("Drafts")[1] == [b"1"]
    typ, data = imap.fetch("1", "(FLAGS)")
    assert b"\\Draft" in data[0] and b"\\Seen" in data[0], data
    imap.logout()
    # the Drafts list opens it in compose, and it is not counted unread
    drafts = bob.get("/mail/box?f=Drafts")
    assert f'href="/mail/compose?mode=draft&amp;uid={first}"' in drafts.text
    assert "<td class=\"from\">To: &quot;Alice&quot; &lt;alice@crepes.fr&gt;<" in drafts.text
    assert re.search(r'data-folder="Drafts">Drafts</a> <span class="count"><', drafts.text)
    resumed = bob.get(f"/mail/compose?mode=draft&uid={first}")
    assert fields_of(resumed)["subject"] == "Crêpes, draft" and "Attached: plan.txt" in resumed.text
    assert "Draft saved." not in resumed.text
    # save again with a second attachment: the draft is replaced, not copied
    again = bob.post_multipart("/mail/send", [("csrf", token), ("to", "alice@crepes.fr"), ("cc", "bob@hamburger.edu"),
                                              ("subject", "Crêpes"), ("text", "Final text."), ("draft_uid", first),
                                              ("action", "draft")],
                               [("attach", "photo.bin", "application/octet-stream", b"\x00\xff" * 100)])
    second = draft_uid(again)
    assert second != first and "Attached: plan.txt" in again.text and "Attached: photo.bin" in again.text
    [f] = maildir_files(site.maildir("bob", "Drafts"))
    saved = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    assert saved["Subject"] == "Crêpes" and [p.get_filename() for p in saved.iter_attachments()] == ["plan.txt", "photo.bin"]
    # send it, dropping the first attachment: it goes out, and leaves Drafts for Sent
    leaf = re.search(r'Attached: plan.txt \([^)]*\) <label class="inline"><input type="checkbox" name="drop" value="(\d+)"',
                     again.text).group(1)
    sent = bob.post_multipart("/mail/send", [("csrf", token), *fields_of(again).items(), ("draft_uid", second),
                                             ("drop", leaf), ("action", "send")])
    assert sent.status == 200 and "Message queued for delivery." in sent.text, sent.text[:500]
    [raw] = wait_mail(site.maildir("alice"))
    out = email.message_from_bytes(raw, policy=email.policy.default)
    assert out["Subject"] == "Crêpes" and out.get_body(("plain",)).get_content().strip() == "Final text."
    assert [(p.get_filename(), p.get_content()) for p in out.iter_attachments()] == [("photo.bin", b"\x00\xff" * 100)]
    assert maildir_files(site.maildir("bob", "Drafts")) == []
    assert len(maildir_files(site.maildir("bob", "Sent"))) == 1
    assert bob.get(f"/mail/compose?mode=draft&uid={second}").status == 404


def test_a_draft_needs_no_recipient_but_refuses_a_bad_one(site):
    bob = Browser(site)
    token = bob.login("bob").csrf()
    empty = bob.post_multipart("/mail/send", [("csrf", token), ("to", ""), ("subject", "ideas"), ("text", "x"),
                                              ("action", "draft")])
    assert empty.status == 200 and "Draft saved." in empty.text
    bad = bob.post_multipart("/mail/send", [("csrf", token), ("to", "not an address"), ("subject", "y"), ("text", "z"),
                                            ("action", "draft")])
    assert bad.status == 400 and "at least one recipient" in bad.text and 'value="not an address"' in bad.text
    assert len(maildir_files(site.maildir("bob", "Drafts"))) == 1
    # sending still needs someone to send to
    nobody = bob.post_multipart("/mail/send", [("csrf", token), ("to", ""), ("text", "x"), ("draft_uid", draft_uid(empty))])
    assert nobody.status == 400
    assert len(maildir_files(site.maildir("bob", "Drafts"))) == 1
    # a forged token saves nothing
    assert bob.post_multipart("/mail/send", [("csrf", "x"), ("to", ""), ("action", "draft")]).status == 403
    assert len(maildir_files(site.maildir("bob", "Drafts"))) == 1
