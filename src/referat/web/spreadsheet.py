"""Search results as spreadsheets that open right in a Danish Excel: CSV with semicolons, XLSX with typed cells.

Why: journalists and politicians open exports by double-clicking.  A Danish
Excel reads a CSV with its list separator, the semicolon, and decimal commas,
and needs the UTF-8 byte order mark to see æøå; English outcome codes
(``approved_with_remarks``) mean nothing to its readers.  The XLSX (openpyxl)
carries real dates, numbers and links, so nothing depends on the reader's
locale.  Both take the rows ``feeds.Feeds.export`` makes (closed items already
reduced to title and "Lukket punkt") and say the same as the portal's pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from . import views

#: the spreadsheet's column headings, by the export rows' keys
HEADINGS = {"url": "Adresse", "kommune": "Kommune", "udvalg": "Udvalg", "dato": "Mødedato", "punkt": "Punkt",
            "titel": "Titel", "udfald": "Udfald", "offentlig": "Offentlig", "score": "Relevans", "uddrag": "Uddrag"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def danish(row: dict[str, Any]) -> dict[str, Any]:
    """A row's values as a Danish reader expects them: outcome label, ja/nej, the score with a decimal comma."""
    out = dict(row)
    out["udfald"] = views.outcome_label(row["udfald"]) if row.get("udfald") else ""
    out["offentlig"] = "ja" if row.get("offentlig") else "nej"
    out["score"] = f"{row['score']:.4f}".replace(".", ",") if isinstance(row.get("score"), float) else row.get("score")
    return out


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Semicolon-separated, CRLF lines, with the byte order mark; the first line keeps the machine names of
    the columns (url, kommune, ...) that scripts read."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), delimiter=";", lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(danish(row))
    return "\ufeff" + buf.getvalue()


def xlsx_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str], query: str, total: int,
               notice: str | None) -> bytes:
    """A workbook: sheet "Resultater" (Danish headings, dates as dates, relevance as a number, addresses as
    links) and sheet "Om udtrækket" (the search, how many results, whether the export was capped)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Resultater"
    sheet.append([HEADINGS.get(c, c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = danish(row)
        line: list[Any] = []
        for c in columns:
            if c == "dato":
                line.append(date.fromisoformat(row["dato"]) if row.get("dato") else None)
            elif c == "score":
                line.append(row.get("score"))
            else:
                line.append(values.get(c))
        sheet.append(line)
        number = sheet.max_row
        if "dato" in columns:
            sheet.cell(number, list(columns).index("dato") + 1).number_format = "dd-mm-yyyy"
        if "url" in columns and row.get("url"):
            link = sheet.cell(number, list(columns).index("url") + 1)
            link.hyperlink = row["url"]
            link.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Om udtrækket")
    for label, value in (("Søgning", query), ("Resultater i alt", total), ("I udtrækket", len(rows)),
                         ("Bemærkning", notice or "Udtrækket indeholder alle resultater.")):
        about.append([label, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
