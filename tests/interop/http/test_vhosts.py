"""Virtual hosts by Host (RFC 9110 §7.2) from a config with [[http.vhost]]."""
import os

import pytest

from httpkit import curl, get, make_site, up


@pytest.fixture(scope="module")
def vhosts(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("vh"))
    root = make_site(base)
    sites = {}
    for name in ("alpha", "beta"):
        d = os.path.join(base, name)
        os.makedirs(d)
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write(f"<h1>site {name}</h1>\n")
        with open(os.path.join(d, "only-" + name + ".txt"), "w") as f:
            f.write(name)
        sites[name] = d
    extra = (f'[[http.vhost]]\nnames = ["alpha.test", "www.alpha.test"]\nroot = "{sites["alpha"]}"\n\n'
             f'[[http.vhost]]\nnames = ["beta.test"]\nroot = "{sites["beta"]}"\n')
    s = up(base, root=root, extra=extra)
    yield s
    s.assert_alive()
    s.stop()


def test_each_name_gets_its_own_root(vhosts):
    assert get(vhosts.port, "/", headers=["Host: alpha.test"]).body == b"<h1>site alpha</h1>\n"
    assert get(vhosts.port, "/", headers=["Host: www.alpha.test"]).body == b"<h1>site alpha</h1>\n"
    assert get(vhosts.port, "/", headers=["Host: beta.test"]).body == b"<h1>site beta</h1>\n"


def test_host_with_port_and_other_case_matches(vhosts):
    r = curl("-H", f"Host: BETA.test:{vhosts.port}", vhosts.url("/only-beta.txt"))
    assert r.stdout == "beta"
    assert get(vhosts.port, "/only-alpha.txt", headers=["Host: beta.test"]).status == 404


def test_curl_resolve_reaches_the_vhost(vhosts):
    r = curl("--resolve", f"alpha.test:{vhosts.port}:127.0.0.1", f"http://alpha.test:{vhosts.port}/only-alpha.txt")
    assert r.stdout == "alpha"


def test_unknown_host_gets_the_default_site(vhosts):
    assert get(vhosts.port, "/hello.txt", headers=["Host: other.test"]).body == b"hello, world\n"
    assert get(vhosts.port, "/hello.txt", version="1.0").body == b"hello, world\n"  # no Host at all


def test_absolute_form_target_selects_the_host(vhosts):
    # RFC 9112 §3.2.2: the target's authority overrides Host
    r = get(vhosts.port, "http://beta.test/only-beta.txt", headers=["Host: beta.test"])
    assert r.status == 200 and r.body == b"beta"
