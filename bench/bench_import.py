"""Import throughput: parse every real document repeatedly (>= 1,000 pages in all) on one core, and the
PDFs' bare pdfium text extraction in the same run, so the cost of referat's reading is a ratio, not a guess.

Prints pages/s and items/s per format and overall, then pdfium's pages/s on the same PDF files and
referat's PDF import time as a multiple of it.  Parsing only; storing is measured by bench_search.py.
Run: .venv/bin/python bench/bench_import.py [--min-pages 1000] [--json FILE]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import pypdfium2

from _common import documents_with_goldens, progress, write_json
from referat.parse import importer


def bare_pdfium(data: bytes) -> int:
    """Every page's text, as plain pdfium gives it: the floor any PDF reader stands on."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        for page in pdf:
            page.get_textpage().get_text_range()
        return len(pdf)
    finally:
        pdf.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-pages", type=int, default=1000)
    ap.add_argument("--json", help="write the figures here (default var/bench/import.json)")
    args = ap.parse_args()
    docs = [(p, p.read_bytes()) for p in documents_with_goldens()]
    probe = {p: importer.parse_bytes(data, p.name) for p, data in docs}
    # Text/HTML/XML/JSON have no pages: count a text page as 3,000 characters, as printed minutes run.
    pages = {p: probe[p].document.pages or max(1, len(data) // 3000) for p, data in docs}
    per_round = sum(pages.values())
    rounds = max(1, -(-args.min_pages // per_round))
    progress(f"{len(docs)} documents, {per_round} pages per round, {rounds} rounds")
    by_fmt: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    t0 = time.perf_counter()
    for _ in range(rounds):
        for p, data in docs:
            s = time.perf_counter()
            rec = importer.parse_bytes(data, p.name)
            acc = by_fmt[rec.document.format]
            acc[0] += time.perf_counter() - s
            acc[1] += pages[p]
            acc[2] += len(rec.meeting.items)
    total = time.perf_counter() - t0
    pdfs = [data for p, data in docs if probe[p].document.format == "pdf"]
    pdf_pages = sum(pages[p] for p, _ in docs if probe[p].document.format == "pdf")
    pdf_rounds = max(1, -(-args.min_pages // max(1, pdf_pages)))
    s = time.perf_counter()
    bare_pages = sum(bare_pdfium(data) for _ in range(pdf_rounds) for data in pdfs)
    bare_secs = time.perf_counter() - s
    all_pages = sum(a[1] for a in by_fmt.values())
    all_items = sum(a[2] for a in by_fmt.values())
    results: dict[str, dict[str, float]] = {}
    print(f"import (parse) throughput, one core, {rounds} rounds over {len(docs)} real documents")
    for fmt, (secs, pg, it) in sorted(by_fmt.items()):
        results[fmt] = {"pages": pg, "pages_per_s": pg / secs, "items_per_s": it / secs}
        print(f"  {fmt:5}  {pg:6d} pages  {pg / secs:8.1f} pages/s  {it / secs:8.1f} items/s")
    results["all"] = {"pages": all_pages, "pages_per_s": all_pages / total, "items_per_s": all_items / total}
    print(f"  all    {all_pages:6d} pages  {all_pages / total:8.1f} pages/s  {all_items / total:8.1f} items/s"
          f"  ({total:.1f} s)")
    if pdfs and "pdf" in by_fmt:
        bare_rate = bare_pages / bare_secs
        ratio = bare_rate / results["pdf"]["pages_per_s"]
        results["pdfium_bare"] = {"pages": bare_pages, "pages_per_s": bare_rate, "referat_pdf_time_multiple": ratio}
        print(f"  pdfium text alone on the same {len(pdfs)} PDFs: {bare_rate:8.1f} pages/s;"
              f" referat's PDF import takes {ratio:.2f}x its time")
    write_json(args.json, "import", results)


if __name__ == "__main__":
    main()
