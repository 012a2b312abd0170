"""Keep-alive connections spread evenly over the server processes of ``referat serve --workers N``.

Each process listens on a socket of its own (``workers``) and the kernel hands it new connections by a hash
of their addresses; browsers and proxies then keep those connections open.  So the split is a coin toss per
connection: 50 connections fell 31/19, 29/21 and 28/22 on two processes, and the busier one, with half as
much again to do, set the 99th percentile.  Each process publishes how many connections it holds (in memory
the processes share, ten times a second) and, while it holds more than its fair share, answers with
``Connection: close`` until it does not: the client connects again (HTTP allows a server to end a connection
after any response) and the kernel's hash sends it anywhere, so the counts even out within moments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableSequence
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]


class Balancer:
    """ASGI middleware for the process holding ``slot`` of ``counts`` (connections held, per process)."""

    def __init__(self, app: Any, counts: MutableSequence[int], slot: int) -> None:
        self.app = app
        self.counts = counts
        self.slot = slot
        self.closing = 0  # connections told to close since this process last published its count

    def publish(self, held: int) -> None:
        """This process now holds ``held`` connections (``BalancedServer`` calls this every tick)."""
        self.counts[self.slot] = held
        self.closing = 0

    def excess(self) -> bool:
        counts = list(self.counts)
        fair = -(-sum(counts) // len(counts))  # the share each process should hold, rounded up
        return counts[self.slot] - self.closing > fair

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] != "http" or not self.excess():
            await self.app(scope, receive, send)
            return
        self.closing += 1

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


def server(config: Any, balancer: Balancer) -> Any:
    """A uvicorn server that publishes its connection count to ``balancer`` at every tick (10 a second)."""
    import uvicorn

    class BalancedServer(uvicorn.Server):
        async def on_tick(self, counter: int) -> bool:
            balancer.publish(len(self.server_state.connections))
            return await super().on_tick(counter)

    return BalancedServer(config)
