"""Issue 20: `--data NEWDIR` works without creating NEWDIR first; each service makes what it needs."""
import smtplib

from conftest import free_port


def test_smtp_creates_a_missing_data_directory(layer7, tmp_path):
    data = tmp_path / "new" / "deeper"
    port = free_port()
    layer7("--data", str(data), "smtp", "serve", "--domain", "example.org", "--listen", f"127.0.0.1:{port}",
           "--submission", f"127.0.0.1:{free_port()}")
    assert (data / "queue" / "incoming").is_dir()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        assert s.noop()[0] == 250
