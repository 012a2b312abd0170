"""The meeting itself, for the secretariat: attendance timeline, quorum per item, decisions, votes, dissent.

``/sekretariat/moede/{id}/moedet`` shows the timeline as recorded (present
from the start, afbud, arrived before item N, left after item N, inhabil for
item N, substitute called in for a member), and per item who was in the room
and the quorum the library computes ("Beslutningsdygtigt: 4 af 7 til stede",
kommunestyrelsesloven § 11, stk. 2).  The decision form (outcome, text, votes
by name or party letter) and the dissent form (protokoltilførsel, § 13,
stk. 2, in the member's own words) post to the library, which refuses what the
law does not allow; the refusal is shown in Danish with the rule it cites.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ...council.decisions import Vote
from ...errors import FormError
from ..params import digits
from .core import SECRETARY, Ctx, Office
from .forms import EVENTS, NOTICES, OUTCOMES, SEAT_ROLES, VOTE_CHOICES


def conduct_page(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    meeting = ctx.council.meeting(ctx.user, meeting_id)
    att = ctx.council.attendance(ctx.user, meeting_id)
    by_position = {i.position: i for i in meeting.items}
    rows = []
    for item in meeting.items:
        presence = att.at(item.number)
        rows.append({"item": item, "presence": presence,
                     "present": sorted((att.people[p] for p in presence.present), key=lambda m: m.name),
                     "inhabil": sorted((att.people[p] for p in presence.inhabil), key=lambda m: m.name),
                     "decision": ctx.council.decision(ctx.user, item.id),
                     "dissents": ctx.council.dissents(ctx.user, item.id)})
    events = [{"event": e, "who": att.people.get(e.membership_id), "item": by_position.get(e.position or -1),
               "for": att.people.get(e.for_membership_id) if e.for_membership_id else None} for e in att.events]
    people = list(att.people.values())
    return ctx.render("office/conduct.html", {
        "meeting": meeting, "rows": rows, "events": events, "people": people,
        "seats": [m for m in people if m.seat], "substitutes": [m for m in people if not m.seat],
        "kinds": EVENTS, "outcomes": OUTCOMES, "choices": VOTE_CHOICES, "roles": SEAT_ROLES,
        "locked": meeting.minutes_locked,
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def record_attendance(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    kind = ctx.field("kind")
    if kind not in EVENTS:
        raise FormError("Vælg, hvad der skete (til stede, afbud, ankom, gik, inhabil eller stedfortræder).")
    member = ctx.number("member_id", "Vælg personen.")
    item = ctx.field("item_id")
    substitute_for = ctx.field("for_member_id")
    ctx.council.record_attendance(
        ctx.user, meeting_id, member, kind, item_id=int(item) if digits(item, 12) else None,
        for_member_id=int(substitute_for) if kind == "substitute" and digits(substitute_for, 12) else None,
        note=ctx.field("note") or None)
    return ctx.redirect(f"/sekretariat/moede/{meeting_id}/moedet?besked=fremmoede")


def votes(ctx: Ctx) -> list[Vote]:
    """Names or party letters per choice, separated by commas or new lines."""
    out = []
    for choice in VOTE_CHOICES:
        for voter in re.split(r"[,;\n]+", ctx.field(f"votes_{choice}")):
            if voter.strip():
                out.append(Vote(choice, voter.strip()))
    return out


def record_decision(ctx: Ctx) -> Response:
    item = ctx.council.item(ctx.user, ctx.path_id("item_id"))
    outcome = ctx.field("outcome")
    if outcome not in OUTCOMES:
        raise FormError("Vælg beslutningens udfald.")
    ctx.council.record_decision(ctx.user, item.id, ctx.number("version"), outcome, ctx.field("text"), votes(ctx))
    return ctx.redirect(f"/sekretariat/moede/{item.meeting_id}/moedet?besked=beslutning#p-{item.id}")


def add_dissent(ctx: Ctx) -> Response:
    item = ctx.council.item(ctx.user, ctx.path_id("item_id"))
    member = ctx.number("member_id", "Vælg det medlem, protokoltilførslen er fra.")
    text = str(ctx.form.get("text", ""))  # the member's own words, exactly as given
    ctx.council.add_dissent(ctx.user, item.id, member, text)
    return ctx.redirect(f"/sekretariat/moede/{item.meeting_id}/moedet?besked=protokol#p-{item.id}")


def routes(office: Office) -> list[Route]:
    e = office.endpoint

    def r(path: str, handler: Any, method: str = "GET") -> Route:
        return Route(path, e(handler, SECRETARY), methods=[method])

    return [r("/sekretariat/moede/{meeting_id}/moedet", conduct_page),
            r("/sekretariat/moede/{meeting_id}/fremmoede", record_attendance, "POST"),
            r("/sekretariat/punkt/{item_id}/beslutning", record_decision, "POST"),
            r("/sekretariat/punkt/{item_id}/protokoltilfoersel", add_dissent, "POST")]
