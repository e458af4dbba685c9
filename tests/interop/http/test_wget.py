"""wget against the demo site of `layer7 up`: a plain download and a recursive mirror."""
import os

import pytest

from httpkit import read_file, run_wget, up  # noqa: F401


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("wget"))
    s = up(base, http=f'access_log = "{base}/access.log"')
    yield s
    s.assert_alive()
    s.stop()


def test_wget_plain(demo, tmp_path):
    out = tmp_path / "index.html"
    r = run_wget("-O", str(out), demo.url("/someDepartment/"))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == read_file(demo.root, "someDepartment/index.html")
    assert "200 OK" in r.stderr


def test_wget_recursive_fetches_the_page_and_its_ten_images(demo, tmp_path):
    r = run_wget("-r", "-l", "1", "-nH", "-P", str(tmp_path), demo.url("/someDepartment/"))
    assert r.returncode in (0, 8), r.stderr  # 8: a server error on some link (none expected here)
    for i in range(1, 11):
        name = f"images/pic{i:02d}.png"
        assert (tmp_path / name).read_bytes() == read_file(demo.root, name)
    assert (tmp_path / "form.html").exists()
    assert "Reusing existing connection" in r.stderr


def test_wget_continue_uses_a_range(demo, tmp_path):
    data = read_file(demo.root, "images/pic05.png")
    out = tmp_path / "pic05.png"
    out.write_bytes(data[:100])
    r = run_wget("-c", "-O", str(out), demo.url("/images/pic05.png"))
    assert r.returncode == 0, r.stderr
    assert "206 Partial Content" in r.stderr
    assert out.read_bytes() == data


def test_wget_timestamping_gets_304(demo, tmp_path):
    r = run_wget("-N", "-P", str(tmp_path), demo.url("/form.html"))
    assert r.returncode == 0
    r = run_wget("-N", "--no-if-modified-since", "-P", str(tmp_path), demo.url("/form.html"))
    assert r.returncode == 0
    r = run_wget("-N", "-P", str(tmp_path), demo.url("/form.html"))
    assert r.returncode == 0 and "304 Not Modified" in r.stderr, r.stderr
    assert os.path.getsize(tmp_path / "form.html") == len(read_file(demo.root, "form.html"))
