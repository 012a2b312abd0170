"""Hostile inputs for the hardening tests and ``bench/bench_abuse.py``, made on the fly (none is stored)."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

SHARED = Path(os.environ.get("REFERAT_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"
HTML = SHARED / "corpus" / "aarhus_2025-10-01_teknisk-udvalg_referat.html"


def bomb(mb: int) -> bytes:
    """A PDF whose one page's content stream inflates to ``mb`` MB (a decompression bomb)."""
    z = zlib.compressobj(9)
    chunk = b"0 0 m " * (1 << 16)  # (valid content operators, so a reader really walks them)
    parts = []
    total = 0
    while total < mb << 20:
        parts.append(z.compress(chunk))
        total += len(chunk)
    parts.append(z.flush())
    stream = b"".join(parts)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)



def unclosed_tags(n: int) -> bytes:
    """A real minutes page with ``n`` unclosed ``<b><i><u>`` right after ``<body>``."""
    src = HTML.read_text("utf-8")
    body = src.index(">", src.index("<body")) + 1
    return (src[:body] + "<b><i><u>x" * n + src[body:]).encode()


def seed_text(day: int = 20) -> str:
    """The seed minutes as another meeting (another day of March 2023)."""
    return SEED.read_text("utf-8").replace("20. marts 2023", f"{day}. marts 2023").replace(
        "d. 20-03-2023", f"d. {day:02d}-03-2023")


def many_paragraphs(n: int) -> str:
    """The seed minutes with ``n`` more paragraphs in its first item."""
    extra = "\n\n".join(f"Afsnit {i} om budgettet for år {i % 97} og skolen nr {i}." for i in range(n))
    return seed_text().replace("Sagsfremstilling\n", "Sagsfremstilling\n\n" + extra + "\n", 1)


if __name__ == "__main__":
    data = bomb(int(sys.argv[1]))
    Path(sys.argv[2]).write_bytes(data)
    print(len(data), "bytes")
