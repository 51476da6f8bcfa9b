"""/metrics answers a bearer token from anywhere, or an allow-listed address without one."""

import pytest
from django.core.checks import run_checks
from django.test import Client

TOKEN = "metrics-token-5bd1c0e2f9"


def get_metrics(remote_addr: str, authorization: str | None = None):
    headers = {"Authorization": authorization} if authorization else {}
    return Client(REMOTE_ADDR=remote_addr).get("/metrics", headers=headers)


@pytest.fixture(autouse=True)
def defaults(settings, db):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW = ["127.0.0.1/32", "::1/128"]
    settings.METRICS_CACHE_SECONDS = 0


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_a_local_prometheus_reads_metrics_without_a_token(address):
    response = get_metrics(address)
    assert response.status_code == 200
    assert b"autopost_publications{" in response.content


def test_another_address_is_refused_when_no_token_is_configured():
    response = get_metrics("10.1.2.3")
    assert response.status_code == 403
    assert b"autopost_" not in response.content


def test_a_token_works_from_anywhere_and_nothing_else_does(settings):
    settings.METRICS_TOKEN = TOKEN

    missing = get_metrics("10.1.2.3")
    wrong = get_metrics("10.1.2.3", f"Bearer {TOKEN}x")
    basic = get_metrics("10.1.2.3", f"Basic {TOKEN}")
    right = get_metrics("10.1.2.3", f"Bearer {TOKEN}")

    assert missing.status_code == wrong.status_code == basic.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"autopost_" not in missing.content + wrong.content + basic.content
    assert right.status_code == 200 and b"autopost_workers " in right.content
    # An allow-listed address still needs no token.
    assert get_metrics("127.0.0.1").status_code == 200


def test_the_allow_list_takes_networks(settings):
    settings.METRICS_ALLOW = ["10.0.0.0/8", "2001:db8::/32"]

    assert get_metrics("10.200.0.7").status_code == 200
    assert get_metrics("2001:db8::5").status_code == 200
    assert get_metrics("127.0.0.1").status_code == 403
    assert get_metrics("11.0.0.1").status_code == 403


def test_an_empty_allow_list_leaves_only_the_token(settings):
    settings.METRICS_ALLOW = []
    settings.METRICS_TOKEN = TOKEN

    assert get_metrics("127.0.0.1").status_code == 401
    assert get_metrics("127.0.0.1", f"Bearer {TOKEN}").status_code == 200


def test_an_invalid_network_stops_the_service_at_start(settings):
    settings.METRICS_ALLOW = ["127.0.0.1/32", "10.0.0.0/33"]

    [error] = [message for message in run_checks() if message.id == "autopost.E010"]
    assert "AUTOPOST_METRICS_ALLOW" in error.msg and "10.0.0.0/33" in error.msg


def test_metrics_only_answer_get():
    assert Client(REMOTE_ADDR="127.0.0.1").post("/metrics").status_code == 405
