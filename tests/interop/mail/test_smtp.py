"""`layer7 smtp serve` against python's smtplib and raw sockets: EHLO extensions, local delivery
into Maildir, STARTTLS, AUTH PLAIN/LOGIN, submission (RFC 6409), PIPELINING, and every bad-input
reply the issue names (552 SIZE, 452 recipients, 500 long line, 503 sequence, bare LF, 554 relay).
"""
import email
import smtplib
import ssl

import pytest

from smtpkit import HOST, Mta, Raw, add_user, maildir_files, wait_mail

CREPES, HAMBURGER = "crepes.fr", "hamburger.edu"


@pytest.fixture
def mta(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "alice", "wonderland", CREPES)
    add_user(data / "users", "bob", "hungry", HAMBURGER)
    return Mta(layer7, data, [CREPES, HAMBURGER], "--max-recipients", "3", "--max-message", "100000",
               "--hostname", "mx.test", "--idle-timeout", "2")


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def test_ehlo_advertises_the_extensions(mta):
    with smtplib.SMTP(HOST, mta.relay_port, timeout=10) as s:
        code, _ = s.ehlo("client.test")
        assert code == 250
        for ext in ("size", "8bitmime", "pipelining", "enhancedstatuscodes", "smtputf8", "starttls"):
            assert s.has_extn(ext), ext
        assert s.esmtp_features["size"] == "100000"
        assert "PLAIN" in s.esmtp_features.get("auth", "")  # loopback: AUTH without TLS is allowed


def test_local_delivery_into_maildir_with_trace_fields(mta):
    body = "Subject: ketchup\r\n\r\nDo you like ketchup?\r\n.How about pickles?\r\n"
    with smtplib.SMTP(HOST, mta.relay_port, timeout=10) as s:
        refused = s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], body)
        assert refused == {}
        code, text = s.noop()
        assert code == 250
    [stored] = wait_mail(mta.maildir("bob", HAMBURGER))
    msg = email.message_from_bytes(stored)
    assert msg["Return-Path"] == "<alice@crepes.fr>"
    assert msg["Delivered-To"] == "bob@hamburger.edu"
    assert "by mx.test" in msg["Received"] and "with ESMTP" in msg["Received"]
    assert stored.endswith(b"Subject: ketchup\n\nDo you like ketchup?\n.How about pickles?\n")


def test_the_250_names_the_id_and_comes_after_the_file_exists(mta):
    r = Raw(mta.relay_port)
    assert r.reply()[0] == 220
    assert r.cmd("HELO client.test")[0] == 250
    assert r.cmd("MAIL FROM:<alice@crepes.fr>")[0] == 250
    assert r.cmd("RCPT TO:<bob@hamburger.edu>")[0] == 250
    assert r.cmd("DATA")[0] == 354
    code, text = r.cmd("Subject: x\r\n\r\nhi\r\n.")
    assert code == 250 and "queued as" in text
    assert len(maildir_files(mta.maildir("bob", HAMBURGER))) == 1  # already durable: no waiting
    assert r.cmd("QUIT")[0] == 221


def test_starttls_then_auth_plain_on_submission(mta):
    with smtplib.SMTP(HOST, mta.submission_port, timeout=10) as s:
        s.ehlo("client.test")
        code, _ = s.mail("alice@crepes.fr")
        assert code == 530  # RFC 6409: AUTH first
        s.rset()
        s.starttls(context=tls_context())
        s.ehlo("client.test")
        assert "PLAIN" in s.esmtp_features["auth"] and "LOGIN" in s.esmtp_features["auth"]
        assert not s.has_extn("starttls")
        s.login("alice", "wonderland")
        assert s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], "Subject: tls\r\n\r\nsecret\r\n") == {}
    [stored] = wait_mail(mta.maildir("bob", HAMBURGER))
    assert b"with ESMTPSA" in stored


def test_auth_login_and_failures(mta):
    with smtplib.SMTP(HOST, mta.submission_port, timeout=10) as s:
        s.ehlo("client.test")
        with pytest.raises(smtplib.SMTPAuthenticationError) as e:
            s.login("alice", "wrong")
        assert e.value.smtp_code == 535
    with smtplib.SMTP(HOST, mta.submission_port, timeout=10) as s:
        s.ehlo("client.test")
        s.user, s.password = "alice@crepes.fr", "wonderland"
        code, _ = s.auth("LOGIN", s.auth_login)
        assert code == 235


def test_auth_is_refused_without_tls_when_not_loopback_is_policy(mta):
    # A client that sends AUTH before EHLO is out of sequence.
    r = Raw(mta.submission_port)
    r.reply()
    assert r.cmd("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=")[0] == 503
    r.close()


def test_pipelining_one_write_all_replies_in_order(mta):
    r = Raw(mta.relay_port)
    r.reply()
    code, text = r.cmd("EHLO client.test")
    assert "PIPELINING" in text
    r.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<nobody@hamburger.edu>\r\n"
           "RCPT TO:<alice@crepes.fr>\r\nDATA\r\n")
    codes = [r.reply()[0] for _ in range(5)]
    assert codes == [250, 250, 550, 250, 354]
    r.send("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    assert r.reply()[0] == 250
    assert r.reply()[0] == 221
    wait_mail(mta.maildir("bob", HAMBURGER))
    wait_mail(mta.maildir("alice", CREPES))


def test_size_limit_552(mta):
    with smtplib.SMTP(HOST, mta.relay_port, timeout=10) as s:
        s.ehlo("client.test")
        code, text = s.mail("alice@crepes.fr", ["SIZE=200000"])
        assert code == 552 and text.startswith(b"5.3.4")
        with pytest.raises(smtplib.SMTPSenderRefused) as e:  # smtplib declares SIZE itself
            s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], "Subject: big\r\n\r\n" + ("x" * 900 + "\r\n") * 120)
        assert e.value.smtp_code == 552
    r = Raw(mta.relay_port)  # a client that does not declare SIZE learns it at the end of DATA
    r.reply()
    r.cmd("EHLO client.test")
    r.cmd("MAIL FROM:<alice@crepes.fr>")
    r.cmd("RCPT TO:<bob@hamburger.edu>")
    assert r.cmd("DATA")[0] == 354
    code, text = r.cmd("Subject: big\r\n\r\n" + ("x" * 900 + "\r\n") * 120 + ".")
    assert code == 552 and text.startswith("5.3.4")
    assert maildir_files(mta.maildir("bob", HAMBURGER)) == []


def test_too_many_recipients_452(mta):
    r = Raw(mta.relay_port)
    r.reply()
    r.cmd("EHLO client.test")
    assert r.cmd("MAIL FROM:<alice@crepes.fr>")[0] == 250
    for _ in range(3):
        assert r.cmd("RCPT TO:<bob@hamburger.edu>")[0] == 250
    code, text = r.cmd("RCPT TO:<bob@hamburger.edu>")
    assert code == 452 and text.startswith("4.5.3")
    assert r.cmd("DATA")[0] == 354  # the three accepted ones still get the message
    assert r.cmd("Subject: many\r\n\r\nx\r\n.")[0] == 250


def test_long_line_500_then_the_session_goes_on(mta):
    r = Raw(mta.relay_port)
    r.reply()
    code, text = r.cmd("EHLO " + "a" * 1200)
    assert code == 500 and text.startswith("5.5.")
    assert r.cmd("EHLO client.test")[0] == 250
    code, _ = r.cmd("NOOP " + "b" * 990)  # at the limit: fine
    assert code == 250


def test_long_line_in_data_is_552_at_the_end(mta):
    r = Raw(mta.relay_port)
    r.reply()
    r.cmd("EHLO client.test")
    r.cmd("MAIL FROM:<alice@crepes.fr>")
    r.cmd("RCPT TO:<bob@hamburger.edu>")
    assert r.cmd("DATA")[0] == 354
    code, text = r.cmd("Subject: long\r\n\r\n" + "y" * 5000 + "\r\n.")
    assert code == 552
    assert maildir_files(mta.maildir("bob", HAMBURGER)) == []


def test_commands_out_of_sequence_503(mta):
    r = Raw(mta.relay_port)
    r.reply()
    assert r.cmd("MAIL FROM:<alice@crepes.fr>")[0] == 503  # before EHLO
    r.cmd("EHLO client.test")
    assert r.cmd("RCPT TO:<bob@hamburger.edu>")[0] == 503  # before MAIL
    assert r.cmd("DATA")[0] == 503
    r.cmd("MAIL FROM:<alice@crepes.fr>")
    assert r.cmd("MAIL FROM:<alice@crepes.fr>")[0] == 503  # nested MAIL
    assert r.cmd("XYZZY")[0] == 500
    assert r.cmd("VRFY bob")[0] == 252


def test_bare_lf_in_data_is_refused(mta):
    r = Raw(mta.relay_port)
    r.reply()
    r.cmd("EHLO client.test")
    r.cmd("MAIL FROM:<alice@crepes.fr>")
    r.cmd("RCPT TO:<bob@hamburger.edu>")
    assert r.cmd("DATA")[0] == 354
    # The SMTP smuggling shape: "\n.\n" must not end the data, and the message is refused.
    r.send("Subject: smuggle\r\n\r\nbody\n.\nMAIL FROM:<evil@x>\r\n.\r\n")
    code, text = r.reply()
    assert code == 550 and text.startswith("5.6.11")
    assert r.cmd("NOOP")[0] == 250
    assert maildir_files(mta.maildir("bob", HAMBURGER)) == []


def test_relay_denied_554_and_unknown_user_550(mta):
    with smtplib.SMTP(HOST, mta.relay_port, timeout=10) as s:
        s.ehlo("client.test")
        s.mail("alice@crepes.fr")
        code, text = s.rcpt("someone@elsewhere.example")
        assert code == 554 and b"Relay access denied" in text
        code, text = s.rcpt("nobody@hamburger.edu")
        assert code == 550 and text.startswith(b"5.1.1")
    assert mta.queue_ids() == []


def test_idle_client_gets_421(mta):
    r = Raw(mta.relay_port)
    r.reply()
    code, text = r.reply()  # --idle-timeout 2
    assert code == 421 and text.startswith("4.4.2")
    assert r.closed()


def test_swaks_plain_and_with_tls_auth(mta, tmp_path):
    import shutil
    import subprocess
    if not shutil.which("swaks"):
        pytest.skip("swaks is not installed (tools/setup.sh test)")
    r = subprocess.run(["swaks", "--server", f"{HOST}:{mta.relay_port}", "--from", "alice@crepes.fr",
                        "--to", "bob@hamburger.edu", "--helo", "swaks.test", "--pipeline"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["swaks", "--server", f"{HOST}:{mta.submission_port}", "--from", "alice@crepes.fr",
                        "--to", "bob@hamburger.edu", "-tls", "-a", "LOGIN", "-au", "alice", "-ap", "wonderland"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "235 2.7.0" in r.stdout
    msgs = wait_mail(mta.maildir("bob", HAMBURGER), 2)
    assert any(b"with ESMTPSA" in m for m in msgs)
