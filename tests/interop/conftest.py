"""Shared fixtures for interop tests: start layer7 (or a real peer), wait for it, stop it cleanly.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import os
import select
import shutil
import signal
import socket
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def layer7_bin():
    path = os.environ.get("LAYER7_BIN", os.path.join(ROOT, "build", "src", "cli", "layer7"))
    if not os.path.exists(path):
        pytest.exit(f"layer7 binary not found at {path}; build it or set LAYER7_BIN", returncode=2)
    return path


NODE = shutil.which("node")


def npm_package(package, min_node, why):
    """(vendor folder, pytest marks) for a test module driving a vendored npm package
    (tools/setup.sh fetch_npm): skipped when it is not vendored or Node.js is older than `min_node`."""
    vendor = os.path.join(ROOT, "vendor", package)
    major = 0
    if NODE:
        r = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=10)
        major = int(r.stdout.strip().lstrip("v").split(".")[0] or 0)
    return vendor, [
        pytest.mark.skipif(not os.path.exists(os.path.join(vendor, "node_modules", package, "package.json")),
                           reason=f"{package} not vendored (tools/setup.sh test; needs npm's registry)"),
        pytest.mark.skipif(major < min_node, reason=f"Node.js {min_node} or later not installed ({why})"),
    ]


# Ports for servers under test come from below the kernel's ephemeral range (32768-60999 on Debian):
# there a client's connect() in another folder, running at the same time, can take the port between
# free_port() and the server's bind (CI saw "Address already in use" that way). Each folder gets a
# slice of its own (the folder ctest runs, see pytest_configure) and walks it, even ports only, so
# that an odd port stays free for an RTP pair's RTCP.
PORT_BASE, PORT_SPAN = 20000, 12000
_port_slice = {"first": PORT_BASE, "size": PORT_SPAN, "next": 0}


def _choose_port_slice(args):
    here = os.path.dirname(os.path.abspath(__file__))
    folders = sorted(d for d in os.listdir(here) if os.path.isdir(os.path.join(here, d))
                     and any(f.startswith("test_") for f in os.listdir(os.path.join(here, d))))
    size = (PORT_SPAN // len(folders)) & ~1
    named = [os.path.relpath(os.path.abspath(a.split("::")[0]), here).split(os.sep)[0] for a in args]
    index = next((folders.index(n) for n in named if n in folders), os.getpid() % len(folders))
    _port_slice.update(first=PORT_BASE + index * size, size=size, next=(os.getpid() * 2) % size)


def free_port(kind=socket.SOCK_STREAM, host="127.0.0.1"):
    """An even port of this folder's slice that is free for both TCP and UDP right now."""
    for _ in range(_port_slice["size"] // 2):
        port = _port_slice["first"] + _port_slice["next"]
        _port_slice["next"] = (_port_slice["next"] + 2) % _port_slice["size"]
        try:
            for k in (kind, socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, k) as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


def wait_tcp(host, port, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"{host}:{port} did not open within {deadline}s")


def wait_refused(host, port, deadline=10.0):
    """Waits until connecting fails (a listener closed a moment after the log line saying so)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.02)
    raise TimeoutError(f"{host}:{port} still accepts after {deadline}s")


class Process:
    """A running layer7 with its output captured line by line."""

    def __init__(self, args, ready="layer7 is up", deadline=20.0, env=None, stdin=None):
        self.args = args
        self.proc = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})})
        self.out_lines, self.err_lines = [], []
        self._buf = {self.proc.stdout.fileno(): b"", self.proc.stderr.fileno(): b""}
        if ready:
            self.wait_output(ready, deadline)

    def _pump(self, timeout):
        fds = [f for f in (self.proc.stdout, self.proc.stderr) if not f.closed]
        if not fds:
            return False
        readable, _, _ = select.select(fds, [], [], timeout)
        for f in readable:
            chunk = os.read(f.fileno(), 65536)
            if not chunk:
                f.close()
                continue
            data = self._buf[f.fileno()] + chunk
            *lines, rest = data.split(b"\n")
            self._buf[f.fileno()] = rest
            target = self.out_lines if f is self.proc.stdout else self.err_lines
            target.extend(l.decode(errors="replace") for l in lines)
        return True

    def wait_output(self, text, deadline=10.0):
        """Waits until `text` appears in stdout or stderr; returns the line."""
        end = time.monotonic() + deadline
        while True:
            for line in self.out_lines + self.err_lines:
                if text in line:
                    return line
            remaining = end - time.monotonic()
            if remaining <= 0 or (not self._pump(min(remaining, 0.2)) and self.proc.poll() is not None):
                raise TimeoutError(f"'{text}' not seen within {deadline}s; rc={self.proc.poll()}\n"
                                   f"stdout: {self.out_lines}\nstderr: {self.err_lines}")

    def stop(self, sig=signal.SIGTERM, deadline=10.0):
        """Signals the process and returns (exit code, seconds it took)."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        end = start + deadline
        while self.proc.poll() is None and time.monotonic() < end:
            self._pump(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            raise TimeoutError(f"{self.args} did not exit within {deadline}s")
        while self._pump(0):
            pass
        return self.proc.returncode, time.monotonic() - start

    def output(self):
        return "\n".join(self.out_lines + self.err_lines)


def stop_all(processes, deadline=20.0):
    """SIGTERM to every process still running, all at once, then waits for them all (reading their
    output meanwhile); returns [(process, exit code)]. A layer7 under ASan takes most of a second to
    exit, so a test's several servers stopped one after another added up to seconds."""
    running = [p for p in processes if p.proc.poll() is None]
    for p in running:
        p.proc.send_signal(signal.SIGTERM)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        left = [p for p in running if p.proc.poll() is None]
        if not left:
            break
        for p in left:
            p._pump(0.05 / len(left))
    late = [p for p in running if p.proc.poll() is None]
    for p in late:
        p.proc.kill()
        p.proc.wait()
    for p in running:
        while p._pump(0):
            pass
    if late:
        raise TimeoutError(f"{[p.args for p in late]} did not exit within {deadline}s")
    return [(p, p.proc.returncode) for p in running]


@pytest.fixture
def layer7():
    """Starts layer7 subcommands; each is stopped (SIGTERM) at the end and must exit 0."""
    started = []

    def start(*args, ready="layer7 is up", deadline=20.0, env=None):
        p = Process([layer7_bin(), *args], ready=ready, deadline=deadline, env=env)
        started.append(p)
        return p

    yield start
    for p, rc in stop_all(started):
        assert rc == 0, f"{p.args} exited {rc}:\n{p.output()}"


def run(args, input=None, timeout=30):
    """Runs a command to completion; returns CompletedProcess with text output."""
    return subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout)


def start_group(args, **popen_args):
    """Starts a program that forks helpers of its own (Chromium's zygote and renderers) in a process
    group of its own, so that stop_group ends all of them: killing the first alone orphans the rest."""
    return subprocess.Popen(args, start_new_session=True, **popen_args)


def stop_group(proc, deadline=10.0):
    """SIGTERM to the whole group, SIGKILL after `deadline`, and SIGKILL to whatever of the group is
    left once the leader has exited."""
    def signal_group(sig):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        signal_group(signal.SIGTERM)
        try:
            proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            signal_group(signal.SIGKILL)
            proc.wait()
    signal_group(signal.SIGKILL)


def pytest_configure(config):
    _choose_port_slice(config.args)
    config.addinivalue_line("markers", "reference: a run against a stand-in peer (BIND named in place of "
                            "layer7) that validates a test harness itself; skipped unless LAYER7_REFERENCE=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("LAYER7_REFERENCE") == "1":
        return
    skip = pytest.mark.skip(reason="reference run (set LAYER7_REFERENCE=1)")
    for item in items:
        if "reference" in item.keywords:
            item.add_marker(skip)


# A test that skips because a tool is missing tests nothing, and in CI nobody reads the skip: with
# LAYER7_REQUIRE_TOOLS=1 (ctest sets it) such a skip is a failure, since `tools/setup.sh test` should
# have installed the tool. Skips for other reasons (not root, no IPv6, a reference run, a tool only
# `tools/setup.sh bench` installs) stay skips; -rs lists them all.
MISSING_TOOL = ("not installed", "not vendored")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or os.environ.get("LAYER7_REQUIRE_TOOLS") != "1":
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if any(words in reason for words in MISSING_TOOL):
        report.outcome = "failed"
        report.longrepr = f"skipped for a missing tool that tools/setup.sh test installs: {reason}"
