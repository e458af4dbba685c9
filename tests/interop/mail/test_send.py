"""`layer7 mail send` against a scripted SMTP server on loopback: what it says when the server
drops the connection mid-transaction."""
import socket
import threading

from conftest import layer7_bin, run


def scripted_server(script):
    """Listens on 127.0.0.1; for the first connection, sends each reply after reading one line,
    then closes. Returns the port and the thread (which records the lines it read)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(20)
    seen = []

    def serve():
        with listener:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(20)
                reader = conn.makefile("rb")
                conn.sendall(b"220 fake ESMTP\r\n")
                for reply in script:
                    seen.append(reader.readline())
                    conn.sendall(reply)
                seen.append(reader.readline())  # the command we never answer

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread, seen


def test_send_says_the_connection_was_lost_without_inventing_a_reply(tmp_path):
    port, thread, seen = scripted_server([b"250 fake\r\n"])  # EHLO answered, then MAIL FROM: closed
    body = tmp_path / "body.txt"
    body.write_text("hello\n")
    r = run([layer7_bin(), "mail", "send", "--server", f"127.0.0.1:{port}", "--from", "alice@crepes.fr",
             "--to", "bob@hamburger.edu", "--body", str(body), "--timeout", "10"], timeout=30)
    thread.join(timeout=20)
    assert seen and seen[-1].startswith(b"MAIL FROM:"), seen
    assert r.returncode == 1, r.stdout + r.stderr
    assert "<bob@hamburger.edu>: not sent: lost the connection to 127.0.0.1:" in r.stderr, r.stderr
    # The server never said 421 (the port in the message may hold those digits: left out).
    assert "421" not in r.stderr.replace(f"127.0.0.1:{port}", "")
