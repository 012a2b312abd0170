"""Plain-text rendering of meetings and items for the terminal (``referat show``)."""

from __future__ import annotations

from .model import AgendaItem, ImportedMeeting


def _person(p) -> str:
    return p.name + (f" ({p.party})" if p.party else "") + (f", {p.role}" if p.role else "")


def meeting_text(record: ImportedMeeting) -> str:
    m = record.meeting
    lines = [f"{m.kind.upper()} {m.committee}", f"{m.municipality} Kommune"]
    if m.start:
        lines.append(f"Mødedato {m.start:%d-%m-%Y kl. %H:%M}")
    if m.place:
        lines.append(f"Mødested {m.place}")
    present = [p for p in m.participants if p.present]
    absent = [p for p in m.participants if not p.present]
    if present:
        lines.append("Deltagere: " + ", ".join(_person(p.person) for p in present))
    if absent:
        lines.append("Afbud: " + ", ".join(_person(p.person) for p in absent))
    lines.append(f"Kilde: {record.document.source_name} ({record.document.format})")
    lines.append("")
    for item in m.items:
        outcome = f"  [{item.outcome}]" if item.outcome else ""
        closed = "  (lukket)" if not item.public else ""
        lines.append(f"Punkt {item.number}: {item.title}{closed}{outcome}")
    return "\n".join(lines)


def item_text(item: AgendaItem) -> str:
    lines = [f"Punkt {item.number}: {item.title}"]
    if item.case_ids:
        lines.append(", ".join(f"{c.value} ({c.scheme})" for c in item.case_ids))
    if not item.public:
        lines.append("Lukket punkt.")
        return "\n".join(lines)
    for section in item.sections:
        lines.append("")
        if section.heading:
            lines.append(section.heading)
            lines.append("")
        lines.append(section.text)
    if item.absences:
        lines.append("")
        lines.append("Fraværende: " + ", ".join(_person(p) for p in item.absences))
    if item.decisions:
        lines.append("")
        lines.append("Udfald: " + ", ".join(d.outcome for d in item.decisions))
    return "\n".join(lines)
