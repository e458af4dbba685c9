"""`layer7 user add|passwd|del`: the users file holds crypt(3) hashes that the system's crypt accepts."""
import warnings

from conftest import layer7_bin, run

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # Debian's python3.11 still ships it; it calls the same libcrypt as /etc/shadow


def test_add_passwd_del_round_trip(tmp_path):
    users = tmp_path / "users"
    r = run([layer7_bin(), "user", "add", "alice", "--users", str(users)], input="wonderland\n")
    assert r.returncode == 0, r.stderr
    name, hashed = users.read_text().strip().split(":", 1)
    assert name == "alice" and hashed.startswith("$y$")
    assert crypt.crypt("wonderland", hashed) == hashed
    assert crypt.crypt("wrong", hashed) != hashed
    assert oct(users.stat().st_mode & 0o777) == "0o600"

    r = run([layer7_bin(), "user", "add", "alice", "--users", str(users)], input="again\n")
    assert r.returncode == 1 and "exists" in r.stderr

    r = run([layer7_bin(), "user", "passwd", "alice", "--users", str(users)], input="looking-glass\n")
    assert r.returncode == 0
    hashed = users.read_text().strip().split(":", 1)[1]
    assert crypt.crypt("looking-glass", hashed) == hashed

    r = run([layer7_bin(), "user", "del", "alice", "--users", str(users)])
    assert r.returncode == 0 and users.read_text() == ""
    r = run([layer7_bin(), "user", "del", "alice", "--users", str(users)])
    assert r.returncode == 1 and "no user alice" in r.stderr


def test_password_must_come_on_stdin_and_names_are_checked(tmp_path):
    users = tmp_path / "users"
    r = run([layer7_bin(), "user", "add", "bob", "--users", str(users)], input="")
    assert r.returncode == 2 and "standard input" in r.stderr
    r = run([layer7_bin(), "user", "add", "bad:name", "--users", str(users)], input="x\n")
    assert r.returncode == 2 and "bad user name" in r.stderr
    assert not users.exists()


def test_add_sets_write_root_and_domain(tmp_path):
    """Issue 20: the attributes FTP (write=, root=) and mail (domain=) read are set by `user add`."""
    users = tmp_path / "users"
    home = tmp_path / "carol-files"
    home.mkdir()
    r = run([layer7_bin(), "user", "add", "carol", "--users", str(users), "--write", "yes",
             "--root", str(home) + "/", "--domain", "crepes.fr"], input="secret\n")
    assert r.returncode == 0, r.stderr
    name, hashed, attrs = users.read_text().strip().split(":", 2)
    assert name == "carol" and crypt.crypt("secret", hashed) == hashed
    assert sorted(attrs.split(",")) == sorted(["write=yes", f"root={home}", "domain=crepes.fr"])
    for bad in (["--write", "maybe"], ["--root", str(tmp_path / "missing")], ["--domain", "a,b"]):
        r = run([layer7_bin(), "user", "add", "dave", "--users", str(users), *bad], input="x\n")
        assert r.returncode == 2, (bad, r.stderr)
    assert "dave" not in users.read_text()
