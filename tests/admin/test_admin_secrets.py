"""Platform credentials never reach an admin page: not the tokens, not their ciphertext, not a
secret-looking option."""

import pytest
from django.urls import reverse

from autopost.platforms.base import Credentials
from tests.factories import make_connection

ACCESS = "vk1.a.ACCESS-TOKEN-THAT-MUST-NOT-LEAK"
REFRESH = "vk1.a.REFRESH-TOKEN-THAT-MUST-NOT-LEAK"


@pytest.fixture
def connection(alice):
    connection = make_connection(
        alice, platform="vk", target_id="777", target_name="Сообщество",
        options={"device_id": "device-1", "publish_as": "clip", "session_cookie": "Session_id=COOKIE-SECRET",
                 "nested": {"csrf_token": "CSRF-SECRET"}},
    )
    connection.set_credentials(Credentials(access_token=ACCESS, refresh_token=REFRESH))
    connection.save()
    return connection


def secrets_of(connection):
    return [
        ACCESS, REFRESH, connection.access_token_enc, connection.refresh_token_enc,
        # a fragment of each ciphertext too, in case a page shortens it
        connection.access_token_enc.split(":")[1][:16], connection.refresh_token_enc.split(":")[1][:16],
        "COOKIE-SECRET", "CSRF-SECRET", "access_token_enc", "refresh_token_enc",
    ]


def test_connection_list_and_change_pages_never_show_credentials(admin_client, connection):
    pages = [
        admin_client.get(reverse("admin:connections_platformconnection_changelist")),
        admin_client.get(reverse("admin:connections_platformconnection_changelist"), {"q": "Сообщество"}),
        admin_client.get(reverse("admin:connections_platformconnection_change", args=[connection.pk])),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "Сообщество" in html
        for secret in secrets_of(connection):
            assert secret not in html, secret


def test_the_change_page_still_shows_what_operators_need(admin_client, connection):
    html = admin_client.get(reverse("admin:connections_platformconnection_change", args=[connection.pk])).content.decode()
    assert "device-1" in html and "publish_as" in html  # non-secret options stay readable
    assert "session_cookie" in html and "••••••" in html  # the key is listed, its value is not


def test_publication_pages_do_not_show_connection_credentials(admin_client, connection, alice):
    from django.utils import timezone

    from autopost.publishing.models import Publication, Status
    from tests.factories import make_clip

    publication = Publication.objects.create(
        clip=make_clip(alice), connection=connection, platform="vk", status=Status.FAILED,
        next_attempt_at=timezone.now(), checkpoint={"video_id": 5, "upload_token": "UPLOAD-SECRET"},
    )
    for url in (reverse("admin:publishing_publication_changelist"),
                reverse("admin:publishing_publication_change", args=[publication.pk])):
        html = admin_client.get(url).content.decode()
        for secret in [*secrets_of(connection), "UPLOAD-SECRET"]:
            assert secret not in html, secret
