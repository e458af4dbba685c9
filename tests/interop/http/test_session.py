"""The textbook's cookie example: /session sets a cookie on the first visit and counts visits after it,
driven by curl's cookie jar (-c / -b)."""
import re

from httpkit import curl, server, site  # noqa: F401


def test_cookie_jar_flow(server, tmp_path):
    jar = str(tmp_path / "jar")
    first = curl("-v", "-c", jar, "-b", jar, server.url("/session"))
    assert first.returncode == 0
    m = re.search(r"< Set-Cookie: layer7_session=([0-9a-f]+);", first.stderr, re.I)
    assert m, first.stderr
    assert "HttpOnly" in first.stderr and "Path=/" in first.stderr
    assert "new visitor" in first.stdout
    second = curl("-v", "-c", jar, "-b", jar, server.url("/session"))
    assert f"layer7_session={m.group(1)}" in second.stderr  # sent back
    assert "Set-Cookie" not in second.stderr
    assert "visit number 2" in second.stdout
    third = curl("-c", jar, "-b", jar, server.url("/session"))
    assert "visit number 3" in third.stdout


def test_two_visitors_are_counted_apart(server, tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    for _ in range(3):
        curl("-c", a, "-b", a, server.url("/session"))
    assert "new visitor" in curl("-c", b, "-b", b, server.url("/session")).stdout
    assert "visit number 4" in curl("-c", a, "-b", a, server.url("/session")).stdout


def test_an_unknown_cookie_starts_a_new_session(server):
    r = curl("-v", "-b", "layer7_session=deadbeef", server.url("/session"))
    assert "new visitor" in r.stdout and "Set-Cookie: layer7_session=" in r.stderr


def test_session_is_not_cacheable(server):
    r = curl("-v", server.url("/session"))
    assert "Cache-Control: no-store" in r.stderr
