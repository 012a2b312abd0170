"""The public portal (``referat serve``): server-rendered Danish pages with JSON twins over any store.

``create_app(store)`` builds the ASGI app; ``app.py`` holds the routes,
``params.py`` the strict reading of request parameters, ``views.py`` what of a
meeting or item is public and how it is labelled, ``templates/`` the HTML.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
