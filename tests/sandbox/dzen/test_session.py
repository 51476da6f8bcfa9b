"""The browser session (platform-apis.md §5.2, §6): the ``Session_id`` cookie, the CSRF token from
Studio's page, the channel a session may touch, and the sign-in redirect."""

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.dzen.helpers import EDITOR, add_publication, errors_of, query, studio_client

STATS = f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/stats2"


def csrf_on_page(html: str) -> str:
    return re.search(r'window\._csrfToken = "([^"]+)"', html).group(1)


def test_studio_page_embeds_the_csrf_token_and_the_channel(studio):
    page = studio.get("/profile/editor")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert csrf_on_page(page.text) == demo.DZEN_CSRF_TOKEN
    assert f'window._publisherId = "{demo.DZEN_PUBLISHER_ID}"' in page.text
    assert demo.DZEN_CHANNEL_NAME in page.text


@pytest.mark.parametrize("session_id", [None, "3:nope", demo.DZEN_EXPIRED_SESSION_ID])
def test_without_a_live_session_api_calls_are_auth_error(dzen, session_id):
    with studio_client(dzen.dzen_url, session_id=session_id) as client:
        response = client.get(STATS, params=query())

    assert response.status_code == 401
    assert errors_of(response) == ["auth-error"]


@pytest.mark.parametrize("csrf", [None, "", "0" * 32, demo.DZEN_OTHER_CSRF_TOKEN])
def test_a_missing_or_foreign_csrf_token_is_400(dzen, csrf):
    with studio_client(dzen.dzen_url, csrf=csrf) as client:
        response = client.post(f"{EDITOR}/add-publication", params=query(), json={})

    assert response.status_code == 400
    assert response.json() == {"errors": [{"type": "invalid-csrf-token-error"}]}
    assert dzen.dzen_publications() == []


def test_rotating_the_csrf_token_refuses_the_old_one_and_the_page_shows_the_new(dzen, studio):
    fresh = dzen.rotate_dzen_csrf(demo.DZEN_SESSION_ID)

    refused = studio.get(STATS, params=query())
    page = studio.get("/profile/editor")
    studio.headers["X-Csrf-Token"] = csrf_on_page(page.text)

    assert errors_of(refused) == ["invalid-csrf-token-error"]
    assert csrf_on_page(page.text) == fresh != demo.DZEN_CSRF_TOKEN
    assert studio.get(STATS, params=query()).status_code == 200


def test_an_expired_session_redirects_studio_to_sign_in(dzen, studio):
    dzen.expire_dzen_session(demo.DZEN_SESSION_ID)

    api = studio.get(STATS, params=query())
    page = studio.get("/profile/editor")

    assert errors_of(api) == ["auth-error"]
    assert page.status_code == 302
    location = urlsplit(page.headers["location"])
    assert location.path == "/dzen-passport/auth"
    assert parse_qs(location.query)["retpath"] == [f"{dzen.dzen_url}/profile/editor"]


def test_signing_in_sets_a_session_cookie_and_returns(dzen):
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        login = browser.get(f"{dzen.dzen_url}/profile/editor")
        assert "Войти как" in login.text
        studio = browser.post(
            f"{dzen.base_url}/dzen-passport/auth",
            data={
                "publisher_id": demo.DZEN_PUBLISHER_ID,
                "retpath": f"{dzen.dzen_url}/profile/editor",
            },
        )

    assert studio.status_code == 200
    assert "window._csrfToken" in studio.text
    cookie = browser.cookies["Session_id"]
    [session] = [s for s in dzen.dzen_world()["sessions"] if s["session_id"] == cookie]
    assert session["publisher_ids"] == [demo.DZEN_PUBLISHER_ID]
    assert csrf_on_page(studio.text) == session["csrf_token"]


def test_a_session_may_touch_its_own_channel_only(dzen, studio):
    foreign = studio.get(f"{EDITOR}/publisher/{demo.DZEN_OTHER_PUBLISHER_ID}/stats2")
    added = studio.post(
        f"{EDITOR}/add-publication",
        params=query(demo.DZEN_OTHER_PUBLISHER_ID),
        json={"publicationType": "gif", "content": {"gifContent": {}}},
    )

    assert foreign.status_code == added.status_code == 403
    assert errors_of(foreign) == errors_of(added) == ["forbidden"]
    assert dzen.dzen_publications() == []


def test_someone_elses_publication_is_not_found_in_my_channel(dzen, studio):
    with studio_client(
        dzen.dzen_url, demo.DZEN_OTHER_SESSION_ID, demo.DZEN_OTHER_CSRF_TOKEN
    ) as theirs:
        their_publication = add_publication(theirs, demo.DZEN_OTHER_PUBLISHER_ID)

    response = studio.get(
        f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/publication/{their_publication}"
    )

    assert response.status_code == 404
    assert errors_of(response) == ["not-found"]


def test_publisher_id_is_required(studio):
    response = studio.post(f"{EDITOR}/add-publication", json={"publicationType": "gif"})

    assert response.status_code == 400
    assert errors_of(response) == ["validation-error"]


def test_control_sessions_and_channels(dzen):
    channel = dzen.create_dzen_channel("fresh_channel", name="Свежий")
    session = channel["session"]

    with studio_client(dzen.dzen_url, session["session_id"], session["csrf_token"]) as client:
        own = client.get(f"{EDITOR}/publisher/{channel['publisher_id']}/stats2")
        demo_channel = client.get(STATS)

    assert re.fullmatch(r"[0-9a-f]{24}", channel["publisher_id"])
    assert own.status_code == 200
    assert demo_channel.status_code == 403
    both = dzen.create_dzen_session(demo.DZEN_PUBLISHER_ID, channel["publisher_id"])
    assert both["publisher_ids"] == [demo.DZEN_PUBLISHER_ID, channel["publisher_id"]]
