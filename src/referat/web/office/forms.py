"""Reading the secretariat's form fields into the library's values, and the Danish labels of its codes.

Dates and times come from ``<input type=date/time>`` in Danish wall-clock
time and become timezone-aware datetimes (Europe/Copenhagen), which is what
the library stores (as UTC).  Bad values are ``InvalidInput`` with a Danish
message, shown on a 422 page like the library's own refusals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ...errors import FormError

LOCAL = ZoneInfo("Europe/Copenhagen")

ACCOUNT_ROLES = {"secretary": "Sekretariat", "member": "Udvalgsmedlem", "public": "Borger"}
SEAT_ROLES = {"chair": "Formand", "vice_chair": "Næstformand", "member": "Medlem", "substitute": "Stedfortræder"}
OUTCOMES = {"approved": "Godkendt", "approved_with_remarks": "Godkendt med bemærkninger",
            "noted": "Taget til efterretning", "rejected": "Afvist", "postponed": "Udsat", "discussed": "Drøftet",
            "referred": "Oversendt"}
VOTE_CHOICES = {"for": "For", "against": "Imod", "abstain": "Undlod at stemme"}
EVENTS = {"present": "Til stede fra mødets start", "absent": "Afbud", "arrived": "Ankom før punkt",
          "left": "Forlod mødet efter punkt", "inhabil": "Inhabil under punkt", "substitute": "Stedfortræder indkaldt"}
NOTICES = {"gemt": "Ændringerne er gemt.", "oprettet": "Oprettet.", "intet": "Der var ingen ændringer at gemme.",
           "bilag": "Bilaget er tilføjet.", "dagsorden": "Dagsordenen er offentliggjort på portalen.",
           "referat": "Referatet er offentliggjort på portalen.", "fremmoede": "Fremmødet er registreret.",
           "beslutning": "Beslutningen er registreret.", "protokol": "Protokoltilførslen er registreret.",
           "godkendt": "Du har godkendt referatet. Din godkendelse er føjet til hashkæden.",
           "rettelse": "Tilføjelsen er føjet til referatet og hashkæden.",
           "lukket": "Kontoen er lukket. Brugeren er logget ud alle steder og kan ikke logge ind igen.",
           "afsluttet": "Perioden er afsluttet. Medlemmet ser ikke længere lukkede punkter fra møder efter"
                        " slutdatoen."}


def parse_date(value: str, label: str, *, required: bool = True) -> date | None:
    if not value:
        if required:
            raise FormError(f"Udfyld {label}.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FormError(f"{label.capitalize()} skal være en dato (åååå-mm-dd), ikke »{value}«.") from None


def parse_time(value: str, label: str) -> time | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{1,2}[:.]\d{2}", value):
        raise FormError(f"{label.capitalize()} skal være et klokkeslæt (tt:mm), ikke »{value}«.")
    hour, minute = (int(x) for x in re.split(r"[:.]", value))
    if hour > 23 or minute > 59:
        raise FormError(f"{label.capitalize()} skal være et klokkeslæt (tt:mm), ikke »{value}«.")
    return time(hour, minute)


def moment(day: date, at: time | None) -> datetime:
    """A Danish wall-clock date and time as an aware datetime."""
    return datetime.combine(day, at or time(0, 0), tzinfo=LOCAL)


def case_ids(value: str) -> list[str]:
    """Case ids one per line or separated by commas/semicolons."""
    return [v.strip() for v in re.split(r"[\n,;]+", value) if v.strip()]


def checked(form: Mapping[str, Any], name: str) -> bool:
    return bool(form.get(name))  # a checkbox is sent only when ticked
