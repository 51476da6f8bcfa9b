"""Prometheus metrics, derived from the database and the queue storage at scrape time.

Every web process can answer a scrape with the same numbers, however many web processes and
workers run on however many hosts: the publications, their events, the counter totals and the
worker heartbeats are rows everybody shares, so there are no per-process counters to add up.
Publication counters are counts of append-only event rows; they only go down when rows are
deleted (a user removes a clip), which Prometheus treats as a counter reset. Token refreshes and
stats syncs are pruned after a week, so theirs are totals kept as the rows are written
(``MetricTotal``) and never go down.

A scrape costs a handful of aggregate queries; the result is reused for
``AUTOPOST_METRICS_CACHE_SECONDS`` so several Prometheus servers cost no more than one.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import NamedTuple

from django.conf import settings
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric as MetricFamily,
)

from autopost.observability import metric_queries as queries


class Metric(NamedTuple):
    name: str
    kind: str  # counter, gauge or histogram
    labels: tuple[str, ...]
    doc: str


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("autopost_publications", "gauge", ("platform", "status"),
               "Publications now in each status."),
        Metric("autopost_publish_outcomes", "counter", ("platform", "outcome"),
               "Publications that ended published or failed (a manual retry can add another)."),
        Metric("autopost_publish_first_attempt_success", "counter", ("platform",),
               "Publications published on their first attempt."),
        Metric("autopost_publish_first_attempt_success_ratio", "gauge", ("platform",),
               "Share of the last 24 h's outcomes that were published on the first attempt."),
        Metric("autopost_publish_latency_seconds", "histogram", ("platform",),
               "Enqueue (or the scheduled time, when later) to published."),
        Metric("autopost_publish_retries", "counter", ("platform", "kind"),
               "Retries: scheduled after a transient error, rate-limit re-delays, manual retries."),
        Metric("autopost_token_refreshes", "counter", ("platform", "result"),
               "Token refreshes: success, failed (refused, connection expired), error."),
        Metric("autopost_stats_syncs", "counter", ("platform", "result"),
               "Stats jobs that asked the platform: ok, deferred (yielded to publishing), "
               "rate_limited, auth_failed, error."),
        Metric("autopost_stats_refreshed", "counter", ("platform",),
               "Publications whose stats a stats job refreshed."),
        Metric("autopost_queue_depth", "gauge", ("queue", "state"),
               "Jobs in the queue storage: pending (ready to run) and scheduled (for later)."),
        Metric("autopost_unclaimed_publications", "gauge", (),
               "Publications that are due and that no worker holds."),
        Metric("autopost_oldest_unclaimed_seconds", "gauge", (),
               "How long the oldest due publication has waited for a worker (0 when none)."),
        Metric("autopost_watchdog_unclaimed", "counter", ("platform",),
               "Times the watchdog found a due publication unclaimed."),
        Metric("autopost_stats_staleness_seconds", "gauge", ("platform",),
               "Age of the oldest stats among publications of the last 30 days (0 when none)."),
        Metric("autopost_worker_heartbeat_age_seconds", "gauge", (),
               "Seconds since the newest worker heartbeat (+Inf when no worker ever beat)."),
        Metric("autopost_workers", "gauge", (),
               "Workers whose heartbeat is fresher than AUTOPOST_READY_HEARTBEAT_SECONDS."),
    ]
}


def _family(name: str) -> MetricFamily:
    metric = METRICS[name]
    kind = {"counter": CounterMetricFamily, "gauge": GaugeMetricFamily,
            "histogram": HistogramMetricFamily}[metric.kind]
    return kind(name, metric.doc, labels=list(metric.labels))


def _publication_families(snapshot: queries.Snapshot) -> Iterator[MetricFamily]:
    by_status = _family("autopost_publications")
    for (platform, status), count in snapshot.by_status.items():
        by_status.add_metric([platform, status], count)
    outcomes = _family("autopost_publish_outcomes")
    first = _family("autopost_publish_first_attempt_success")
    ratio = _family("autopost_publish_first_attempt_success_ratio")
    retries = _family("autopost_publish_retries")
    unclaimed = _family("autopost_watchdog_unclaimed")
    for platform, events in snapshot.events.items():
        outcomes.add_metric([platform, "published"], events.published)
        outcomes.add_metric([platform, "failed"], events.failed)
        first.add_metric([platform], events.first_attempt)
        if events.recent_outcomes:
            ratio.add_metric([platform], events.recent_first_attempt / events.recent_outcomes)
        for kind, count in events.retries.items():
            retries.add_metric([platform, kind], count)
        unclaimed.add_metric([platform], events.unclaimed)
    yield from (by_status, outcomes, first, ratio, retries, unclaimed)


def _latency_family(snapshot: queries.Snapshot) -> MetricFamily:
    latency = _family("autopost_publish_latency_seconds")
    for platform, histogram in snapshot.latency.items():
        buckets = [(_bound(le), count) for le, count in histogram.buckets]
        buckets.append(("+Inf", histogram.count))
        latency.add_metric([platform], buckets, sum_value=histogram.sum_seconds)
    return latency


def _bound(seconds: float) -> str:
    return str(float(seconds))


def _state_families(snapshot: queries.Snapshot) -> Iterator[MetricFamily]:
    refreshes = _family("autopost_token_refreshes")
    for (platform, result), count in snapshot.refreshes.items():
        refreshes.add_metric([platform, result], count)
    syncs = _family("autopost_stats_syncs")
    for (platform, result), count in snapshot.stats_syncs.items():
        syncs.add_metric([platform, result], count)
    refreshed = _family("autopost_stats_refreshed")
    for platform, count in snapshot.stats_refreshed.items():
        refreshed.add_metric([platform], count)
    depth = _family("autopost_queue_depth")
    for queue, (pending, scheduled) in snapshot.queues.items():
        depth.add_metric([queue, "pending"], pending)
        depth.add_metric([queue, "scheduled"], scheduled)
    staleness = _family("autopost_stats_staleness_seconds")
    for platform, seconds in snapshot.stats_staleness.items():
        staleness.add_metric([platform], seconds)
    yield from (refreshes, syncs, refreshed, depth, staleness)
    for name, value in [
        ("autopost_unclaimed_publications", snapshot.unclaimed),
        ("autopost_oldest_unclaimed_seconds", snapshot.oldest_unclaimed_seconds),
        ("autopost_worker_heartbeat_age_seconds", snapshot.heartbeat_age_seconds),
        ("autopost_workers", snapshot.workers),
    ]:
        family = _family(name)
        family.add_metric([], math.inf if value is None else value)
        yield family


class DatabaseCollector:
    """A prometheus-client collector that reads everything from shared storage when scraped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cached: tuple[float, list[MetricFamily]] | None = None

    def describe(self) -> list[MetricFamily]:
        return [_family(name) for name in METRICS]

    def collect(self) -> list[MetricFamily]:
        with self._lock:
            now = time.monotonic()
            if self._cached and now - self._cached[0] < settings.METRICS_CACHE_SECONDS:
                return self._cached[1]
            snapshot = queries.take_snapshot()
            families = [
                *_publication_families(snapshot),
                _latency_family(snapshot),
                *_state_families(snapshot),
            ]
            self._cached = (now, families)
            return families


registry = CollectorRegistry(auto_describe=True)
registry.register(DatabaseCollector())


def render() -> bytes:
    return generate_latest(registry)
