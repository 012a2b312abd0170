"""``referat render``: a stored meeting as text, HTML or PDF (the published variant unless --internal)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .render import FORMATS, render


@click.command("render")
@click.argument("meeting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="file (default stdout)")
@click.option("--internal", is_flag=True, help="include closed items and non-public attachments")
@click.pass_context
def render_cmd(ctx: click.Context, meeting_id: int, fmt: str, output: str | None, internal: bool) -> None:
    """Render a meeting's minutes or agenda in the standard Danish layout."""
    from .cli import _store

    out = render(_store(ctx).get(meeting_id), fmt, public=not internal)
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    if output:
        Path(output).write_bytes(data)
    elif fmt == "pdf" and sys.stdout.isatty():
        raise click.UsageError("a PDF is not for the terminal: give -o FILE or redirect the output")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
