"""Prometheus counters of a watching harvester (``referat harvest --watch --metrics-port PORT``).

Why: an operator's monitoring should see a source fail or go quiet without reading logs.  Every
finished harvest of a source adds its outcome to counters served at ``/metrics`` (prometheus-client,
a registry of its own so several harvesters in one process, as in tests, do not collide):
meetings by status, runs by result, retries, attachments and requests per source, and the time of
each source's last success.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from ..errors import HarvestError
from .outcome import Report


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.offerings = Counter("referat_harvest_meetings", "Meetings (or files) a harvest handled, by status",
                                 ["source", "status"], registry=self.registry)
        self.runs = Counter("referat_harvest_runs", "Harvests of a source, by result (ok, failed, busy)",
                            ["source", "result"], registry=self.registry)
        self.retries = Counter("referat_harvest_retries", "Requests tried again after a transient failure",
                               ["source"], registry=self.registry)
        self.attachments = Counter("referat_harvest_attachments", "Attachments fetched", ["source"],
                                   registry=self.registry)
        self.requests = Counter("referat_harvest_requests", "HTTP requests made", ["source"], registry=self.registry)
        self.last_success = Gauge("referat_harvest_last_success_timestamp_seconds",
                                  "When the source was last harvested without failure (Unix time)", ["source"],
                                  registry=self.registry)

    def observe(self, report: Report) -> None:
        source = report.source
        result = "busy" if report.busy else "failed" if report.failed else "ok"
        self.runs.labels(source, result).inc()
        for status, n in report.counts.items():
            if n:
                self.offerings.labels(source, status).inc(n)
        self.retries.labels(source).inc(len(report.retried))
        self.attachments.labels(source).inc(report.attachments)
        self.requests.labels(source).inc(report.requests)
        if result == "ok":
            self.last_success.labels(source).set(time.time())

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve ``/metrics`` on ``host:port`` from a background thread."""
        try:
            start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise HarvestError(f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}") from None
