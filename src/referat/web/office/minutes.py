"""Minutes screens: the draft, approval by hash, dated corrections, the hash-chain check, publication, audit log.

The secretariat and the committee's members read the same minutes page: the
exact text the library hashes (``Council.minutes``), its content hash, the
approvals and corrections so far.  A member who attended approves with the
hash they were shown ("Godkend referatet"); the library refuses a hash that no
longer matches (someone changed the draft meanwhile) with a 409.  After the
first approval the minutes are append-only: the secretariat adds dated
corrections, never edits.  ``/kontrol`` recomputes the chain and says where it
breaks; ``/log`` lists every change of the meeting with who and when.
Rendered documents (HTML/PDF/text) come from ``referat.render``.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ...errors import PermissionDenied
from ...render import MEDIA_TYPES, filename, render
from ..headers import DOCUMENT_POLICY
from .core import MEMBER, SECRETARY, Ctx, Office
from .forms import NOTICES, SEAT_ROLES

#: Danish labels of audit actions (others are shown as the library names them)
ACTIONS = {"meeting.create": "Møde oprettet", "meeting.update": "Møde ændret", "item.create": "Punkt oprettet",
           "item.update": "Punkt ændret", "attachment.create": "Bilag tilføjet", "decision.record": "Beslutning",
           "dissent.record": "Protokoltilførsel", "minutes.approve": "Godkendt", "minutes.correct": "Tilføjelse",
           "agenda.publish": "Dagsorden offentliggjort", "minutes.publish": "Referat offentliggjort",
           "attendance.present": "Fremmøde", "attendance.absent": "Afbud", "attendance.arrived": "Ankom",
           "attendance.left": "Gik", "attendance.inhabil": "Inhabil", "attendance.substitute": "Stedfortræder",
           "user.deactivate": "Konto lukket", "membership.end": "Periode afsluttet"}


def base(ctx: Ctx) -> str:
    return "/sekretariat/moede" if ctx.user is not None and ctx.user.is_secretary else "/mine-moeder"


def minutes_page(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    meeting = ctx.council.meeting(ctx.user, meeting_id)
    view = ctx.council.minutes(ctx.user, meeting_id)
    report = ctx.council.verify(meeting_id)
    signed = any(lk.kind == "approval" and lk.user_id == ctx.user.id and lk.content_hash == view.content_hash
                 for lk in view.links) if ctx.user else False
    attended = False
    if ctx.user is not None and ctx.user.role == "member":
        att = ctx.council.attendance(ctx.user, meeting_id)
        mine = [m.id for m in att.people.values() if m.user_id == ctx.user.id]
        attended = bool(mine) and mine[0] in att.attended()
    _, minutes_id = ctx.council.published_ids(meeting_id)
    return ctx.render("office/minutes.html", {
        "meeting": meeting, "view": view, "record": view.record.meeting, "report": report, "signed": signed,
        "attended": attended, "base": base(ctx), "minutes_id": minutes_id, "roles": SEAT_ROLES,
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def document(ctx: Ctx) -> Response:
    """The minutes as the renderer lays them out (all content: for the secretariat and the committee)."""
    meeting_id = ctx.path_id("meeting_id")
    fmt = {"html": "html", "pdf": "pdf", "txt": "text"}.get(ctx.request.path_params["fmt"], "html")
    view = ctx.council.minutes(ctx.user, meeting_id)
    body = render(view.record, fmt, public=False, signatures=view.signatures)
    headers = {"Cache-Control": "no-store"}
    if fmt == "html":
        headers["Content-Security-Policy"] = DOCUMENT_POLICY  # its print style is inline
    else:
        headers["Content-Disposition"] = f'inline; filename="{filename(view.record, fmt)}"'
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def approve(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    ctx.council.approve(ctx.user, meeting_id, ctx.field("content_hash"))
    return ctx.redirect(f"/mine-moeder/{meeting_id}/referat?besked=godkendt")


def correct(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    ctx.council.add_correction(ctx.user, meeting_id, ctx.field("item_number"), ctx.field("text"))
    return ctx.redirect(f"/sekretariat/moede/{meeting_id}/referat?besked=rettelse")


def publish(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    with ctx.office.archive_lock:
        ctx.council.publish_minutes(ctx.user, meeting_id)
    return ctx.redirect(f"/sekretariat/moede/{meeting_id}/referat?besked=referat")


def verify(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    meeting = ctx.council.meeting(ctx.user, meeting_id)
    if not ctx.council.can_see_closed(ctx.user, meeting_id):
        raise PermissionDenied("only the secretariat and the committee check the minutes here",
                               action="check the minutes", code="insiders_only")
    return ctx.render("office/verify.html", {"meeting": meeting, "report": ctx.council.verify(meeting_id),
                                             "base": base(ctx)})


def audit_log(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    meeting = ctx.council.meeting(ctx.user, meeting_id)
    entries = ctx.council.audit_log(ctx.user, meeting_id)
    return ctx.render("office/log.html", {"meeting": meeting, "entries": entries, "actions": ACTIONS})


def routes(office: Office) -> list[Route]:
    e = office.endpoint
    s, m = "/sekretariat/moede/{meeting_id}", "/mine-moeder/{meeting_id}"
    return [Route(f"{s}/referat", e(minutes_page, SECRETARY), methods=["GET"]),
            Route(f"{m}/referat", e(minutes_page, MEMBER), methods=["GET"]),
            Route(s + "/referat.{fmt:str}", e(document, SECRETARY), methods=["GET"]),
            Route(m + "/referat.{fmt:str}", e(document, MEMBER), methods=["GET"]),
            Route(f"{m}/godkend", e(approve, MEMBER), methods=["POST"]),
            Route(f"{s}/rettelser", e(correct, SECRETARY), methods=["POST"]),
            Route(f"{s}/offentliggoer-referat", e(publish, SECRETARY), methods=["POST"]),
            Route(f"{s}/kontrol", e(verify, SECRETARY), methods=["GET"]),
            Route(f"{m}/kontrol", e(verify, MEMBER), methods=["GET"]),
            Route(f"{s}/log", e(audit_log, SECRETARY), methods=["GET"])]

