"""Committee members' screens (/mine-moeder/): their meetings, the full agenda with closed items, attachments.

A member sees the meetings of the committees they sit on, closed items
included (the library decides: a seat on the committee on the meeting's
date, or called in as substitute for it); any other meeting is read on the
public portal like everybody else's.  A member present for an item with a
decision may add their own protokoltilførsel (kommunestyrelsesloven § 13,
stk. 2) in their own words until the minutes are approved.  Approving the
minutes is on the minutes page (``minutes``).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ...errors import PermissionDenied
from .core import MEMBER, Ctx, Office
from .forms import NOTICES, SEAT_ROLES
from .meetings import attachment


def my_meetings(ctx: Ctx) -> Response:
    meetings = ctx.council.my_meetings(ctx.user)
    return ctx.render("office/my_meetings.html", {"meetings": meetings,
                                                  "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def my_meeting(ctx: Ctx) -> Response:
    meeting_id = ctx.path_id("meeting_id")
    if not ctx.council.can_see_closed(ctx.user, meeting_id):
        raise PermissionDenied("only the committee's members see this meeting here", action="see the meeting",
                               code="insiders_only")
    attendance = ctx.council.attendance(ctx.user, meeting_id)
    meeting = ctx.council.meeting(ctx.user, meeting_id)
    decisions = {i.id: ctx.council.decision(ctx.user, i.id) for i in meeting.items}
    mine = {m.id for m in attendance.people.values() if m.user_id == ctx.user.id}  # type: ignore[union-attr]
    # the own-dissent form: for items with a decision the member took part in, while the minutes are open
    may_dissent = {i.id for i in meeting.items if decisions[i.id] is not None and not meeting.minutes_locked
                   and mine & attendance.at(i.number).present}
    return ctx.render("office/my_meeting.html", {
        "meeting": meeting, "attendance": attendance, "roles": SEAT_ROLES, "decisions": decisions,
        "dissents": {i.id: ctx.council.dissents(ctx.user, i.id) for i in meeting.items}, "may_dissent": may_dissent,
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def add_own_dissent(ctx: Ctx) -> Response:
    """A member's own protokoltilførsel, in their own words exactly as typed; the library decides whether
    they may (present for the item, not inhabil, minutes not yet approved)."""
    item = ctx.council.item(ctx.user, ctx.path_id("item_id"))
    attendance = ctx.council.attendance(ctx.user, item.meeting_id)
    mine = [m.id for m in attendance.people.values() if m.user_id == ctx.user.id]  # type: ignore[union-attr]
    if not mine:
        raise PermissionDenied("only the committee's members record their own dissent", action="record a dissent",
                               code="own_dissent_only")
    present = [m for m in mine if m in attendance.at(item.number).present]
    ctx.council.add_dissent(ctx.user, item.id, (present or mine)[0], str(ctx.form.get("text", "")))
    return ctx.redirect(f"/mine-moeder/{item.meeting_id}?besked=protokol#p-{item.id}")


def routes(office: Office) -> list[Route]:
    e = office.endpoint
    return [Route("/mine-moeder/", e(my_meetings, MEMBER), methods=["GET"]),
            Route("/mine-moeder/{meeting_id}", e(my_meeting, MEMBER), methods=["GET"]),
            Route("/mine-moeder/punkt/{item_id}/protokoltilfoersel", e(add_own_dissent, MEMBER), methods=["POST"]),
            Route("/mine-moeder/bilag/{attachment_id}", e(attachment, MEMBER), methods=["GET"])]
