"""Issue 20: `layer7 --help` and every `layer7 COMMAND [SUB] --help` read like a man page (NAME,
SYNOPSIS, DESCRIPTION, OPTIONS, EXAMPLES, EXIT STATUS, SEE ALSO) and exit 0; layer7(1), written by
the program from the same text, renders with man -l and groff without a warning."""
import functools
import os
import re
import shutil
import subprocess

import pytest

from conftest import layer7_bin, run

SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "SEE ALSO"]


@functools.lru_cache(maxsize=None)
def help_of(*command):
    """The help text, asked once per command in a run (the walk and the checks read it again)."""
    r = run([layer7_bin(), *command, "--help"])
    assert r.returncode == 0, (command, r.returncode, r.stderr)
    return r.stdout


def subcommands(text):
    """The names listed under COMMANDS."""
    m = re.search(r"^COMMANDS\n((?: {7}\S.*\n)+)", text, re.M)
    return [line.split()[0] for line in m.group(1).splitlines()] if m else []


def all_commands():
    found, todo = [], [()]
    while todo:
        command = todo.pop()
        found.append(command)
        todo += [command + (sub,) for sub in subcommands(help_of(*command))]
    return found


def test_every_command_has_a_man_like_help():
    commands = all_commands()
    names = {" ".join(c) for c in commands}
    for expected in ("up", "config check", "get", "dig", "dns serve", "dns resolve", "pop3 serve", "mail fetch",
                     "ftp get", "torrent make", "connect", "user add", "echo send"):
        assert expected in names, sorted(names)
    for command in commands:
        text = help_of(*command)
        at = [text.find("\n" + s + "\n") if s != "NAME" else (0 if text.startswith("NAME\n") else -1)
              for s in SECTIONS]
        assert all(i >= 0 for i in at), (command, text)
        assert at == sorted(at), (command, "sections out of order")
        name = " ".join(("layer7",) + command)
        assert f"\n       {name} - " in "\n" + text.split("\n", 1)[1], (command, text[:200])
        assert f"\n       {name}" in text.split("SYNOPSIS", 1)[1], (command, text)


def test_help_keeps_the_cli_names_and_exit_codes():
    text = help_of("get")
    for flag in ("--page", "--rtt", "--parallel", "--no-keepalive", "-o,--output"):
        assert flag in text
    assert "--trace-secrets" in help_of()
    assert "1    a usage error (dig's convention)" in help_of("dig")
    assert "2    a usage error" in help_of("http", "serve")


def test_man_page_renders_without_warnings(tmp_path):
    page = tmp_path / "layer7.1"
    r = run([layer7_bin(), "--man-page", str(page)])
    assert r.returncode == 0, r.stderr
    text = page.read_text()
    assert text.startswith(".TH LAYER7 1")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXAMPLES", '"EXIT STATUS"', '"SEE ALSO"'):
        assert f"\n.SH {section}\n" in text, section
    assert '.SS "layer7 get"' in text and '.SS "layer7 dns serve"' in text
    if not shutil.which("groff") or not shutil.which("man"):
        pytest.skip("groff/man-db not installed (tools/setup.sh test)")
    g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, text=True, timeout=60)
    assert g.returncode == 0 and g.stderr == "", g.stderr
    m = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "100", "LC_ALL": "C.UTF-8"})
    assert m.returncode == 0 and m.stderr == "", m.stderr
    out = m.stdout
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXAMPLES", "EXIT STATUS", "SEE ALSO"):
        assert f"\n{section}\n" in out, section
    assert "layer7 get" in out and "--rtt" in out


def test_the_build_wrote_the_man_page():
    built = os.path.join(os.path.dirname(layer7_bin()), "layer7.1")
    assert os.path.exists(built), built
    assert open(built).read().startswith(".TH LAYER7 1")
