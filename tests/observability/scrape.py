"""Reading /metrics the way Prometheus does: the text format, parsed by prometheus-client."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


class Scrape(dict):
    """``{(sample name, frozenset of label pairs): value}`` with a short lookup."""

    def value(self, name: str, **labels: str) -> float:
        return self[(name, frozenset(labels.items()))]

    def names(self) -> set[str]:
        return {name for name, _ in self}


def parse(text: str) -> Scrape:
    scrape = Scrape()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            scrape[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return scrape
