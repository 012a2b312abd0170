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
