"""Rutube pulls the clip from AUTOPOST_PUBLIC_URL: a private address is refused up front."""

import pytest

from autopost.publishing.models import Publication
from autopost.publishing.service import publish_clip
from tests.factories import make_clip, make_connection


@pytest.mark.parametrize(
    ("public_url", "sandbox", "code"),
    [
        ("http://127.0.0.1:8000", False, "public_url_unreachable"),
        ("http://localhost:8000", False, "public_url_unreachable"),
        ("http://192.168.1.20:8000", False, "public_url_unreachable"),
        ("http://autopost:8000", False, "public_url_unreachable"),
        ("https://autopost.example.ru", False, None),
        ("http://127.0.0.1:8000", True, None),  # the sandbox downloads from this machine
    ],
)
def test_url_pull_needs_a_public_address(alice, settings, public_url, sandbox, code):
    settings.PUBLIC_URL, settings.SANDBOX = public_url, sandbox
    rutube = make_connection(alice, platform="rutube", token="3f9d" * 8, target_id="1234567")

    [result] = publish_clip(alice, make_clip(alice).pk, [rutube.pk])

    assert result.code == code
    if code:
        assert "AUTOPOST_PUBLIC_URL" in result.message
        assert not Publication.objects.exists()
