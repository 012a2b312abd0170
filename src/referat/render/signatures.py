"""Signatures shown on the signature page ("Underskriftsblad") of rendered minutes.

The meeting side (``referat.council``) records who approved the minutes and
when; the renderer only displays them.  Kept in its own tiny module so both
sides can import it without pulling in Jinja2 or WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Signature:
    """One member's approval of the minutes.

    ``content_hash`` is the hash of the minutes text the member approved, so a
    reader can tell whether the printed minutes are the approved version.
    """

    name: str
    party: str | None
    role: str | None
    approved_at: datetime | None
    content_hash: str | None
