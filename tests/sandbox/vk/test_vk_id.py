"""VK ID OAuth 2.1 with PKCE (platform-apis.md §1.1): authorize and the consent page, the code
exchange, refresh rotation, user_info, logout and revoke.

Consent is given the way the page's form does it: ``POST /vk-id/authorize`` with the authorize
parameters plus ``decision=allow`` (one test reads the form out of the HTML to prove that the page
sends exactly that)."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import CALLBACK, call, error_of, pkce, result


class FormReader(HTMLParser):
    """The consent form: its action, hidden fields and buttons."""

    def __init__(self):
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs["action"]
        elif tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs["value"]
        elif tag == "button":
            self.buttons[attrs["value"]] = attrs["name"]


def authorize_params(challenge: str, **overrides) -> dict:
    params = {
        "response_type": "code",
        "client_id": demo.VK_ID_CLIENT_ID,
        "redirect_uri": CALLBACK,
        "state": "q8Zr2-state-value-0123456789abcdef",
        "code_challenge": challenge,
        "code_challenge_method": "s256",
        "scope": "vkid.personal_info video wall groups",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


def redirect_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    return {name: values[0] for name, values in parse_qs(location.query).items()}


@pytest.fixture
def authorize_url(vk):
    return f"{vk.vk_id_url}/authorize"


@pytest.fixture
def token_url(vk):
    return f"{vk.vk_id_url}/oauth2/auth"


@pytest.fixture
def approve(http, authorize_url):
    """``approve(challenge, **overrides)`` → the redirect's query (code, state, device_id…)."""

    def approve_request(challenge, **overrides):
        params = {**authorize_params(challenge, **overrides), "decision": "allow"}
        return redirect_query(http.post(authorize_url, data=params))

    return approve_request


def exchange(http, token_url, code, verifier, device, **overrides):
    """As the VK ID SDK sends it: everything but ``code`` in the query, ``code`` in the body."""
    query = {
        "grant_type": "authorization_code",
        "code_verifier": verifier,
        "client_id": demo.VK_ID_CLIENT_ID,
        "device_id": device,
        "redirect_uri": CALLBACK,
        "state": "exchange-state",
    }
    body = {"code": code}
    for name, value in overrides.items():
        query.pop(name, None)
        if value is not None:
            body[name] = value
    return http.post(token_url, params=query, data=body)


@pytest.fixture
def tokens(http, token_url, approve):
    """A finished PKCE round trip: the token answer and the device_id."""
    verifier, challenge = pkce()
    granted = approve(challenge)
    response = exchange(http, token_url, granted["code"], verifier, granted["device_id"])
    assert response.status_code == 200, response.text
    return response.json(), granted["device_id"]


def test_consent_page_is_russian_and_its_form_approves(vk, http, authorize_url):
    _, challenge = pkce()

    page = http.get(authorize_url, params=authorize_params(challenge))

    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    for text in ("Autopost (песочница)", "Иван Петров", "Разрешить", "Отмена", "Видеозаписи"):
        assert text in page.text
    form = FormReader()
    form.feed(page.text)
    assert form.buttons == {"allow": "decision", "deny": "decision"}
    response = http.post(f"{vk.base_url}{form.action}", data={**form.fields, "decision": "allow"})
    granted = redirect_query(response)
    assert response.headers["location"].startswith(f"{CALLBACK}?code=")
    assert set(granted) == {"code", "state", "device_id", "type", "expires_in"}
    assert granted["state"] == authorize_params(challenge)["state"]
    assert (granted["type"], granted["expires_in"]) == ("code_v2", "600")


def test_full_round_trip_and_the_token_works_on_the_api(vk, http, tokens):
    answer, _ = tokens

    assert set(answer) == {
        "access_token",
        "refresh_token",
        "id_token",
        "token_type",
        "expires_in",
        "user_id",
        "state",
        "scope",
    }
    assert answer["access_token"].startswith("vk2.a.")
    assert answer["refresh_token"] != answer["access_token"]
    assert answer["id_token"].count(".") == 2
    assert (answer["token_type"], answer["expires_in"]) == ("Bearer", 3600)
    assert (answer["user_id"], answer["state"]) == (demo.VK_USER_ID, "exchange-state")
    assert answer["scope"] == "vkid.personal_info video wall groups"
    me = result(call(http, vk.vk_api_url, "users.get", token=answer["access_token"]))
    assert me[0]["id"] == demo.VK_USER_ID
    assert result(call(http, vk.vk_api_url, "video.save", token=answer["access_token"]))


def test_access_token_lives_3600_seconds_of_the_vk_clock(vk, http, tokens):
    answer, _ = tokens
    vk.advance_vk_clock(3599)
    assert result(call(http, vk.vk_api_url, "users.get", token=answer["access_token"]))

    vk.advance_vk_clock(1)

    assert error_of(call(http, vk.vk_api_url, "users.get", token=answer["access_token"]))[0] == 1117


def test_uppercase_s256_and_localhost_on_any_port(vk, http, token_url, approve):
    verifier, challenge = pkce()
    redirect_uri = "http://localhost:51789/oauth/vk/callback"

    granted = approve(challenge, code_challenge_method="S256", redirect_uri=redirect_uri)
    response = exchange(
        http, token_url, granted["code"], verifier, granted["device_id"], redirect_uri=redirect_uri
    )

    assert response.status_code == 200


def test_the_token_endpoint_reads_forms_not_json(http, token_url, approve):
    verifier, challenge = pkce()
    granted = approve(challenge)
    fields = {
        "grant_type": "authorization_code",
        "code": granted["code"],
        "code_verifier": verifier,
        "client_id": demo.VK_ID_CLIENT_ID,
        "device_id": granted["device_id"],
        "redirect_uri": CALLBACK,
    }

    response = http.post(token_url, json=fields)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_reused_code_is_invalid_grant(http, token_url, approve):
    verifier, challenge = pkce()
    granted = approve(challenge)
    first = exchange(http, token_url, granted["code"], verifier, granted["device_id"])

    again = exchange(http, token_url, granted["code"], verifier, granted["device_id"])

    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert again.json()["state"] == "exchange-state"


@pytest.mark.parametrize(
    ("override", "description"),
    [
        ({"code_verifier": "x" * 43}, "code_verifier does not match code_challenge"),
        ({"device_id": "another-device"}, "device_id does not match"),
        ({"redirect_uri": "http://127.0.0.1:1/oauth/vk/callback"}, "redirect_uri does not match"),
    ],
)
def test_wrong_verifier_device_or_redirect_is_invalid_grant_and_burns_the_code(
    http, token_url, approve, override, description
):
    verifier, challenge = pkce()
    granted = approve(challenge)

    failed = exchange(http, token_url, granted["code"], verifier, granted["device_id"], **override)
    retried = exchange(http, token_url, granted["code"], verifier, granted["device_id"])

    assert failed.status_code == 400
    assert failed.json() == {
        "error": "invalid_grant",
        "error_description": description,
        "state": "exchange-state",
    }
    assert retried.json()["error"] == "invalid_grant"


def test_expired_code_is_invalid_grant(vk, http, token_url, approve):
    verifier, challenge = pkce()
    granted = approve(challenge)
    vk.advance_vk_clock(600)

    response = exchange(http, token_url, granted["code"], verifier, granted["device_id"])

    assert response.json()["error_description"] == "code has expired"


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"client_id": "999"}, "invalid_client"),
        ({"client_id": None}, "invalid_client"),
        ({"client_id": demo.VK_LEGACY_CLIENT_ID}, "invalid_client"),
        ({"code_verifier": None}, "invalid_request"),
        ({"code_verifier": "short"}, "invalid_request"),
        ({"code_challenge": "a" * 43}, "invalid_request"),
        ({"device_id": None}, "invalid_request"),
        ({"grant_type": "password"}, "invalid_request"),
    ],
)
def test_malformed_exchanges(http, token_url, approve, override, error):
    verifier, challenge = pkce()
    granted = approve(challenge)

    response = exchange(
        http, token_url, granted["code"], verifier, granted["device_id"], **override
    )

    assert response.status_code == 400
    assert response.json()["error"] == error


def refresh(http, token_url, refresh_token, device_id, client_id=demo.VK_ID_CLIENT_ID):
    return http.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "device_id": device_id,
            "state": "refresh-state",
        },
    )


def test_refresh_rotates_both_tokens_and_burns_the_old_refresh_token(vk, http, token_url, tokens):
    answer, device_id = tokens

    rotated = refresh(http, token_url, answer["refresh_token"], device_id)
    replayed = refresh(http, token_url, answer["refresh_token"], device_id)
    next_one = refresh(http, token_url, rotated.json()["refresh_token"], device_id)

    assert rotated.status_code == 200
    new = rotated.json()
    assert new["access_token"] != answer["access_token"]
    assert new["refresh_token"] != answer["refresh_token"]
    assert (new["state"], new["expires_in"], new["user_id"]) == (
        "refresh-state",
        3600,
        demo.VK_USER_ID,
    )
    assert result(call(http, vk.vk_api_url, "users.get", token=new["access_token"]))
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"
    assert next_one.status_code == 200


def test_refresh_with_another_device_or_client_is_refused(http, token_url, tokens):
    answer, device_id = tokens

    other_device = refresh(http, token_url, answer["refresh_token"], "another-device")
    other_client = refresh(http, token_url, answer["refresh_token"], device_id, client_id="1")

    assert other_device.json()["error"] == "invalid_grant"
    assert other_client.json()["error"] == "invalid_client"
    # Neither attempt used the refresh token up.
    assert refresh(http, token_url, answer["refresh_token"], device_id).status_code == 200


def test_refresh_token_expires(vk, http, token_url, tokens):
    answer, device_id = tokens
    vk.advance_vk_clock(180 * 86400)
    assert refresh(http, token_url, answer["refresh_token"], device_id).json()["error"] == (
        "invalid_grant"
    )


def test_deny_redirects_with_access_denied(http, authorize_url):
    _, challenge = pkce()
    params = {**authorize_params(challenge), "decision": "deny"}

    refused = redirect_query(http.post(authorize_url, data=params))

    assert refused["error"] == "access_denied"
    assert refused["error_description"]
    assert refused["state"] == params["state"]


@pytest.mark.parametrize(
    "override",
    [
        {"client_id": "999"},
        {"redirect_uri": "https://evil.example/oauth/vk/callback"},
        {"redirect_uri": "http://127.0.0.1:8000/oauth/vk/callback?x=1"},
        {"redirect_uri": "http://127.0.0.1:8000/other"},
        {"redirect_uri": None},
    ],
)
def test_unknown_app_or_redirect_uri_shows_an_error_page_instead_of_redirecting(
    http, authorize_url, override
):
    _, challenge = pkce()
    response = http.get(authorize_url, params=authorize_params(challenge, **override))

    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Ошибка" in response.text


@pytest.mark.parametrize(
    "override",
    [
        {"response_type": "token"},
        {"state": None},
        {"code_challenge": None},
        {"code_challenge": "too-short"},
        {"code_challenge_method": "plain"},
    ],
)
def test_bad_authorize_parameters_redirect_with_invalid_request(http, authorize_url, override):
    _, challenge = pkce()
    refused = redirect_query(
        http.get(authorize_url, params=authorize_params(challenge, **override))
    )
    assert refused["error"] == "invalid_request"


def test_without_extended_access_vk_id_grants_only_basic_scopes(vk, http, token_url, approve):
    vk.set_vk_config(vk_id_extended_scopes=False)
    verifier, challenge = pkce()
    granted = approve(challenge, scope="vkid.personal_info email video wall groups")

    answer = exchange(http, token_url, granted["code"], verifier, granted["device_id"]).json()

    assert answer["scope"] == "vkid.personal_info email"
    assert error_of(call(http, vk.vk_api_url, "video.save", token=answer["access_token"]))[0] == 15


def test_consent_as_another_person(vk, http, token_url, approve):
    person = vk.create_vk_user("Мария", "Смирнова")
    verifier, challenge = pkce()
    granted = approve(challenge, user_id=person["id"])

    answer = exchange(http, token_url, granted["code"], verifier, granted["device_id"]).json()

    assert answer["user_id"] == person["id"]


def test_user_info(vk, http, tokens):
    answer, _ = tokens

    response = http.post(
        f"{vk.vk_id_url}/oauth2/user_info",
        params={"client_id": demo.VK_ID_CLIENT_ID},
        data={"access_token": answer["access_token"]},
    )

    user = response.json()["user"]
    assert user["user_id"] == str(demo.VK_USER_ID)
    assert (user["first_name"], user["last_name"]) == ("Иван", "Петров")
    assert user["avatar"]


def test_user_info_with_a_bad_token(vk, http):
    response = http.post(
        f"{vk.vk_id_url}/oauth2/user_info",
        params={"client_id": demo.VK_ID_CLIENT_ID},
        data={"access_token": "vk2.a.nope"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_logout_ends_the_session(vk, http, token_url, tokens):
    answer, device_id = tokens

    response = http.post(
        f"{vk.vk_id_url}/oauth2/logout",
        params={"client_id": demo.VK_ID_CLIENT_ID},
        data={"access_token": answer["access_token"]},
    )

    assert response.json() == {"response": 1}
    assert error_of(call(http, vk.vk_api_url, "users.get", token=answer["access_token"]))[0] == 5
    assert refresh(http, token_url, answer["refresh_token"], device_id).status_code == 400


def test_revoke_takes_back_every_token_of_the_app(vk, http, token_url, tokens):
    answer, device_id = tokens
    rotated = refresh(http, token_url, answer["refresh_token"], device_id).json()

    response = http.post(
        f"{vk.vk_id_url}/oauth2/revoke",
        params={"client_id": demo.VK_ID_CLIENT_ID},
        data={"access_token": rotated["access_token"]},
    )

    assert response.json() == {"response": 1}
    for token in (answer["access_token"], rotated["access_token"]):
        assert error_of(call(http, vk.vk_api_url, "users.get", token=token))[0] == 5
    assert refresh(http, token_url, rotated["refresh_token"], device_id).status_code == 400
    # Pasted tokens of the same person are not this app's: they still work.
    assert result(call(http, vk.vk_api_url, "users.get"))
