"""`layer7 dig` follows dig's own exit convention: a bad argument exits 1 (the other subcommands
exit 2 for usage errors, as DESIGN.md §4 says)."""
from conftest import layer7_bin, run


def l7(*args):
    return run([layer7_bin(), *args], timeout=30)


def test_dig_usage_errors_exit_1():
    for args in (["--bogus", "x."], ["-p"], ["x.", "-p", "notaport"], ["x.", "+bogus"]):
        r = l7("dig", *args)
        assert r.returncode == 1, (args, r.returncode, r.stderr)
        assert r.stderr.strip(), args


def test_other_commands_keep_exit_2():
    assert l7("get", "--bogus").returncode == 2
    assert l7("dns", "serve", "--bogus").returncode == 2
