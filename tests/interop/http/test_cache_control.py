"""Cache-Control max-age per path prefix from the config's [[http.cache]] (longest prefix wins)."""
import pytest

from httpkit import get, make_site, up


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("cc"))
    root = make_site(base)
    s = up(base, root=root, extra=('[[http.cache]]\nprefix = "/"\nmax_age = 60\n\n'
                                   '[[http.cache]]\nprefix = "/list/"\nmax_age = 3600\n\n'
                                   '[[http.cache]]\nprefix = "/list/sub/"\nmax_age = 0\n'))
    yield s
    s.assert_alive()
    s.stop()


def test_root_prefix_applies_everywhere(cached):
    assert get(cached.port, "/hello.txt").header("Cache-Control") == "max-age=60"


def test_longest_prefix_wins(cached):
    assert get(cached.port, "/list/a.txt").header("Cache-Control") == "max-age=3600"


def test_304_carries_cache_control_too(cached):
    etag = get(cached.port, "/list/a.txt").header("ETag")
    r = get(cached.port, "/list/a.txt", headers=[f"If-None-Match: {etag}"])
    assert r.status == 304 and r.header("Cache-Control") == "max-age=3600"


def test_errors_are_not_marked_cacheable(cached):
    assert get(cached.port, "/nope.txt").header("Cache-Control") is None


def test_demo_default_config_caches_images(tmp_path):
    s = up(str(tmp_path), extra='[[http.cache]]\nprefix = "/images/"\nmax_age = 3600\n')
    try:
        assert get(s.port, "/images/pic01.png").header("Cache-Control") == "max-age=3600"
        assert get(s.port, "/someDepartment/").header("Cache-Control") is None  # the base page: no rule
    finally:
        s.stop()
