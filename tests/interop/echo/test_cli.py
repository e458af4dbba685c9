"""The `layer7` command itself: up with the embedded default, config default/check, errors."""
import os
import re
import signal
import socket
import subprocess

import pytest

from conftest import Process, free_port, layer7_bin, run


def port_free(port):
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False


def test_up_on_the_embedded_default_prints_its_table_and_stops_on_sigterm_within_2s(tmp_path):
    if not port_free(12000):
        pytest.skip("port 12000 in use")
    p = Process([layer7_bin(), "--data", str(tmp_path), "up"])
    table = p.wait_output("SERVICE")
    assert "ADDRESS" in table and "TRY" in table
    row = p.wait_output("echo/tcp")
    assert "127.0.0.1:12000" in row and "layer7 echo send" in row
    # an idle connection must not hold the shutdown
    with socket.create_connection(("127.0.0.1", 12000), timeout=5) as s:
        s.sendall(b"up\n")
        assert s.recv(10) == b"UP\n"
        rc, took = p.stop(signal.SIGTERM)
    assert rc == 0, p.output()
    assert took < 2.0


def test_sigint_also_stops_cleanly(layer7):
    port = free_port()
    p = layer7("echo", "serve", "--listen", f"127.0.0.1:{port}")
    rc, took = p.stop(signal.SIGINT)
    assert rc == 0 and took < 2.0


def test_sighup_reloads_without_stopping(layer7):
    port = free_port()
    p = layer7("echo", "serve", "--listen", f"127.0.0.1:{port}")
    p.proc.send_signal(signal.SIGHUP)
    p.wait_output("SIGHUP")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"still here\n")
        assert s.recv(20) == b"STILL HERE\n"


def test_config_default_passes_config_check(tmp_path):
    r = run([layer7_bin(), "config", "default"])
    assert r.returncode == 0 and "[echo]" in r.stdout
    path = tmp_path / "default.toml"
    path.write_text(r.stdout)
    r = run([layer7_bin(), "config", "check", str(path)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{path}: ok"


@pytest.mark.parametrize("text, line, message", [
    ("[echo]\nlisten = \n", 2, ""),                               # TOML syntax
    ("[echo]\nenabled = true\nlisten = \"nowhere\"\n", 3, "echo.listen"),
    ("[echo]\n\n\ncolour = \"blue\"\n", 4, "unknown key 'echo.colour'"),
    ("[runtime]\nthreads = -1\n", 2, "runtime.threads"),
    ("[echo.limits]\nmax_line = \"big\"\n", 2, "echo.limits.max_line: expected an integer"),
    # What `up` would refuse at start is caught by `config check` too, at its line.
    ("[runtime]\nlog_level = \"verbose\"\n", 2, "runtime.log_level"),
    ("[http]\nlisten = \"127.0.0.1:0\"\nroot = \"/nonexistent/www\"\n", 3, "http.root: no such directory"),
    ("[pop3]\nusers = \"/nonexistent/users\"\n", 2, "pop3.users: no such file"),
    ("[pop3]\ntls_cert = \"/nonexistent/c.pem\"\ntls_key = \"/nonexistent/k.pem\"\n", 2, "pop3.tls_cert"),
    ("[dns]\nzones = [\"/nonexistent/z.db\"]\n", 2, "dns.zones: no such file"),
    ("[ftp]\nroot = \"/nonexistent\"\n", 2, "ftp.root: no such directory"),
])
def test_malformed_config_is_rejected_with_file_line_and_exit_2(tmp_path, text, line, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    for args in (["config", "check", str(path)], ["up", "--config", str(path)]):
        r = run([layer7_bin(), *args], timeout=10)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        first = r.stderr.splitlines()[0]
        assert first.startswith(f"{path}:{line}: "), first
        assert message in first


def test_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        r = run([layer7_bin(), "echo", "serve", "--listen", f"127.0.0.1:{port}"], timeout=10)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert f"127.0.0.1:{port}" in lines[0] and "in use" in lines[0]


def test_two_layer7_do_not_share_a_port(layer7):
    port = free_port()
    layer7("echo", "serve", "--listen", f"127.0.0.1:{port}")
    r = run([layer7_bin(), "echo", "serve", "--listen", f"127.0.0.1:{port}"], timeout=10)
    assert r.returncode == 1 and "in use" in r.stderr


def test_every_subcommand_has_help():
    for args in (["--help"], ["up", "--help"], ["config", "--help"], ["config", "check", "--help"],
                 ["echo", "--help"], ["echo", "serve", "--help"], ["echo", "send", "--help"]):
        r = run([layer7_bin(), *args])
        # man-page-like: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (tests/interop/cli checks the sections)
        assert r.returncode == 0 and "SYNOPSIS" in r.stdout and "--help" in r.stdout, args


@pytest.mark.parametrize("args", [
    ["--no-such-flag"],                      # CLI11 says 109 (extras)
    ["no-such-command"],                     # 109
    ["echo", "send"],                        # a required argument missing: 106
    ["echo", "serve", "--listen"],           # an option without its value: 107
    ["--threads", "many", "echo", "serve"],  # a value of the wrong kind: 105
    [],                                      # no subcommand at all: 106
])
def test_usage_errors_exit_2_with_a_message(args):
    r = run([layer7_bin(), *args], timeout=10)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert r.stderr.strip(), args


def test_version_prints_a_version_and_exits_0():
    r = run([layer7_bin(), "--version"], timeout=10)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"layer7 \d+\.\d+\.\d+\n", r.stdout), r.stdout


def test_cmake_install_puts_the_program_config_and_unit_in_place(tmp_path):
    # The build directory of the binary under test (BUILD/src/cli/layer7) installs into a temp prefix.
    import pathlib
    build = pathlib.Path(layer7_bin()).resolve().parents[2]
    prefix = tmp_path / "prefix"
    r = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    program = prefix / "bin" / "layer7"
    assert subprocess.run([str(program), "--version"], capture_output=True, text=True).stdout.startswith("layer7 ")
    config = prefix / "etc" / "layer7" / "layer7.toml"
    check = subprocess.run([str(program), "config", "check", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    unit = (prefix / "lib" / "systemd" / "system" / "layer7.service").read_text()
    assert " up --config " in unit and "ExecReload=/bin/kill -HUP $MAINPID" in unit
    # A second install keeps a config the user edited.
    config.write_text(config.read_text() + "\n# edited\n")
    assert subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True,
                          timeout=120).returncode == 0
    assert config.read_text().endswith("# edited\n")
