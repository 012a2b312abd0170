"""Secretariat screens for accounts and committees: users, committees, members, substitutes and terms.

``/sekretariat/brugere`` lists, creates and closes accounts (secretariat,
member, citizen); ``/sekretariat/udvalg`` lists and creates committees (with
the municipality's section template); ``/sekretariat/udvalg/{id}`` shows who
sits on a committee in which role and term, adds memberships, ends terms and
creates meetings.  Closing an account and ending a term carry the version the
page was read at, so a stale form is a 409 naming who changed the row.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ...council.committees import Committee
from ...council.templates import get_template, template_names
from ...errors import FormError, NotFound
from .core import SECRETARY, Ctx, Office
from .forms import ACCOUNT_ROLES, NOTICES, SEAT_ROLES, parse_date


def committee(ctx: Ctx, committee_id: int) -> Committee:
    for c in ctx.council.committees(ctx.user):
        if c.id == committee_id:
            return c
    raise NotFound(f"no committee with id {committee_id}", code="not_found", what="committee")


def users(ctx: Ctx) -> Response:
    return ctx.render("office/users.html", {"users": ctx.council.users(ctx.user), "roles": ACCOUNT_ROLES,
                                            "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def create_user(ctx: Ctx) -> Response:
    role = ctx.field("role")
    if role not in ACCOUNT_ROLES:
        raise FormError("Vælg en rolle for brugeren.")
    ctx.council.create_user(ctx.user, ctx.field("username"), ctx.field("name"), role,
                            str(ctx.form.get("password", "")) or None)
    return ctx.redirect("/sekretariat/brugere?besked=oprettet")


def deactivate_user(ctx: Ctx) -> Response:
    """Close an account (the form carries the version the list was read at)."""
    ctx.council.deactivate_user(ctx.user, ctx.path_id("user_id"), ctx.number("version"))
    return ctx.redirect("/sekretariat/brugere?besked=lukket")


def end_term(ctx: Ctx) -> Response:
    """End a membership on the given last day (the form carries the membership's version)."""
    c = committee(ctx, ctx.path_id("committee_id"))
    end = parse_date(ctx.field("term_to"), "periodens sidste dag")
    assert end is not None
    ctx.council.end_term(ctx.user, ctx.path_id("membership_id"), ctx.number("version"), end)
    return ctx.redirect(f"/sekretariat/udvalg/{c.id}?besked=afsluttet")


def committees(ctx: Ctx) -> Response:
    items = ctx.council.committees(ctx.user)
    return ctx.render("office/committees.html", {
        "committees": items, "templates": [(n, ", ".join(s.heading for s in get_template(n).sections))
                                           for n in template_names()],
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def create_committee(ctx: Ctx) -> Response:
    created = ctx.council.create_committee(ctx.user, ctx.field("municipality"), ctx.field("name"),
                                           ctx.field("template") or None)
    return ctx.redirect(f"/sekretariat/udvalg/{created.id}?besked=oprettet")


def committee_page(ctx: Ctx) -> Response:
    c = committee(ctx, ctx.path_id("committee_id"))
    memberships = ctx.council.members(ctx.user, c.id)
    seated = {m.user_id for m in memberships}
    candidates = [u for u in ctx.council.users(ctx.user) if u.role == "member" and u.active]
    meetings = [m for m in ctx.council.meetings(ctx.user) if m.committee.id == c.id]
    return ctx.render("office/committee.html", {
        "committee": c, "memberships": memberships, "seat_roles": SEAT_ROLES, "candidates": candidates,
        "seated": seated, "meetings": meetings, "template": get_template(c.template),
        "notice": NOTICES.get(ctx.request.query_params.get("besked", ""))})


def add_member(ctx: Ctx) -> Response:
    c = committee(ctx, ctx.path_id("committee_id"))
    role = ctx.field("role")
    if role not in SEAT_ROLES:
        raise FormError("Vælg medlemmets rolle i udvalget.")
    user_id = ctx.number("user_id", "Vælg den bruger, der skal have plads i udvalget.")
    ctx.council.add_member(ctx.user, c.id, user_id, role, ctx.field("party") or None,
                           parse_date(ctx.field("term_from"), "periodens start", required=False),
                           parse_date(ctx.field("term_to"), "periodens slutning", required=False))
    return ctx.redirect(f"/sekretariat/udvalg/{c.id}?besked=oprettet")


def routes(office: Office) -> list[Route]:
    e = office.endpoint
    return [Route("/sekretariat/brugere", e(users, SECRETARY), methods=["GET"]),
            Route("/sekretariat/brugere", e(create_user, SECRETARY), methods=["POST"]),
            Route("/sekretariat/brugere/{user_id}/luk", e(deactivate_user, SECRETARY), methods=["POST"]),
            Route("/sekretariat/udvalg", e(committees, SECRETARY), methods=["GET"]),
            Route("/sekretariat/udvalg", e(create_committee, SECRETARY), methods=["POST"]),
            Route("/sekretariat/udvalg/{committee_id}", e(committee_page, SECRETARY), methods=["GET"]),
            Route("/sekretariat/udvalg/{committee_id}/medlemmer", e(add_member, SECRETARY), methods=["POST"]),
            Route("/sekretariat/udvalg/{committee_id}/medlemmer/{membership_id}/afslut", e(end_term, SECRETARY),
                  methods=["POST"])]
