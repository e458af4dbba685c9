"""The queue and the MX relay between two layer7 instances (crepes.fr → hamburger.edu): delivery by
static route, by MX through `layer7 dns serve` (its queries in --trace; the implicit MX; NXDOMAIN
bounces), kill -9 right after the 250 and a restart, retries with back-off, bounces (RFC 3464) for a
refusal and for the maximum age.
"""
import email
import signal
import smtplib

from conftest import free_port
from smtpkit import HOST, Mta, add_user, wait_mail, wait_until

CREPES, HAMBURGER = "crepes.fr", "hamburger.edu"


def crepes(layer7, tmp_path, *extra):
    data = tmp_path / "crepes"
    data.mkdir(exist_ok=True)
    if not (data / "users").exists():
        add_user(data / "users", "alice", "wonderland", CREPES)
    return Mta(layer7, data, [CREPES], "--hostname", "mail.crepes.fr", "--trust", "127.0.0.0/8",
               "--retry-min", "1", "--retry-max", "2", *extra)


def hamburger(layer7, tmp_path, port=None, *extra):
    data = tmp_path / "hamburger"
    data.mkdir(exist_ok=True)
    if not (data / "users").exists():
        add_user(data / "users", "bob", "hungry", HAMBURGER)
    return Mta(layer7, data, [HAMBURGER], "--hostname", "mail.hamburger.edu", *extra, relay_port=port)


def submit(port, to="bob@hamburger.edu", body="Subject: ketchup\r\n\r\nDo you like ketchup?\r\n"):
    with smtplib.SMTP(HOST, port, timeout=10) as s:
        assert s.sendmail("alice@crepes.fr", [to], body) == {}


def wait_bounce(a):
    """The bounce that reached alice, checked to be an RFC 3464 report; returns its parts."""
    [bounce] = wait_mail(a.maildir("alice", CREPES))
    msg = email.message_from_bytes(bounce)
    assert msg["Return-Path"] == "<>"
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    return msg.get_payload()


def test_relay_by_static_route_with_starttls(layer7, tmp_path):
    b = hamburger(layer7, tmp_path)
    a = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{b.relay_port}")
    submit(a.relay_port)
    [stored] = wait_mail(b.maildir("bob", HAMBURGER))
    msg = email.message_from_bytes(stored)
    received = msg.get_all("Received")
    assert len(received) == 2
    assert "by mail.hamburger.edu" in received[0] and "with ESMTPS" in received[0]  # opportunistic TLS
    assert "by mail.crepes.fr" in received[1]
    assert msg["Return-Path"] == "<alice@crepes.fr>"
    wait_until(lambda: a.queue_ids() == [], what="the queue empties")


def test_kill_9_after_the_250_then_restart_still_delivers(layer7, tmp_path):
    b_port = free_port()
    a = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{b_port}")
    submit(a.relay_port, body="Subject: durable\r\n\r\nsurvives kill -9\r\n")
    a.proc.proc.send_signal(signal.SIGKILL)  # right after the 250: no chance to flush anything
    a.proc.proc.wait(timeout=10)
    assert len(a.queue_ids()) == 1
    b = hamburger(layer7, tmp_path, port=b_port)
    a2 = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{b_port}")
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=20)
    assert b"survives kill -9" in stored
    wait_until(lambda: a2.queue_ids() == [], what="the queue empties")


def test_deferred_then_delivered_when_the_peer_comes_up(layer7, tmp_path):
    b_port = free_port()
    a = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{b_port}")
    submit(a.relay_port, body="Subject: later\r\n\r\nretried\r\n")
    state = a.data / "queue" / "deferred"
    wait_until(lambda: state.exists() and any(state.iterdir()), what="a deferred state file")
    assert "4.4.1 connect to" in next(state.iterdir()).read_text()
    b = hamburger(layer7, tmp_path, port=b_port)
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=20)  # back-off: 1 s, 2 s, 2 s…
    assert b"retried" in stored


def test_refusal_bounces_to_the_sender_as_a_dsn(layer7, tmp_path):
    b = hamburger(layer7, tmp_path)
    a = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{b.relay_port}")
    submit(a.relay_port, to="nobody@hamburger.edu", body="Subject: lost\r\n\r\nfor nobody\r\n")
    parts = wait_bounce(a)
    assert [p.get_content_type() for p in parts] == ["text/plain", "message/delivery-status",
                                                       "text/rfc822-headers"]
    status = parts[1].as_string()
    assert "Final-Recipient: rfc822; nobody@hamburger.edu" in status
    assert "Status: 5.1.1" in status and "Action: failed" in status
    assert "Diagnostic-Code: smtp; 550 5.1.1" in status
    assert "Subject: lost" in parts[2].as_string()
    wait_until(lambda: a.queue_ids() == [], what="the queue empties")


def test_maximum_age_bounces_with_4_4_7(layer7, tmp_path):
    dead = free_port()
    a = crepes(layer7, tmp_path, "--route", f"{HAMBURGER}=127.0.0.1:{dead}", "--max-queue-age", "2")
    submit(a.relay_port, body="Subject: too late\r\n\r\nnobody answers\r\n")
    [bounce] = wait_mail(a.maildir("alice", CREPES), deadline=20)
    assert b"Status: 4.4.7" in bounce and b"Action: failed" in bounce
    wait_until(lambda: a.queue_ids() == [], what="the queue empties")


def zone_file(path, mx=True):
    """hamburger.edu with two MX hosts, or (mx=False) none: its own A is the implicit MX."""
    path.write_text("""$ORIGIN hamburger.edu.
$TTL 300
@   IN SOA ns1 hostmaster 1 3600 600 86400 300
@   IN NS  ns1
ns1 IN A   127.0.0.1
mail IN A  127.0.0.1
backup IN A 127.0.0.2
""" + ("""@   IN MX  20 backup
@   IN MX  10 mail
""" if mx else """@   IN A   127.0.0.1
"""))


def hamburger_dns(layer7, tmp_path, mx=True):
    """`layer7 dns serve` authoritative for hamburger.edu on loopback; returns its port."""
    zone = tmp_path / "hamburger.edu.zone"
    zone_file(zone, mx)
    port = free_port()
    layer7("dns", "serve", "--zone", str(zone), "--listen", f"{HOST}:{port}")
    return port


def test_route_found_by_mx_through_layer7_dns(layer7, tmp_path):
    b = hamburger(layer7, tmp_path)
    dns_port = hamburger_dns(layer7, tmp_path)
    a = crepes(layer7, tmp_path, "--resolver", f"{HOST}:{dns_port}", "--mx-port", str(b.relay_port), "--trace")
    submit(a.relay_port, body="Subject: by MX\r\n\r\nfound through DNS\r\n")
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=20)
    assert b"found through DNS" in stored
    # The relay's DNS in its --trace: the MX query, then the best host's address.
    server = f"@{HOST}:{dns_port}"
    a.proc.wait_output(f"C: {server} hamburger.edu. MX")
    a.proc.wait_output(f"S: {server} NOERROR 2 answer(s)")
    a.proc.wait_output(f"C: {server} mail.hamburger.edu. A")


def test_implicit_mx_is_the_domains_own_address(layer7, tmp_path):
    b = hamburger(layer7, tmp_path)
    dns_port = hamburger_dns(layer7, tmp_path, mx=False)
    a = crepes(layer7, tmp_path, "--resolver", f"{HOST}:{dns_port}", "--mx-port", str(b.relay_port))
    submit(a.relay_port, body="Subject: no MX\r\n\r\nRFC 5321 section 5.1\r\n")
    [stored] = wait_mail(b.maildir("bob", HAMBURGER), deadline=20)
    assert b"RFC 5321 section 5.1" in stored
    wait_until(lambda: a.queue_ids() == [], what="the queue empties")


def test_nxdomain_bounces_at_once(layer7, tmp_path):
    dns_port = hamburger_dns(layer7, tmp_path)
    a = crepes(layer7, tmp_path, "--resolver", f"{HOST}:{dns_port}")
    submit(a.relay_port, to="bob@nowhere.hamburger.edu", body="Subject: astray\r\n\r\nno such domain\r\n")
    status = wait_bounce(a)[1].as_string()
    assert "Final-Recipient: rfc822; bob@nowhere.hamburger.edu" in status
    assert "Status: 5.1.2" in status and "Action: failed" in status
    assert "host or domain name not found: nowhere.hamburger.edu" in status
    wait_until(lambda: a.queue_ids() == [], what="the queue empties")
