"""OCR of scanned pages: Tesseract with Danish, run as a subprocess with a timeout.

Attachments are often scans (a signed letter, a printed list photographed by a copier) whose PDF pages carry
no text layer.  Their words are found by rendering the page with pdfium to a grey image and handing it to the
``tesseract`` command on stdin (Debian ``tesseract-ocr`` + ``tesseract-ocr-dan``, installed by
``scripts/setup-system``).  Page segmentation mode 1 lets Tesseract detect the orientation first: scanners
often store landscape lists turned on their side.  Tesseract is told to use one thread (the machines that
import are shared), and every call has a timeout, so a pathological image costs at most the time left in
the file's budget, never a hang.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from typing import Any

DPI = 200  # enough for body text; 300 dpi costs twice the time for little gain on typed pages
MAX_PIXELS = 40_000_000  # a page rendered larger than this (a poster, a map) is scaled down to fit
LANGUAGES = "dan"


class OcrFailed(Exception):
    """Tesseract could not read an image (timeout, crash, missing); the message is one line."""


@functools.cache
def tesseract() -> str | None:
    """The tesseract command, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.cache
def languages() -> frozenset[str]:
    """The languages the installed Tesseract has data for (empty when it is missing)."""
    exe = tesseract()
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def available() -> str | None:
    """None when OCR can run, else why not (one line, for a warning)."""
    if tesseract() is None:
        return "OCR is not available (tesseract is not installed; scripts/setup-system installs it)"
    if LANGUAGES not in languages():
        return "OCR is not available (Tesseract has no Danish data: install tesseract-ocr-dan)"
    return None


def render_page(page: Any, dpi: int = DPI) -> bytes:
    """One pypdfium2 page as a binary PGM image (8-bit grey) at ``dpi``, at most ``MAX_PIXELS`` pixels."""
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * scale * height * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buf = bitmap.buffer
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        channels = bitmap.n_channels
        raw = bytes(buf)
    finally:
        bitmap.close()
    if channels == 1:
        rows = raw if stride == w else b"".join(raw[i * stride:i * stride + w] for i in range(h))
        return b"P5 %d %d 255\n" % (w, h) + rows
    # (pdfium answered with a colour bitmap: BGR(x), made grey by taking the green channel)
    grey = bytes(raw[i * stride + x * channels + 1] for i in range(h) for x in range(w))
    return b"P5 %d %d 255\n" % (w, h) + grey


def ocr_image(image: bytes, *, timeout: float, dpi: int | None = DPI) -> str:
    """The text Tesseract reads in ``image`` (PGM, PNG, JPEG, TIFF ... bytes); raises OcrFailed."""
    exe = tesseract()
    if exe is None:
        raise OcrFailed("tesseract is not installed")
    args = [exe, "stdin", "stdout", "-l", LANGUAGES, "--psm", "1" if "osd" in languages() else "3"]
    if dpi:
        args += ["--dpi", str(dpi)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(args, input=image, capture_output=True, timeout=max(timeout, 0.1), env=env)
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR took longer than the {timeout:.0f} s left of the budget") from None
    except OSError as exc:
        raise OcrFailed(f"tesseract could not run: {exc}") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"tesseract failed: {err[-1] if err else 'exit ' + str(done.returncode)}")
    return done.stdout.decode("utf-8", "replace")
