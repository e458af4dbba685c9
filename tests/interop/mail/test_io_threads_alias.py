"""[smtp] io_threads, the old name of [runtime] blocking_threads (one blocking pool for every service
since issue 19), is still accepted with a warning that names the new key; [runtime] blocking_threads
wins when both are set. The pool's size is seen in the process's thread count (asio starts the pool's
threads at once)."""
import os
import smtplib

from conftest import free_port, layer7_bin, run

HOST = "127.0.0.1"


def smtp_config(tmp_path, port, runtime=""):
    conf = tmp_path / f"smtp-{port}.toml"
    conf.write_text(f'[runtime]\ndata = "{tmp_path / "data"}"\n{runtime}\n'
                    f'[smtp]\nlisten = "{HOST}:{port}"\nsubmission = ""\ndomains = ["hamburger.edu"]\n'
                    f'demo_users = true\nio_threads = 6\n')
    return conf


def test_config_check_accepts_io_threads_and_names_the_new_key(tmp_path):
    r = run([layer7_bin(), "config", "check", str(smtp_config(tmp_path, free_port()))])
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "[smtp] io_threads is deprecated: set [runtime] blocking_threads instead" in out, out
    assert "using io_threads = 6" in out, out
    both = run([layer7_bin(), "config", "check",
                str(smtp_config(tmp_path, free_port(), "blocking_threads = 2"))])
    assert both.returncode == 0, both.stdout + both.stderr
    assert "[runtime] blocking_threads = 2 wins" in both.stdout + both.stderr


def test_up_sizes_the_pool_by_io_threads_unless_blocking_threads_is_set(layer7, tmp_path):
    counts = {}
    for name, runtime in (("alias", ""), ("both", "blocking_threads = 2")):
        port = free_port()
        p = layer7("--threads", "1", "up", "--config", str(smtp_config(tmp_path, port, runtime)))
        p.wait_output("io_threads is deprecated")
        with smtplib.SMTP(HOST, port, timeout=10) as s:
            assert s.noop()[0] == 250
        counts[name] = len(os.listdir(f"/proc/{p.proc.pid}/task"))
        rc, _ = p.stop()
        assert rc == 0, p.output()
    assert counts["alias"] - counts["both"] == 6 - 2, counts
