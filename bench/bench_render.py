"""Rendering throughput: every real document rendered as text, HTML and PDF (public variant).

A page is a page of the rendered PDF for HTML and PDF (the HTML is the same
document, printed) and a form-feed page of the text layout for text.  Prints
pages/s per format.  Run: .venv/bin/python bench/bench_render.py [--rounds 1]
"""

from __future__ import annotations

import argparse
import time

import pypdfium2

from _common import progress, real_documents
from referat.parse import importer
from referat.render import render


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    records = [importer.parse_file(p) for p in real_documents()]
    progress(f"{len(records)} documents, {args.rounds} round(s)")
    pages = {"text": 0, "html": 0, "pdf": 0}
    times = {}
    for fmt in ("text", "html", "pdf"):
        t0 = time.perf_counter()
        outputs = [render(r, fmt) for _ in range(args.rounds) for r in records]
        times[fmt] = time.perf_counter() - t0
        if fmt == "text":
            pages["text"] = sum(o.count("\f") + 1 for o in outputs)
        if fmt == "pdf":
            pages["pdf"] = sum(len(pypdfium2.PdfDocument(o)) for o in outputs)
    pages["html"] = pages["pdf"]
    for fmt in ("text", "html", "pdf"):
        print(f"{fmt:5} {pages[fmt]:6d} pages in {times[fmt]:7.2f} s  {pages[fmt] / times[fmt]:9.1f} pages/s")


if __name__ == "__main__":
    main()
