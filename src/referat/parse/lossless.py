"""The lossless check: every content paragraph of the source must land in the model.

Parsers hand over the paragraphs they consider content (boilerplate such as
running headers, page numbers and tables of contents removed, structural lines
such as "Punkt 3: ..." parsed into fields).  A paragraph counts as placed when
its whitespace-normalised text occurs in the text of the model; anything else
is reported as a warning so that dropped text never goes unnoticed.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..model import Meeting

_LABEL = re.compile(r"^[\wæøåÆØÅ. /-]{1,30}:\s*")
_SOFT = str.maketrans({"\u00ad": "", "\ufffe": "", "\u200b": ""})


def _norm(text: str) -> str:
    return " ".join(text.translate(_SOFT).split())


def _strings(value: Any, out: list[str]) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _strings(getattr(value, f.name), out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    elif isinstance(value, str):
        out.append(value)


def model_text(meeting: Meeting) -> str:
    parts: list[str] = []
    _strings(meeting, parts)
    return _norm("\n".join(parts))


def unplaced(content: list[str], meeting: Meeting) -> list[str]:
    """The content paragraphs that cannot be found anywhere in the model."""
    blob = model_text(meeting)
    missing = []
    for para in content:
        text = _norm(para)
        if not text or text in blob:
            continue
        stripped = _LABEL.sub("", text)
        if stripped and stripped != text and stripped in blob:
            continue
        missing.append(text)
    return missing
