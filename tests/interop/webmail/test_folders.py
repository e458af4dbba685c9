"""Folders from web mail: create, rename and delete with CSRF-checked POSTs, names typed and shown
in UTF-8 and stored in modified UTF-7 (RFC 3501 §5.1.3), so python's imaplib LIST sees what the
browser did and the browser shows what IMAP created; INBOX and the special-use folders stay.
"""
import imaplib
import re

import pytest

from webkit import HOST, Browser, maildir_files, message, put_messages, start


@pytest.fixture
def site(layer7, tmp_path):
    return start(layer7, tmp_path)


def imap_folders(site, user="bob", password="hungry"):
    imap = imaplib.IMAP4(HOST, site.imap_port, timeout=10)
    imap.login(user, password)
    typ, lines = imap.list()
    typ2, subscribed = imap.lsub()
    imap.logout()
    names = lambda rows: {re.search(rb'"\." "?(.*?)"?$', line).group(1).decode() for line in rows}  # noqa: E731
    return names(lines), names(subscribed)


def test_create_rename_delete_seen_over_imap(site):
    b = Browser(site)
    token = b.login("bob").csrf()
    page = b.get("/mail/folders")
    assert page.status == 200 and 'name="op" value="create"' in page.text
    r = b.post("/mail/folder", {"csrf": token, "op": "create", "name": " Reçus 2024 "})
    assert r.status == 200 and r.url.endswith("/mail/folders?notice=created") and "Folder created." in r.text
    assert (site.maildir("bob") / ".Re&AOc-us 2024" / "maildirfolder").exists()
    listed, subscribed = imap_folders(site)
    assert "Re&AOc-us 2024" in listed and "Re&AOc-us 2024" in subscribed
    # shown decoded in the folder list of every page, linked by its stored name
    box = b.get("/mail/box?f=INBOX")
    assert 'data-folder="Re&amp;AOc-us 2024">Reçus 2024</a>' in box.text
    assert '<option value="Re&amp;AOc-us 2024">Reçus 2024</option>' in box.text
    # a sub-folder, then the parent renamed: the child and the subscriptions follow
    assert b.post("/mail/folder", {"csrf": token, "op": "create", "name": "Reçus 2024.Été"}).status == 200
    put_messages(site, "bob", [message(1)], folder="Re&AOc-us 2024")
    r = b.post("/mail/folder", {"csrf": token, "op": "rename", "f": "Re&AOc-us 2024", "name": "Archivé"})
    assert r.status == 200 and "Folder renamed." in r.text, r.text[:500]
    listed, subscribed = imap_folders(site)
    assert {"Archiv&AOk-", "Archiv&AOk-.&AMk-t&AOk-"} <= listed and not any(n.startswith("Re&AOc-us") for n in listed)
    assert {"Archiv&AOk-", "Archiv&AOk-.&AMk-t&AOk-"} <= subscribed and not any(n.startswith("Re&AOc-us") for n in subscribed)
    assert len(maildir_files(site.maildir("bob", "Archiv&AOk-"))) == 1  # the messages moved along
    # a folder with a sub-folder is not deleted; without the confirmation box nothing is
    r = b.post("/mail/folder", {"csrf": token, "op": "delete", "f": "Archiv&AOk-", "confirm": "1"})
    assert r.status == 409 and "sub-folders" in r.text
    r = b.post("/mail/folder", {"csrf": token, "op": "delete", "f": "Archiv&AOk-.&AMk-t&AOk-"})
    assert r.status == 400 and "Tick the box" in r.text
    for name in ("Archiv&AOk-.&AMk-t&AOk-", "Archiv&AOk-"):
        r = b.post("/mail/folder", {"csrf": token, "op": "delete", "f": name, "confirm": "1"})
        assert r.status == 200 and "Folder deleted." in r.text
    listed, subscribed = imap_folders(site)
    assert listed == {"INBOX", "Drafts", "Sent", "Trash", "Junk"} and not any(n.startswith("Archiv") for n in subscribed)


def test_a_folder_made_over_imap_is_shown_decoded(site):
    imap = imaplib.IMAP4(HOST, site.imap_port, timeout=10)
    imap.login("bob", "hungry")
    assert imap.create("&ZeVnLIqe-")[0] == "OK"
    imap.logout()
    b = Browser(site)
    b.login("bob")
    page = b.get("/mail/folders")
    assert 'href="/mail/box?f=%26ZeVnLIqe-">日本語</a>' in page.text, page.text
    assert 'name="name" value="日本語"' in page.text  # the rename field holds the name as typed
    box = b.get("/mail/box?f=%26ZeVnLIqe-")
    assert box.status == 200 and "<title>日本語 – layer7 mail</title>" in box.text


def test_fixed_folders_bad_names_and_forged_posts_are_refused(site):
    b = Browser(site)
    token = b.login("bob").csrf()
    page = b.get("/mail/folders")
    for fixed in ("INBOX", "Drafts", "Sent", "Trash", "Junk"):
        assert f'name="f" value="{fixed}"' not in page.text  # no forms offered for them
        r = b.post("/mail/folder", {"csrf": token, "op": "rename", "f": fixed, "name": "Mine"})
        assert r.status == 403, fixed
        r = b.post("/mail/folder", {"csrf": token, "op": "delete", "f": fixed, "confirm": "1"})
        assert r.status == 403, fixed
    for bad in ("", "a/b", "../../etc", ".hidden", "x.", "a..b", "inbox", "50%", "x*"):
        r = b.post("/mail/folder", {"csrf": token, "op": "create", "name": bad})
        assert r.status == 400, bad
    assert b.post("/mail/folder", {"csrf": token, "op": "create", "name": "Sent"}).status == 409
    assert b.post("/mail/folder", {"csrf": token, "op": "rename", "f": "Nope", "name": "X"}).status == 404
    assert b.post("/mail/folder", {"csrf": "forged", "op": "create", "name": "Evil"}).status == 403
    assert b.post("/mail/folder", {"op": "create", "name": "Evil"}).status == 403
    assert b.post("/mail/folder", {"csrf": token, "op": "create", "name": "Kept"}).status == 200
    assert b.post("/mail/folder", {"csrf": token, "op": "rename", "f": "Kept", "name": "Trash"}).status == 409
    listed, _ = imap_folders(site)
    assert listed == {"INBOX", "Drafts", "Sent", "Trash", "Junk", "Kept"}
    assert sorted(p.name for p in site.maildir("bob").iterdir() if p.name.startswith(".") and p.is_dir()) == \
        [".Drafts", ".Junk", ".Kept", ".Sent", ".Trash"]
