"""The textbook's form example: /echo shows a GET's query string and a POST's urlencoded body
(curl and python's http.client)."""
import http.client
import urllib.parse

from httpkit import HOST, curl, get, server, site  # noqa: F401


def test_get_query_is_shown_decoded(server):
    r = curl(server.url("/echo?animal=monkeys&fruit=bananas+and%20more"))
    assert r.returncode == 0
    assert "animal" in r.stdout and "monkeys" in r.stdout and "bananas and more" in r.stdout


def test_post_form_is_shown_decoded(server):
    r = curl("--data", "animal=monkeys&fruit=kiwi%26lime", server.url("/echo"))
    assert "POST /echo" in r.stdout and "monkeys" in r.stdout and "kiwi&amp;lime" in r.stdout


def test_echo_escapes_html(server):
    r = curl(server.url("/echo?x=%3Cscript%3Ealert(1)%3C/script%3E"))
    assert "<script>" not in r.stdout and "&lt;script&gt;" in r.stdout


def test_http_client_get_and_post_on_one_connection(server):
    c = http.client.HTTPConnection(HOST, server.port, timeout=10)
    c.request("GET", "/echo?q=" + urllib.parse.quote("héllo wörld"))
    r = c.getresponse()
    assert r.status == 200 and "héllo wörld" in r.read().decode()
    form = urllib.parse.urlencode({"name": "Bob & Alice", "n": "42"})
    c.request("POST", "/echo", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    html = r.read().decode()
    assert r.status == 200 and "Bob &amp; Alice" in html and "42" in html
    c.close()


def test_bad_percent_encoding_in_query_is_kept_literally_or_400(server):
    # WHATWG urlencoded parsing keeps an invalid "%zz" as is; refusing it with 400 is also fine
    r = get(server.port, "/echo?x=%zz&y=%e2%82")
    assert r.status == 400 or (r.status == 200 and b"%zz" in r.body)
    server.assert_alive()


def test_echo_refuses_put_with_405(server):
    r = get(server.port, "/echo", method="PUT", body=b"x")
    assert r.status == 405 and "POST" in r.header("Allow")
