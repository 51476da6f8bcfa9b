"""Legacy ``oauth.vk.com`` (platform-apis.md §1.2): the code flow with the app secret, the implicit
flow, scopes as names or a bitmask, 24-hour tokens unless ``offline``, no refresh tokens."""

from urllib.parse import parse_qs, urlsplit

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import CALLBACK, call, error_of, result


def params(**overrides) -> dict:
    base = {
        "client_id": demo.VK_LEGACY_CLIENT_ID,
        "redirect_uri": CALLBACK,
        "display": "page",
        "scope": "video,wall,groups,offline",
        "response_type": "code",
        "v": "5.199",
        "state": "legacy-state",
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def approve(http, vk, **overrides) -> str:
    """The URL the browser is sent to after «Разрешить»."""
    response = http.post(
        f"{vk.vk_legacy_oauth_url}/authorize", data={**params(**overrides), "decision": "allow"}
    )
    assert response.status_code == 302, response.text
    return response.headers["location"]


def query_of(url: str, part: str = "query") -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(getattr(urlsplit(url), part)).items()}


def access_token(http, vk, code, **overrides):
    query = {
        "client_id": demo.VK_LEGACY_CLIENT_ID,
        "client_secret": demo.VK_LEGACY_CLIENT_SECRET,
        "redirect_uri": CALLBACK,
        "code": code,
    }
    query.update(overrides)
    return http.get(f"{vk.vk_legacy_oauth_url}/access_token", params=query)


def test_consent_page(vk, http):
    page = http.get(f"{vk.vk_legacy_oauth_url}/authorize", params=params())
    assert page.status_code == 200
    assert "Autopost (старый OAuth)" in page.text
    assert "Разрешить" in page.text


def test_code_flow_with_offline_never_expires(vk, http):
    granted = query_of(approve(http, vk))
    assert granted["state"] == "legacy-state"

    response = access_token(http, vk, granted["code"])

    answer = response.json()
    assert set(answer) == {"access_token", "expires_in", "user_id"}
    assert (answer["expires_in"], answer["user_id"]) == (0, demo.VK_USER_ID)
    assert answer["access_token"].startswith("vk1.a.")
    vk.advance_vk_clock(365 * 86400)
    assert result(call(http, vk.vk_api_url, "video.save", token=answer["access_token"]))


def test_without_offline_the_token_lives_a_day(vk, http):
    granted = query_of(approve(http, vk, scope="video,wall"))
    answer = access_token(http, vk, granted["code"]).json()

    assert answer["expires_in"] == 86400
    vk.advance_vk_clock(86400)
    assert error_of(call(http, vk.vk_api_url, "users.get", token=answer["access_token"]))[0] == 1117


def test_scope_as_a_bitmask(vk, http):
    # video 16 + wall 8192 + groups 262144
    granted = query_of(approve(http, vk, scope=str(16 + 8192 + 262144)))
    answer = access_token(http, vk, granted["code"]).json()

    token = answer["access_token"]
    assert answer["expires_in"] == 86400
    assert result(call(http, vk.vk_api_url, "groups.get", token=token))
    [described] = [t for t in vk.vk_world()["tokens"] if t["token"] == token]
    assert described["scopes"] == ["groups", "video", "wall"]


def test_wrong_secret_is_invalid_client(vk, http):
    granted = query_of(approve(http, vk))

    response = access_token(http, vk, granted["code"], client_secret="wrong")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "client_secret is incorrect",
    }


def test_code_is_single_use(vk, http):
    granted = query_of(approve(http, vk))
    assert access_token(http, vk, granted["code"]).status_code == 200

    again = access_token(http, vk, granted["code"])

    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "Code is invalid or expired.",
    }


def test_code_lives_an_hour(vk, http):
    granted = query_of(approve(http, vk))
    vk.advance_vk_clock(3600)
    assert access_token(http, vk, granted["code"]).json()["error"] == "invalid_grant"


def test_vk_id_codes_are_not_legacy_codes(vk, http):
    assert access_token(http, vk, "made-up").json()["error"] == "invalid_grant"


def test_implicit_flow_returns_the_token_in_the_fragment(vk, http):
    location = approve(http, vk, response_type="token", scope="video")

    granted = query_of(location, "fragment")
    assert location.startswith(f"{CALLBACK}#")
    assert (granted["expires_in"], granted["user_id"]) == ("86400", str(demo.VK_USER_ID))
    assert granted["state"] == "legacy-state"
    assert result(call(http, vk.vk_api_url, "video.get", token=granted["access_token"]))


def test_blank_html_is_the_default_redirect(vk, http):
    location = approve(http, vk, response_type="token", redirect_uri=None)

    assert location.startswith(f"{vk.vk_legacy_oauth_url}/blank.html#access_token=")
    assert http.get(location.split("#")[0]).status_code == 200


def test_deny(vk, http):
    response = http.post(
        f"{vk.vk_legacy_oauth_url}/authorize", data={**params(), "decision": "deny"}
    )
    refused = query_of(response.headers["location"])
    assert (refused["error"], refused["error_reason"]) == ("access_denied", "user_denied")
    assert refused["state"] == "legacy-state"


@pytest.mark.parametrize(
    "override",
    [{"client_id": demo.VK_ID_CLIENT_ID}, {"redirect_uri": "https://evil.example/cb"}],
)
def test_unknown_app_or_redirect_is_an_error_page(vk, http, override):
    response = http.get(f"{vk.vk_legacy_oauth_url}/authorize", params=params(**override))
    assert response.status_code == 400
    assert "location" not in response.headers


def test_there_is_no_refresh_grant(vk, http):
    response = http.post(
        f"{vk.vk_legacy_oauth_url}/access_token",
        data={
            "grant_type": "refresh_token",
            "client_id": demo.VK_LEGACY_CLIENT_ID,
            "client_secret": demo.VK_LEGACY_CLIENT_SECRET,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
