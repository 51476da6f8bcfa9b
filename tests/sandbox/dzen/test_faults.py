"""Injected faults on Дзен (platform-apis.md §5.2, §6) and the control API around them."""

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.dzen.helpers import EDITOR, add_publication, errors_of, head, query, start_upload

STATS = f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/stats2"


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("csrf_error", 400, "invalid-csrf-token-error"),
        ("auth_error", 401, "auth-error"),
        ("unauthorized", 401, "auth-error"),
        ("forbidden", 403, "forbidden"),
    ],
)
def test_error_faults_answer_dzen_errors_once(dzen, studio, kind, status, error):
    dzen.add_fault(kind, platform="dzen", method="add-publication")

    response = studio.post(
        f"{EDITOR}/add-publication",
        params=query(),
        json={"publicationType": "gif", "content": {"gifContent": {}}},
    )

    assert response.status_code == status
    assert errors_of(response) == [error]
    assert dzen.dzen_publications() == []
    assert add_publication(studio)


def test_rate_limit_is_429_with_retry_after(dzen, studio):
    dzen.add_fault("rate_limit", platform="dzen", method="stats2", retry_after=9)

    response = studio.get(STATS, params=query())

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "9"
    assert errors_of(response) == ["too-many-requests"]


@pytest.mark.parametrize(("kind", "status"), [("http_500", 500), ("http_502", 502)])
def test_server_errors_on_tus_and_api(dzen, studio, kind, status):
    publication_id = add_publication(studio)
    started = start_upload(studio, publication_id, 10)
    dzen.add_fault(kind, platform="dzen", method="tus.head")
    dzen.add_fault(kind, platform="dzen", method="publication")

    assert head(studio, started["uploadUrl"]).status_code == status
    path = f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/publication/{publication_id}"
    assert studio.get(path).status_code == status
    assert head(studio, started["uploadUrl"]).status_code == 200


def test_an_auth_fault_on_studio_redirects_to_sign_in(dzen, studio):
    dzen.add_fault("auth_error", platform="dzen", method="profile.editor")

    page = studio.get("/profile/editor")

    assert page.status_code == 302
    assert "/dzen-passport/auth?retpath=" in page.headers["location"]


def test_a_dropped_connection_elsewhere_changes_nothing(dzen, studio):
    dzen.add_fault("drop_connection", platform="dzen", method="add-publication", after_bytes=0)

    with pytest.raises(httpx.TransportError):
        add_publication(studio)

    assert dzen.dzen_publications() == []


def test_fault_validation_knows_dzen_kinds(dzen):
    fault = dzen.add_fault("drop_connection", platform="dzen", method="tus.patch", after_bytes=10)

    assert fault["after_bytes"] == 10
    with pytest.raises(httpx.HTTPStatusError):
        dzen.add_fault("csrf_error", platform="telegram")


def test_reset_restores_the_demo_world(dzen, studio):
    add_publication(studio)
    dzen.rotate_dzen_csrf(demo.DZEN_SESSION_ID)
    dzen.set_dzen_config(fail_conversion=True)
    dzen.advance_dzen_clock(100)

    dzen.reset()

    assert dzen.dzen_publications() == []
    assert dzen.dzen_config()["fail_conversion"] is False
    assert studio.get(STATS, params=query()).status_code == 200
    world = dzen.dzen_world()
    assert [c["publisher_id"] for c in world["channels"]] == [
        demo.DZEN_PUBLISHER_ID,
        demo.DZEN_OTHER_PUBLISHER_ID,
    ]
    with pytest.raises(httpx.HTTPStatusError):
        dzen.set_dzen_config(conversion_s=-1)


def test_demo_page_shows_the_dzen_world(dzen, studio):
    add_publication(studio)

    html = httpx.get(f"{dzen.base_url}/").text

    assert "<h2>Дзен</h2>" in html
    assert demo.DZEN_SESSION_ID in html and demo.DZEN_CSRF_TOKEN in html
    assert demo.DZEN_PUBLISHER_ID in html and "черновик" in html
    assert 'data-url="/_control/dzen/sessions/rotate_csrf"' in html
