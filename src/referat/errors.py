"""The one error hierarchy of referat.

Every failure a user can meet is a ``ReferatError`` with a message meant to be
printed as one line; the CLI prints it and exits non-zero, never a traceback.
"""


class ReferatError(Exception):
    """Base of every error referat raises on purpose."""

    exit_code = 1


class InputError(ReferatError):
    """The input cannot be read as minutes at all (empty, binary, encrypted, too big ...)."""

    exit_code = 2


class UnsupportedFormat(InputError):
    """The file is not in a format we can import."""


class NotMinutes(InputError):
    """The file reads fine but is not an agenda or minutes document."""


class StoreError(ReferatError):
    """The store cannot be opened or written."""

    exit_code = 3


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
    """The acting user may not do or see this (wrong role, not a member of the committee, not logged in)."""

    exit_code = 6


class ConflictError(ReferatError):
    """Someone else changed the row since it was read (optimistic locking); reload and try again."""

    exit_code = 7


class RuleViolation(ReferatError):
    """A rule of the law on municipal government (kommunestyrelsesloven) forbids this; the message cites it."""

    exit_code = 8


class QuorumError(RuleViolation):
    """Fewer than half of the committee's members are present for the item (§ 11, stk. 2)."""


class MinutesLocked(ReferatError):
    """The minutes have been approved: they are append-only, changes go in as dated additions."""

    exit_code = 9


class RenderError(ReferatError):
    """Minutes cannot be rendered in the asked format (unknown format, PDF engine failure)."""

    exit_code = 10


class FormError(InvalidInput):
    """A field of a form on the secretariat's or members' screens is missing or malformed; the message is Danish."""
