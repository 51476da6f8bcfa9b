"""token_auth and the ``Authorization: Token`` check (platform-apis.md §4.1, §4.3)."""

import httpx
import pytest

from autopost.sandbox import demo

LOGIN = "/api/accounts/token_auth/"
BAD_LOGIN = {"non_field_errors": ["Unable to log in with provided credentials."]}


@pytest.fixture
def anonymous(rutube):
    with httpx.Client(base_url=rutube.rutube_api_url, timeout=10) as client:
        yield client


@pytest.mark.parametrize("how", ["form", "json"])
def test_token_auth_with_the_email_answers_the_static_token(anonymous, how):
    credentials = {"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_PASSWORD}
    sent = {"data": credentials} if how == "form" else {"json": credentials}

    response = anonymous.post(LOGIN, **sent)

    assert response.status_code == 200
    assert response.json() == {"token": demo.RUTUBE_TOKEN, "userid": demo.RUTUBE_USERID}


def test_older_clients_put_and_may_use_the_phone_and_no_trailing_slash(anonymous):
    credentials = {"username": demo.RUTUBE_PHONE, "password": demo.RUTUBE_PASSWORD}

    response = anonymous.put(LOGIN.rstrip("/"), json=credentials)

    assert response.json()["userid"] == demo.RUTUBE_USERID


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": demo.RUTUBE_EMAIL, "password": "wrong"},
        {"username": "nobody@example.com", "password": demo.RUTUBE_PASSWORD},
        {"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_OTHER_PASSWORD},
    ],
)
def test_bad_credentials_are_400_non_field_errors(anonymous, credentials):
    response = anonymous.post(LOGIN, data=credentials)

    assert response.status_code == 400
    assert response.json() == BAD_LOGIN


def test_missing_fields_are_field_errors(anonymous):
    response = anonymous.post(LOGIN, json={"username": ""})

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field may not be blank."],
        "password": ["This field is required."],
    }


def test_the_email_is_case_insensitive(anonymous):
    credentials = {"username": demo.RUTUBE_EMAIL.upper(), "password": demo.RUTUBE_PASSWORD}
    assert anonymous.post(LOGIN, data=credentials).status_code == 200


def test_a_revoked_token_is_401_and_token_auth_issues_a_new_one(rutube, anonymous):
    rutube.revoke_rutube_token(demo.RUTUBE_TOKEN)
    headers = {"Authorization": f"Token {demo.RUTUBE_TOKEN}"}

    refused = anonymous.get("/api/video/person/", headers=headers)
    again = anonymous.post(
        LOGIN, data={"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_PASSWORD}
    )

    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    assert refused.headers["WWW-Authenticate"] == "Token"
    fresh = again.json()["token"]
    assert fresh != demo.RUTUBE_TOKEN and len(fresh) == 40
    assert anonymous.get(
        "/api/video/person/", headers={"Authorization": f"Token {fresh}"}
    ).is_success


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer " + demo.RUTUBE_TOKEN, "Authentication credentials were not provided."),
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
        ("Token 0000000000000000000000000000000000000000", "Invalid token."),
    ],
)
def test_own_videos_need_a_valid_token(anonymous, header, detail):
    headers = {"Authorization": header} if header else {}

    response = anonymous.get("/api/video/person/", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"detail": detail}


def test_a_bad_token_is_401_even_on_public_endpoints(anonymous):
    headers = {"Authorization": "Token nope"}

    assert anonymous.get("/api/video/category/").status_code == 200
    assert anonymous.get("/api/video/category/", headers=headers).status_code == 401


def test_control_accounts_and_tokens(rutube, anonymous):
    account = rutube.create_rutube_account("new@example.com", "secret-1", name="Новый")
    login = anonymous.post(LOGIN, data={"username": "new@example.com", "password": "secret-1"})

    assert login.json() == {"token": account["token"], "userid": account["userid"]}
    assert rutube.rutube_token(account["userid"]) == account["token"]
    with pytest.raises(httpx.HTTPStatusError):
        rutube.create_rutube_account("NEW@example.com", "x")
    world = rutube.rutube_world()
    assert {a["email"] for a in world["accounts"]} >= {demo.RUTUBE_EMAIL, "new@example.com"}
    assert {c["id"]: c["name"] for c in world["categories"]} == {13: "Разное", 6: "Музыка"}
