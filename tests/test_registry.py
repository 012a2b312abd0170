"""The parser registry: every registered parser is proven on a real document, and a vendor's parser
installed as its own package (entry point ``referat.parsers``) is found and used."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from referat.errors import NotMinutes
from referat.parse import importer, registry

from .conftest import GOLDEN


def test_every_registered_parser_has_a_real_document_with_a_golden() -> None:
    used = {json.loads(p.read_text("utf-8"))["document"]["importer"] for p in GOLDEN.glob("*.json")}
    used |= {d for p in registry.parsers() if p.name in used for d in getattr(p, "delegates", ())}
    # a generic reader is measured against every golden instead (tests/test_generic.py, bench/bench_generic.py)
    missing = sorted(p.name for p in registry.parsers() if p.name not in used and not p.generic)
    assert missing == []


def test_every_parser_reads_only_formats_the_importer_sniffs() -> None:
    for p in registry.parsers():
        assert p.formats and set(p.formats) <= set(registry.FORMATS), p.name
    assert len({p.name for p in registry.parsers()}) == len(registry.parsers())


def test_generic_parsers_come_after_every_dedicated_one() -> None:
    flags = [p.generic for p in registry.parsers()]
    assert flags == sorted(flags)
    assert all(not p.generic for p in registry.parsers(generic=False))


@pytest.fixture
def vendor_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A parser package installed the way pip installs one: a module and a dist-info with the entry point."""
    (tmp_path / "referat_vendor_demo.py").write_text(textwrap.dedent('''
        from referat.model import AgendaItem, Meeting
        from referat.parse.base import ParseResult

        class Demo:
            name = "vendor-demo"
            formats = ("text",)
            generic = False

            def looks_like(self, data):
                return data.startswith(b"VENDOR-DEMO")

            def parse(self, data, name):
                title = data.decode().split("\\n")[1]
                meeting = Meeting(municipality="Ballerup", committee="Demoudvalget", kind="referat",
                                  items=[AgendaItem(number="1", position=1, title=title)])
                return ParseResult(meeting=meeting, content=[title])

        PARSER = Demo()
    '''), encoding="utf-8")
    dist = tmp_path / "referat_vendor_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: referat-vendor-demo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[referat.parsers]\ndemo = referat_vendor_demo:PARSER\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry._plugins.cache_clear()
    yield
    registry._plugins.cache_clear()
    sys.modules.pop("referat_vendor_demo", None)


def test_a_vendor_parser_from_an_entry_point_is_registered_and_used(vendor_package) -> None:
    assert "vendor-demo" in [p.name for p in registry.parsers()]
    record = importer.parse_bytes(b"VENDOR-DEMO\nBudget 2027\n", "demo.txt")
    assert record.document.importer == "vendor-demo"
    assert [i.title for i in record.meeting.items] == ["Budget 2027"]


def test_without_the_vendor_package_its_format_is_refused() -> None:
    with pytest.raises(NotMinutes):
        importer.parse_bytes(b"VENDOR-DEMO\nBudget 2027\n", "demo.txt")
