"""Secretariat screens for authoring: the meeting list, a meeting's agenda, items, attachments, publishing.

Items are created from the committee's section template (each municipality
has its own headings), with case ids, an open/closed flag and the neutral
title the public sees for a closed item.  Every edit form carries the version
it was read at; the library refuses a stale one (``ConflictError``) and the
visitor gets a Danish 409 page naming who changed it and when, with their own
text shown again.  Publishing the agenda writes to the archive store under the
portal's lock.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ...council.agenda import ItemInfo
from ...council.templates import get_template
from ...errors import FormError
from ..sources import disposition
from .committees import committee
from .core import SECRETARY, Ctx, Office
from .forms import NOTICES, case_ids, checked, moment, parse_date, parse_time


def home(ctx: Ctx) -> Response:
    meetings = ctx.council.meetings(ctx.user)
    return ctx.render("office/meetings.html", {"meetings": meetings, "committees": ctx.council.committees(ctx.user),
                                               "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def create_meeting(ctx: Ctx) -> Response:
    c = committee(ctx, ctx.path_id("committee_id"))
    day = parse_date(ctx.field("day"), "mødets dato")
    assert day is not None
    start = moment(day, parse_time(ctx.field("start"), "starttidspunktet"))
    end_at = parse_time(ctx.field("end"), "sluttidspunktet")
    meeting = ctx.council.create_meeting(ctx.user, c.id, start, title=ctx.field("title") or None,
                                         place=ctx.field("place") or None,
                                         end=moment(day, end_at) if end_at else None)
    return ctx.redirect(f"/sekretariat/moede/{meeting.id}?besked=oprettet")


def _typed(item_sections: list[Any]) -> list[Any]:
    return [s for s in item_sections if s.role not in ("decision", "attachments", "absence")]


def meeting_page(ctx: Ctx) -> Response:
    meeting = ctx.council.meeting(ctx.user, ctx.path_id("meeting_id"))
    template = get_template(meeting.committee.template)
    agenda_id, minutes_id = ctx.council.published_ids(meeting.id)
    return ctx.render("office/meeting.html", {
        "meeting": meeting, "blank": template.blank_sections(), "agenda_id": agenda_id, "minutes_id": minutes_id,
        "locked": meeting.minutes_locked,
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def update_meeting(ctx: Ctx) -> Response:
    meeting = ctx.council.meeting(ctx.user, ctx.path_id("meeting_id"))
    day = parse_date(ctx.field("day"), "mødets dato")
    assert day is not None
    start = moment(day, parse_time(ctx.field("start"), "starttidspunktet"))
    end_at = parse_time(ctx.field("end"), "sluttidspunktet")
    wanted = {"title": ctx.field("title") or None, "place": ctx.field("place") or None, "start": start,
              "end": moment(day, end_at) if end_at else None}
    changes = {k: v for k, v in wanted.items() if getattr(meeting, k) != v}
    if not changes:
        return ctx.redirect(f"/sekretariat/moede/{meeting.id}?besked=intet")
    ctx.council.update_meeting(ctx.user, meeting.id, ctx.number("version"), **changes)
    return ctx.redirect(f"/sekretariat/moede/{meeting.id}?besked=gemt")


def _item_fields(ctx: Ctx, blank: list[Any]) -> dict[str, Any]:
    public = ctx.field("public")
    if public not in ("1", "0"):
        raise FormError("Vælg, om punktet er åbent eller lukket.")
    return {"title": ctx.field("title"), "public": public == "1",
            "closed_title": ctx.field("closed_title") or "Lukket punkt",
            "case_ids": case_ids(ctx.field("case_ids")),
            "sections": {s.role: ctx.field(f"section:{s.role}") for s in blank}}


def add_item(ctx: Ctx) -> Response:
    meeting = ctx.council.meeting(ctx.user, ctx.path_id("meeting_id"))
    blank = get_template(meeting.committee.template).blank_sections()
    fields = _item_fields(ctx, blank)
    fields["sections"] = {k: v for k, v in fields["sections"].items() if v}
    title = fields.pop("title")
    item = ctx.council.add_item(ctx.user, meeting.id, title, number=ctx.field("number") or None, **fields)
    return ctx.redirect(f"/sekretariat/moede/{meeting.id}?besked=oprettet#punkt-{item.id}")


def _item(ctx: Ctx) -> ItemInfo:
    return ctx.council.item(ctx.user, ctx.path_id("item_id"))


def item_page(ctx: Ctx) -> Response:
    item = _item(ctx)
    meeting = ctx.council.meeting(ctx.user, item.meeting_id)
    return ctx.render("office/item.html", {
        "item": item, "meeting": meeting, "sections": _typed(item.sections),
        "locked": meeting.minutes_locked,
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def update_item(ctx: Ctx) -> Response:
    item = _item(ctx)
    wanted = _item_fields(ctx, _typed(item.sections))
    wanted["number"] = ctx.field("number") or item.number
    current = {"title": item.title, "public": item.public, "closed_title": item.closed_title,
               "case_ids": [c.value for c in item.case_ids], "number": item.number}
    changes = {k: v for k, v in wanted.items() if k != "sections" and current[k] != v}
    sections = {role: text for role, text in wanted["sections"].items() if item.section(role) != text}
    if sections:
        changes["sections"] = sections
    if not changes:
        return ctx.redirect(f"/sekretariat/punkt/{item.id}?besked=intet")
    ctx.council.update_item(ctx.user, item.id, ctx.number("version"), **changes)
    return ctx.redirect(f"/sekretariat/punkt/{item.id}?besked=gemt")


def add_attachment(ctx: Ctx) -> Response:
    item = _item(ctx)
    upload = ctx.files.get("file")
    if upload is None or not upload.filename:
        raise FormError("Vælg den fil, der skal vedhæftes.")
    data = upload.file.read()
    if not data:
        raise FormError(f"Filen {upload.filename} er tom.")
    ctx.council.add_attachment(ctx.user, item.id, ctx.field("title") or upload.filename, upload.filename, data,
                               media_type=upload.content_type or "application/octet-stream",
                               recommended=checked(ctx.form, "recommended"), public=not checked(ctx.form, "closed"),
                               not_for_publication=checked(ctx.form, "not_for_publication"))
    return ctx.redirect(f"/sekretariat/punkt/{item.id}?besked=bilag")


def attachment(ctx: Ctx) -> Response:
    info, data = ctx.council.attachment(ctx.user, ctx.path_id("attachment_id"))
    return Response(data, media_type=info.media_type, headers={
        "Content-Disposition": disposition(info.filename, "attachment", "bilag"), "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def publish_agenda(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    with ctx.office.archive_lock:
        ctx.council.publish_agenda(ctx.user, meeting_id)
    return ctx.redirect(f"/sekretariat/moede/{meeting_id}?besked=dagsorden")


def routes(office: Office) -> list[Route]:
    e = office.endpoint

    def r(path: str, handler: Any, method: str = "GET") -> Route:
        return Route(path, e(handler, SECRETARY), methods=[method])

    return [r("/sekretariat/", home), r("/sekretariat/udvalg/{committee_id}/moeder", create_meeting, "POST"),
            r("/sekretariat/moede/{meeting_id}", meeting_page),
            r("/sekretariat/moede/{meeting_id}", update_meeting, "POST"),
            r("/sekretariat/moede/{meeting_id}/punkter", add_item, "POST"),
            r("/sekretariat/moede/{meeting_id}/offentliggoer-dagsorden", publish_agenda, "POST"),
            r("/sekretariat/punkt/{item_id}", item_page), r("/sekretariat/punkt/{item_id}", update_item, "POST"),
            r("/sekretariat/punkt/{item_id}/bilag", add_attachment, "POST"),
            r("/sekretariat/bilag/{attachment_id}", attachment)]
