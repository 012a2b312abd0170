"""The one error hierarchy of referat.

Every failure a user can meet is a ``ReferatError`` with a message meant to be
printed as one line; the CLI prints it and exits non-zero, never a traceback.
"""

from __future__ import annotations

from datetime import datetime


class ReferatError(Exception):
    """Base of every error referat raises on purpose.

    ``str(exc)`` is the one-line (English) message the CLI prints.  Errors of
    the meeting side also carry what went wrong as data: ``code`` (a stable key
    such as ``"item.title_missing"``, empty when not given) and ``facts`` (the
    values the message names), so a screen can say it in its own language
    without parsing the message.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, code: str = "", **facts: object) -> None:
        super().__init__(message)
        self.code = code
        self.facts = facts


class InputError(ReferatError):
    """The input cannot be read as minutes at all (empty, binary, encrypted, too big ...)."""

    exit_code = 2


class UnsupportedFormat(InputError):
    """The file is not in a format we can import."""


class NotMinutes(InputError):
    """The file reads fine but is not an agenda or minutes document."""


class ConfigError(ReferatError):
    """A setting (an environment variable or option, ``referat.settings``) has a value that cannot be used."""

    exit_code = 1


class StoreError(ReferatError):
    """The store cannot be opened or written."""

    exit_code = 3


class DiskFull(StoreError):
    """The disk is full: nothing of the transaction that met it was kept (free space and run it again)."""


class IndexDamaged(StoreError):
    """The search index cannot be read (a damaged segment, a missing file); ``referat reindex`` rebuilds it."""


class IndexBudgetExceeded(StoreError):
    """Making one meeting's search-index documents ran over its time budget (``store.aside``)."""


class NotFound(ReferatError):
    """A meeting, item or document asked for does not exist."""

    exit_code = 4


class QueryError(ReferatError):
    """A search query cannot be understood."""

    exit_code = 5


# -- the meeting side (``referat.council``) -------------------------------------------------------


class InvalidInput(ReferatError):
    """A value given to the meeting side is not acceptable (unknown role, outcome, member ...)."""

    exit_code = 2


class PermissionDenied(ReferatError):
    """The acting user may not do or see this (wrong role, not a member of the committee, not logged in).

    ``action`` names what was attempted (``"record attendance"``, ``"approve minutes"`` ...), ``code`` why
    it was refused (``"secretariat_only"``, ``"not_on_committee"``, ``"deactivated"`` ...).
    """

    exit_code = 6

    def __init__(self, message: str = "", *, action: str = "", code: str = "", **facts: object) -> None:
        super().__init__(message, code=code, **facts)
        self.action = action


class LoginThrottled(PermissionDenied):
    """Too many failed logins for this account or client address (``kind``): logins there are refused,
    without looking at the password, for ``retry_after`` more seconds (``council/throttle.py``)."""

    def __init__(self, message: str = "", *, retry_after: int, kind: str) -> None:
        super().__init__(message, action="log in", code="login_throttled", retry_after=retry_after, kind=kind)
        self.retry_after = retry_after


class ConflictError(ReferatError):
    """Someone else changed the row since it was read (optimistic locking); reload and try again.

    ``entity`` is what changed (``"item"``, ``"meeting"``, ``"user"``, ``"membership"``, ``"minutes"``),
    ``who_name``/``who_username`` and ``when`` the person and time of the other change (from the audit
    log; None when unknown), ``change`` its audit action, ``expected_version`` what the editor read and
    ``actual_version`` what the row holds now (a version number, or a content hash for minutes).
    """

    exit_code = 7

    def __init__(self, message: str = "", *, entity: str = "", entity_id: int | None = None,
                 who_name: str | None = None, who_username: str | None = None, when: datetime | None = None,
                 change: str | None = None, expected_version: int | str | None = None,
                 actual_version: int | str | None = None, code: str = "conflict") -> None:
        super().__init__(message, code=code)
        self.entity, self.entity_id = entity, entity_id
        self.who_name, self.who_username, self.when, self.change = who_name, who_username, when, change
        self.expected_version, self.actual_version = expected_version, actual_version


class RuleViolation(ReferatError):
    """A rule of the law on municipal government (kommunestyrelsesloven) forbids this; ``rule`` cites it."""

    exit_code = 8

    def __init__(self, message: str = "", *, rule: str = "", code: str = "", **facts: object) -> None:
        super().__init__(message, code=code, **facts)
        self.rule = rule


class QuorumError(RuleViolation):
    """Fewer than half of the committee's members are present for the item (§ 11, stk. 2).

    ``item`` is the item number, ``present`` the seats filled, ``seats`` the committee's seats and
    ``required`` how many must be filled.
    """

    def __init__(self, message: str = "", *, item: str = "", present: int = 0, seats: int = 0, required: int = 0,
                 rule: str = "kommunestyrelsesloven § 11, stk. 2") -> None:
        super().__init__(message, rule=rule, code="quorum")
        self.item, self.present, self.seats, self.required = item, present, seats, required


class MinutesLocked(ReferatError):
    """The minutes have been approved: they are append-only, changes go in as dated additions."""

    exit_code = 9


class RenderError(ReferatError):
    """Minutes cannot be rendered in the asked format (unknown format, PDF engine failure)."""

    exit_code = 10


class HarvestError(ReferatError):
    """A source cannot be harvested (unreachable after retries, refused by robots.txt, not the portal it
    claims to be, an unknown source name); ``referat harvest`` reports it per source and goes on."""

    exit_code = 11


class FormError(InvalidInput):
    """A field of a form on the secretariat's or members' screens is missing or malformed; the message is Danish."""
