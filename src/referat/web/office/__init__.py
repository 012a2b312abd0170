"""The producer side of the portal: the secretariat's and the committee members' screens.

Mounted into the portal's app (``web.app.create_app``) under Danish paths:
``/log-ind`` and ``/log-ud``, ``/sekretariat/…`` (committees, meetings,
agendas, the meeting itself, minutes, publication, audit log) and
``/mine-moeder/…`` (a member's meetings, closed items, approval).  Every
screen calls the ``referat.council.Council`` facade with the logged-in user;
the library decides what that user may see and do, these modules only show
it and carry the forms (``core`` holds sessions, CSRF and the refusals).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from starlette.routing import Route

from ...council import Council
from ...store.base import Store
from . import auth
from .core import ANYONE, USER, Office

__all__ = ["Office", "office_for", "office_routes"]

#: the screen modules, each with ``routes(office)``
SCREENS = ("committees", "meetings", "conduct", "minutes", "members")


def _target(store: Store) -> str:
    """The database the archive store opened (the meeting side shares it)."""
    for attr in ("url", "path"):
        value = getattr(store, attr, None)
        if isinstance(value, str) and value:
            return value
    raise TypeError(f"cannot tell which database {type(store).__name__} uses")


def office_for(store: Store, archive_lock: threading.Lock, council: Council | None = None) -> Office:
    """The screens over ``council``, or over a ``Council`` on the store's own database opened on first use."""
    factory: Callable[[], Council] = (lambda: council) if council is not None else (
        lambda: Council(_target(store), store=store))
    return Office(factory, archive_lock)


def office_routes(office: Office) -> list[Route]:
    from importlib import import_module

    e = office.endpoint
    routes = [Route("/log-ind", e(auth.login_form, ANYONE), methods=["GET"]),
              Route("/log-ind", e(auth.login, ANYONE, csrf=False), methods=["POST"]),
              Route("/log-ud", e(auth.logout, ANYONE), methods=["POST"]),
              Route("/min-side", e(auth.account, USER), methods=["GET"])]
    for name in SCREENS:
        routes += import_module(f"{__name__}.{name}").routes(office)
    return routes
