"""Search exports that open in a Danish Excel, over every real document on both backends: CSV with semicolons,
decimal commas and the byte order mark, XLSX with typed cells; Danish outcome labels; closed items only by title."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.web import create_app
from referat.web.views import CLOSED, OUTCOME_LABELS

QUERY = {"q": "udvalget"}  # many hits, several outcomes (approved, noted, approved_with_remarks)


@pytest.fixture(scope="module")
def client(real_store: Any) -> Any:
    with TestClient(create_app(real_store), raise_server_exceptions=False) as c:
        yield c


def _expected(client: Any) -> list[dict[str, Any]]:
    return list(client.get("/soeg/eksport.json", params=QUERY).json()["hits"])


def test_csv_for_danish_excel(client: Any) -> None:
    r = client.get("/soeg/eksport.csv", params=QUERY)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads æøå
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "url;kommune;udvalg;dato;punkt;titel;udfald;offentlig;score;uddrag"
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    expected = _expected(client)
    assert len(rows) == len(expected) > 20
    for row, hit in zip(rows, expected, strict=True):
        assert row["url"] == hit["url"] and row["titel"] == hit["titel"]
        assert row["udfald"] == (OUTCOME_LABELS[hit["udfald"]] if hit["udfald"] else "")
        assert row["offentlig"] == ("ja" if hit["offentlig"] else "nej")
        assert "." not in row["score"] and float(row["score"].replace(",", ".")) == pytest.approx(hit["score"],
                                                                                                  abs=1e-4)
        if not hit["offentlig"]:
            assert row["uddrag"] == CLOSED and row["udfald"] == ""
    outcomes = {row["udfald"] for row in rows}
    assert "Godkendt" in outcomes and not any("_" in o for o in outcomes)


def test_xlsx_with_danish_values(client: Any) -> None:
    r = client.get("/soeg/eksport.xlsx", params=QUERY)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="referat-soegning.xlsx"' in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Resultater", "Om udtrækket"]
    sheet = book["Resultater"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Adresse", "Kommune", "Udvalg", "Mødedato", "Punkt", "Titel", "Udfald", "Offentlig",
                       "Relevans", "Uddrag")
    expected = _expected(client)
    assert len(rows) == len(expected) + 1
    for number, (row, hit) in enumerate(zip(rows[1:], expected, strict=True), start=2):
        url, _k, _u, day, _p, title, outcome, public, score, snippet = row
        assert url == hit["url"] and sheet.cell(number, 1).hyperlink.target == hit["url"]
        assert title == hit["titel"] and outcome == (OUTCOME_LABELS[hit["udfald"]] if hit["udfald"] else None)
        assert public == ("ja" if hit["offentlig"] else "nej")
        if hit["dato"]:
            assert isinstance(day, datetime | date) and day.isoformat()[:10] == hit["dato"]
            assert sheet.cell(number, 4).number_format == "dd-mm-yyyy"
        assert isinstance(score, float) and score == pytest.approx(hit["score"])
        if not hit["offentlig"]:
            assert snippet == CLOSED and outcome is None
    about = dict(book["Om udtrækket"].iter_rows(values_only=True))
    assert about["Søgning"] == "udvalget" and about["I udtrækket"] == len(expected)
    assert client.get("/soeg/eksport.xlsx").status_code == 400  # a search, as every export
    assert "/soeg/eksport.xlsx?q=udvalget" in client.get("/soeg", params=QUERY).text
