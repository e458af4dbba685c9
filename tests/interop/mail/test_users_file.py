"""Issue 20: POP3 and IMAP without a users file refuse to start with a one-line error (instead of
refusing every login in silence); `layer7 config check` reports it; `layer7 up` still works on a
clean data directory because SMTP's demo users create the file before POP3 and IMAP start."""
import poplib

from conftest import free_port, layer7_bin, run

HOST = "127.0.0.1"


def l7(*args):
    return run([layer7_bin(), *args], timeout=30)


def test_pop3_and_imap_refuse_to_start_without_users(tmp_path):
    for service in ("pop3", "imap"):
        r = l7("--data", str(tmp_path / service), service, "serve", "--listen", f"{HOST}:{free_port()}")
        assert r.returncode == 1, r.stdout + r.stderr
        errors = [line for line in r.stderr.splitlines() if "users" in line]
        assert len(errors) == 1, r.stderr
        assert errors[0].startswith(f"layer7: {service}: no users file ")
        assert str(tmp_path / service / "users") in errors[0]
        assert "layer7 user add" in errors[0]


def test_an_explicit_missing_users_file_is_refused_too(tmp_path):
    # --data: imap makes its development certificate before it looks at the users file
    r = l7("--data", str(tmp_path / "data"), "imap", "serve", "--listen", f"{HOST}:{free_port()}", "--users",
           str(tmp_path / "nope"))
    assert r.returncode == 1 and "no users file" in r.stderr, r.stderr


def test_config_check_reports_the_missing_users_file(tmp_path):
    conf = tmp_path / "mail.toml"
    conf.write_text(f'[runtime]\ndata = "{tmp_path / "data"}"\n\n[pop3]\nlisten = "{HOST}:{free_port()}"\n\n'
                    f'[imap]\nlisten = "{HOST}:{free_port()}"\n')
    r = l7("config", "check", str(conf))
    assert r.returncode == 2, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "pop3.users: no such file: " + str(tmp_path / "data" / "users") in out, out
    assert "imap.users: no such file: " in out, out


def test_config_check_accepts_users_that_smtp_demo_users_create(tmp_path):
    data = tmp_path / "data"
    conf = tmp_path / "mail.toml"
    conf.write_text(f'[runtime]\ndata = "{data}"\n\n'
                    f'[smtp]\nlisten = "{HOST}:{free_port()}"\nsubmission = ""\n'
                    f'domains = ["hamburger.edu"]\ndemo_users = true\n\n'
                    f'[pop3]\nlisten = "{HOST}:{free_port()}"\ndomain = "hamburger.edu"\n')
    r = l7("config", "check", str(conf))
    assert r.returncode == 0, r.stdout + r.stderr
    assert not data.exists()  # checking creates nothing
    default = l7("config", "default")
    assert default.returncode == 0
    (tmp_path / "default.toml").write_text(default.stdout)
    r = l7("--data", str(tmp_path / "clean"), "config", "check", str(tmp_path / "default.toml"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_up_on_a_clean_data_directory_serves_the_demo_users(layer7, tmp_path):
    data = tmp_path / "data"
    pop3_port = free_port()
    conf = tmp_path / "mail.toml"
    conf.write_text(f'[smtp]\nlisten = "{HOST}:{free_port()}"\nsubmission = ""\n'
                    f'domains = ["crepes.fr", "hamburger.edu"]\ndemo_users = true\n\n'
                    f'[pop3]\nlisten = "{HOST}:{pop3_port}"\n')
    layer7("--data", str(data), "up", "--config", str(conf))
    password = (data / "passwords" / "bob").read_text().strip()
    p = poplib.POP3(HOST, pop3_port, timeout=10)
    p.user("bob@hamburger.edu")
    assert p.pass_(password).startswith(b"+OK")
    p.quit()
