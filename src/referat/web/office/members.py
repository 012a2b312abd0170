"""Committee members' screens (/mine-moeder/): their meetings, the full agenda with closed items, attachments.

A member sees the meetings of the committees they sit on, closed items
included (the library decides: a seat on the committee on the meeting's
date, or called in as substitute for it); any other meeting is read on the
public portal like everybody else's.  Approving the minutes is on the minutes
page (``minutes``).
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
    return ctx.render("office/my_meeting.html", {"meeting": meeting, "attendance": attendance, "roles": SEAT_ROLES,
                                                 "decisions": decisions})


def routes(office: Office) -> list[Route]:
    e = office.endpoint
    return [Route("/mine-moeder/", e(my_meetings, MEMBER), methods=["GET"]),
            Route("/mine-moeder/{meeting_id}", e(my_meeting, MEMBER), methods=["GET"]),
            Route("/mine-moeder/bilag/{attachment_id}", e(attachment, MEMBER), methods=["GET"])]
