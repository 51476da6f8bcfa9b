"""Every token refresh is recorded, so /metrics counts refreshes by result across all processes."""

import pytest
from django.test import Client

from autopost.connections.models import PlatformConnection
from autopost.connections.refresh import refresh_connection
from autopost.observability.models import TokenRefresh
from autopost.platforms.errors import AuthExpired, TransientError
from tests.connections.vk_flow import connect_vk


@pytest.fixture
def vk_connection(alice, sandbox_control):
    browser = Client()
    browser.force_login(alice)
    connect_vk(browser)
    return PlatformConnection.objects.get(platform="vk")


def test_success_error_and_refusal_are_counted(vk_connection, sandbox_control, scrape):
    refresh_connection(vk_connection)
    sandbox_control.add_fault("http_500", platform="vk", method="vk-id/oauth2/auth")
    with pytest.raises(TransientError):
        refresh_connection(PlatformConnection.objects.get(pk=vk_connection.pk))
    PlatformConnection.objects.filter(pk=vk_connection.pk).update(
        options={**vk_connection.options, "device_id": "not-the-device-vk-issued-the-token-to"}
    )
    with pytest.raises(AuthExpired):
        refresh_connection(PlatformConnection.objects.get(pk=vk_connection.pk))

    metrics = scrape()
    for result in ("success", "error", "failed"):
        assert metrics.value("autopost_token_refreshes_total", platform="vk", result=result) == 1
    assert list(TokenRefresh.objects.order_by("id").values_list("connection_id", "result", "reason")) == [
        (vk_connection.pk, "success", ""),
        (vk_connection.pk, "error", "vk_oauth_unavailable"),
        (vk_connection.pk, "failed", "vk_refresh_expired"),
    ]
