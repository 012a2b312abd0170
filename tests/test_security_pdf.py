"""The PDF renderer makes no request and reads no file but its own (issue 13): a committee name with a
carriage return escaped the print style's CSS string and WeasyPrint fetched a URL on loopback.  A real
socket listens on loopback and must receive no connection."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator

import pytest
import tinycss2  # type: ignore[import-untyped]

from referat.render import render
from referat.render.fetcher import BundledOnly, bundled_root
from referat.render.html import _cssstr
from referat.render.pdf import check_pdf

from .test_render_roundtrip import full_meeting


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket listening on loopback; a connection to it waits in the backlog until accepted."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        s.setblocking(False)
        yield s


def connections(s: socket.socket) -> int:
    n = 0
    while True:
        try:
            conn, _ = s.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


def _hostile(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [f'Udvalget\r"; }} }} @page {{ background: url({url}) }} x {{ y: "',
            f'Udvalget\f"; }} }} @page {{ background: url({url}) }} x {{ y: "',
            f'Udvalget\\"; }} }} @page {{ background: url({url}) }} x {{ y: "',
            f'Udvalget\u2028"; }} }} @page {{ background-image: url("{url}") }} x {{ y: "',
            f'Udvalget</style><link rel=stylesheet href="{url}"><style>',
            f'Udvalget\r"; }} }} @import url({url}); @page {{ x: "']


def test_a_hostile_committee_name_makes_the_pdf_fetch_nothing(listener):
    port = listener.getsockname()[1]
    record = full_meeting()
    for name in _hostile(port):
        meeting = dataclasses.replace(record.meeting, committee=name)
        data = render(dataclasses.replace(record, meeting=meeting), "pdf")
        assert isinstance(data, bytes)
        check_pdf(data)
        assert connections(listener) == 0, name


def test_the_fetcher_refuses_everything_but_our_own_files(listener, tmp_path):
    from weasyprint import HTML

    port = listener.getsockname()[1]
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">'
            f'<link rel="stylesheet" href="{secret.as_uri()}"><link rel="stylesheet" href="file:///etc/passwd">'
            f'<style>@import url("http://127.0.0.1:{port}/b.css");</style></head>'
            f'<body><img src="http://127.0.0.1:{port}/c.png" alt="x"><img src="ftp://127.0.0.1:{port}/d" alt="y">'
            'Tekst</body></html>')
    assert HTML(string=html, url_fetcher=BundledOnly()).write_pdf()
    assert connections(listener) == 0
    fetcher = BundledOnly()
    for url in (f"http://127.0.0.1:{port}/x", secret.as_uri(), "file:///etc/passwd", "data:text/css,body{}",
                (bundled_root() / ".." / ".." / "referat" / "settings.py").as_uri(),
                "file://otherhost" + str(bundled_root() / "templates" / "minutes.css")):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert connections(listener) == 0
    own = fetcher.fetch((bundled_root() / "templates" / "minutes.css").as_uri())
    assert b"font-family" in own.read()


@pytest.mark.parametrize("value", ['Udvalget\r"; } @page { x', 'a\\"b', "x</style>y", "æøå – Økonomi · INTERN",
                                   "tab\there\nnew\u2028line\u0085end", "quote ' and \" and ; { } @ url(", "\x00\x1f"])
def test_a_css_string_holds_exactly_its_text(value):
    """The escaped value, put between quotes, is one CSS string token whose value is the text (white space
    runs as one space), and contains nothing that could end the <style>."""
    escaped = str(_cssstr(value))
    assert "<" not in escaped and '"' not in escaped and "\n" not in escaped and "\r" not in escaped
    tokens = [t for t in tinycss2.parse_component_value_list(f'"{escaped}"') if t.type != "whitespace"]
    assert len(tokens) == 1 and tokens[0].type == "string"
    expected = " ".join(value.split()).replace("\x00", "\ufffd")
    assert tokens[0].value == expected
