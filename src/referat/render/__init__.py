"""Rendering meetings as text, HTML and PDF (see ``render.render``)."""
