"""``referat council ...``: bootstrap the meeting side and check approved minutes from the command line.

A thin layer over ``referat.council.Council`` acting as ``SYSTEM`` (the person
at the terminal administers the database); everything else happens in the
web application.  Registered in ``cli.py``.
"""

from __future__ import annotations

import sys
from datetime import date

import click

from .council import MEMBERSHIP_ROLES, ROLES, SYSTEM, Council
from .council.minutes import PUBLISHED_COPY, local


def _council(ctx: click.Context) -> Council:
    council = Council(ctx.obj["db"], settings=ctx.obj["settings"])
    ctx.call_on_close(council.close)
    return council


def iso_day(value: str | None) -> date | None:
    """A YYYY-MM-DD option value as a date (None stays None); shared by every command with date options."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@click.group("council")
def council_cmd() -> None:
    """The meeting side: accounts, committees, and verifying approved minutes."""


@council_cmd.group("user")
def user_cmd() -> None:
    """Accounts."""


@user_cmd.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", help="full name (default: the username)")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, name: str | None, password_stdin: bool) -> None:
    """Create an account (without --password-stdin it cannot log in until a password is set)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    user = _council(ctx).create_user(SYSTEM, username, name or username, role, password)
    click.echo(f"user {user.id}: {user.username} ({user.role}){'' if password else ', no password yet'}")


@user_cmd.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the accounts."""
    for u in _council(ctx).users(SYSTEM):
        click.echo(f"{u.id:5} {u.username:20} {u.role:10} {u.name}{'' if u.active else ' (deactivated)'}")


@council_cmd.group("committee")
def committee_cmd() -> None:
    """Committees and their members."""


@committee_cmd.command("add")
@click.argument("municipality")
@click.argument("name")
@click.option("--template", help="section template (default: the municipality's, else 'default')")
@click.pass_context
def committee_add(ctx: click.Context, municipality: str, name: str, template: str | None) -> None:
    """Create a committee."""
    c = _council(ctx).create_committee(SYSTEM, municipality, name, template)
    click.echo(f"committee {c.id}: {c.name} ({c.municipality}, template {c.template})")


@committee_cmd.command("list")
@click.pass_context
def committee_list(ctx: click.Context) -> None:
    """List committees with their current members."""
    council = _council(ctx)
    for c in council.committees(SYSTEM):
        click.echo(f"{c.id:5} {c.municipality} · {c.name} (template {c.template})")
        for m in council.members(SYSTEM, c.id, date.today()):
            until = f" to {m.term_to}" if m.term_to else ""
            click.echo(f"        {m.id:5} {m.label} {m.role} from {m.term_from}{until}")


@committee_cmd.command("member")
@click.argument("committee_id", type=int)
@click.argument("username")
@click.option("--role", type=click.Choice(MEMBERSHIP_ROLES), default="member", show_default=True)
@click.option("--party", help="party letter, e.g. A")
@click.option("--from", "term_from", help="YYYY-MM-DD (default today)")
@click.option("--to", "term_to", help="YYYY-MM-DD (default open-ended)")
@click.pass_context
def committee_member(ctx: click.Context, committee_id: int, username: str, role: str, party: str | None,
                     term_from: str | None, term_to: str | None) -> None:
    """Seat a member account on a committee."""
    council = _council(ctx)
    m = council.add_member(SYSTEM, committee_id, council.user(username).id, role, party, iso_day(term_from),
                           iso_day(term_to))
    click.echo(f"membership {m.id}: {m.label} is {m.role} of committee {committee_id} from {m.term_from}")


@council_cmd.command("sign")
@click.argument("meeting_id", type=int)
@click.pass_context
def sign(ctx: click.Context, meeting_id: int) -> None:
    """Sign the approval chain entries written before referat signed them (after an upgrade); refused if the
    chain is broken."""
    signed = _council(ctx).sign_unsigned(meeting_id)
    click.echo(f"meeting {meeting_id}: {signed} entries signed" if signed else
               f"meeting {meeting_id}: every entry was signed already")


@council_cmd.command("verify")
@click.argument("meeting_id", type=int)
@click.pass_context
def verify(ctx: click.Context, meeting_id: int) -> None:
    """Recompute the approval hash chain of a meeting's minutes; exit 1 if it is broken."""
    report = _council(ctx).verify(meeting_id)
    if report.snapshot_hash:
        click.echo(f"minutes of meeting {meeting_id} frozen with content {report.snapshot_hash}")
    for lk in report.links:
        what = f"correction to item {lk.item_number}" if lk.kind == "correction" else "Godkendt"
        who = f"{lk.signer} ({lk.party})" if lk.party else lk.signer
        click.echo(f"{lk.seq:3} {local(lk.at):%Y-%m-%d %H:%M} {what} by {who}: content {lk.content_hash[:16]}"
                   f" link {lk.link_hash[:16]} {'ok' if lk.ok else 'BROKEN: ' + (lk.problem or '')}")
    if not report.ok:
        where = "the published copy" if report.broken_at == PUBLISHED_COPY else f"entry {report.broken_at}"
        click.echo(f"BROKEN at {where}: {report.problem}", err=True)
        sys.exit(1)
    if not report.approved:
        click.echo(f"meeting {meeting_id}: the minutes are not approved yet (nothing to verify)")
        return
    published = f", published copy {report.published[:16]} as signed" if report.published else ", not published"
    click.echo(f"OK: {len(report.links)} entries, chain intact, every entry signed ({report.recorded} recorded"
               f" outside the database){published}, head {report.head}")
