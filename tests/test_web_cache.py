"""The portal's response cache: repeated pages come from it, and any change to the archive (also by another
process) drops it, so a visitor never sees a stale page after an import."""

from __future__ import annotations

import time
import warnings
from datetime import datetime

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.model import (
    AgendaItem,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Section,
)
from referat.store.sqlite import SQLiteStore
from referat.web import create_app
from referat.web.cache import CHECK_SECONDS, ResponseCache


def _record(sha: str, title: str, day: int = 1) -> ImportedMeeting:
    item = AgendaItem("1", 1, title, sections=[Section("body", "Sagsfremstilling", f"Om {title.lower()}.")],
                      decisions=[Decision("Godkendt.", "approved")])
    committee = "Økonomiudvalget" if day == 1 else "Kulturudvalget"
    meeting = Meeting("Ballerup", committee, "referat", start=datetime(2024, 3, day, 17), items=[item])
    return ImportedMeeting(Document(sha, f"{sha}.txt", "text", "test", "1"), meeting)


def test_repeated_pages_are_cached_until_another_process_changes_the_archive(tmp_path):
    path = tmp_path / "a.db"
    store = SQLiteStore(path)
    store.save(_record("s1", "Cykelsti langs åen"))
    app = create_app(store)
    cache = app.state.portal.cache
    with TestClient(app) as c:
        first = c.get("/soeg", params={"q": "cykelsti"})
        again = c.get("/soeg", params={"q": "cykelsti"})
        assert first.status_code == again.status_code == 200 and first.text == again.text
        assert cache.hits == 1 and cache.misses == 1  # a computed page is one miss (not one per look)
        assert c.get("/soeg.json", params={"q": "cykelsti"}).json()["total"] == 1  # the JSON twin is its own entry
        assert c.get("/soeg", params={"q": "nothing-here-at-all"}).status_code == 200

        assert len(c.get("/index.json").json()["latest"]) == 1
        assert len(c.get("/index.json").json()["latest"]) == 1 and cache.hits == 2
        writer = SQLiteStore(path)  # another process importing into the same archive
        writer.save(_record("s2", "Cykelsti over banen", day=8))
        writer.close()
        time.sleep(CHECK_SECONDS + 0.05)
        latest = c.get("/index.json").json()["latest"]  # the archive changed: not the cached page
        assert [m["start"][:10] for m in latest] == ["2024-03-08", "2024-03-01"]
        assert c.get("/moede/999").status_code == 404 and c.get("/moede/999").status_code == 404
    store.close()


def test_cache_is_bounded_and_can_be_turned_off():
    from starlette.responses import HTMLResponse

    cache = ResponseCache(max_entries=2)
    cache.sync(1)
    for key in "abc":
        cache.put(key, HTMLResponse(key), 1)
    cache.put("old", HTMLResponse("computed before the archive moved on"), 0)
    assert cache.get("old") is None
    assert cache.get("a") is None and cache.get("c").body == b"c"
    cache.put("gone", HTMLResponse("gone", status_code=404), 1)
    assert cache.get("gone").status_code == 404
    cache.put("x", HTMLResponse("broken", status_code=500), 1)
    assert cache.get("x") is None
    cache.sync(2)
    assert cache.get("c") is None
    off = ResponseCache(enabled=False)
    off.put("a", HTMLResponse("a"), None)
    assert off.get("a") is None
