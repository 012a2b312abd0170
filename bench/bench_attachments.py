"""Attachment text throughput: the real bilag of the drops read by ``referat.attach.extract_text``.

Two figures: text-layer PDF pages per second (every PDF attachment of the eDoc, SBSYS and Acadre drops but
the scan, OCR off; target >= 2,000 pages/s per core) and OCR pages per second (the eDoc scan 1537646, its
first ``--ocr-pages`` pages: Tesseract, one thread).  Per core is pages over CPU seconds of this process
and its children (Tesseract), besides wall-clock pages/s.  Writes JSON (``--json``, default
``var/bench/attachments.json``).  Run: .venv/bin/python bench/bench_attachments.py [--seconds 3] [--ocr-pages 2]
"""

from __future__ import annotations

import argparse
import resource
import time
import zipfile

from _common import SHARED, progress, write_json
from referat.attach import extract_text

SCAN = "1537646.PDF"


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def text_layer_pdfs() -> list[tuple[str, bytes]]:
    drops = SHARED / "drops"
    found = [(p.name, p.read_bytes()) for p in sorted((drops / "edoc").rglob("*.PDF")) if p.name != SCAN
             and not p.name.startswith("15528")]  # (155281x/155282x: the minutes and item PDFs, not bilag)
    found += [(p.name, p.read_bytes()) for p in sorted((drops / "acadre").rglob("*")) if p.suffix.lower() == ".pdf"]
    with zipfile.ZipFile(drops / "sbsys" / "Publication32.zip") as zf:
        found += [(n, zf.read(n)) for n in zf.namelist() if n.lower().endswith(".pdf")]
    return found


def measure(files: list[tuple[str, bytes]], seconds: float, **kw: object) -> dict[str, float]:
    pages = rounds = 0
    wall0, cpu0 = time.perf_counter(), _cpu()
    while True:
        for name, data in files:
            pages += len(extract_text(data, name, **kw).pages)  # type: ignore[arg-type]
        rounds += 1
        if time.perf_counter() - wall0 >= seconds:
            break
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    return {"files": len(files), "rounds": rounds, "pages": pages, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "pages_per_s": round(pages / wall, 1), "pages_per_cpu_s": round(pages / max(cpu, 1e-9), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum time for the text-layer figure")
    ap.add_argument("--ocr-pages", type=int, default=2, help="pages of the scan to OCR")
    ap.add_argument("--json", default=None, help="where to write the results (default var/bench/attachments.json)")
    args = ap.parse_args()
    pdfs = text_layer_pdfs()
    progress(f"{len(pdfs)} text-layer PDF attachments; OCR of {args.ocr_pages} page(s) of {SCAN}")
    text = measure(pdfs, args.seconds, use_ocr=False)
    scan = (SHARED / "drops" / "edoc" / "04-12-2012 13:00:00" / SCAN).read_bytes()
    ocr = measure([(SCAN, scan)], 0.0, max_pages=args.ocr_pages)
    target = 2000.0
    print(f"text-layer PDF {text['pages']:6d} pages  {text['pages_per_s']:9.1f} pages/s  "
          f"{text['pages_per_cpu_s']:9.1f} pages/CPU-s (per core; target >= {target:.0f})")
    print(f"OCR (Danish)   {ocr['pages']:6d} pages  {ocr['pages_per_s']:9.2f} pages/s  "
          f"{ocr['pages_per_cpu_s']:9.2f} pages/CPU-s")
    write_json(args.json, "attachments", {"text_layer_pdf": text, "ocr": ocr,
                                          "target_pages_per_cpu_s": target,
                                          "meets_target": text["pages_per_cpu_s"] >= target})


if __name__ == "__main__":
    main()
