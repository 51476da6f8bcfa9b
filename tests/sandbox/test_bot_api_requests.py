"""How the emulated Bot API reads a request: path, token, method name, parameters."""

import pytest

from autopost.sandbox import demo


def assert_error(response, code: int, description: str) -> None:
    assert response.status_code == code
    assert response.json() == {"ok": False, "error_code": code, "description": description}


@pytest.mark.parametrize(
    "token",
    [
        "123456",  # no colon
        "0123:AAEsandbox-demo-token-autopost-0001",  # leading zero
        "abc:AAEsandbox-demo-token-autopost-0001",  # id is not a number
        "-5:AAEsandbox-demo-token-autopost-0001",
        "123:" + "x" * 80,  # longer than 80 characters
    ],
)
def test_malformed_token_is_401_invalid_token_specified(sandbox_control, http, token):
    response = http.get(f"{sandbox_control.telegram_api_url}/bot{token}/getMe")
    assert_error(response, 401, "Unauthorized: invalid token specified")


def test_unknown_token_of_the_right_shape_is_401_unauthorized(sandbox_control, http):
    token = f"{demo.TELEGRAM_BOT_ID}:AAEsandbox-demo-token-autopost-XXXX"
    response = http.get(f"{sandbox_control.telegram_api_url}/bot{token}/getMe")
    assert_error(response, 401, "Unauthorized")


def test_revoked_token_is_401_from_then_on(sandbox_control, http, bot_api):
    assert http.get(f"{bot_api}/getMe").status_code == 200

    revoked = sandbox_control.revoke_bot(demo.TELEGRAM_BOT_ID)

    assert revoked["revoked"] is True
    assert_error(http.get(f"{bot_api}/getMe"), 401, "Unauthorized")
    assert_error(
        http.post(f"{bot_api}/sendMessage", data={"chat_id": demo.TELEGRAM_CHANNEL, "text": "x"}),
        401,
        "Unauthorized",
    )
    assert sandbox_control.telegram_messages() == []


def test_demo_revoked_bot_is_refused(sandbox_control, http):
    response = http.get(
        f"{sandbox_control.telegram_api_url}/bot{demo.TELEGRAM_REVOKED_BOT_TOKEN}/getMe"
    )
    assert_error(response, 401, "Unauthorized")


def test_unknown_method_is_404_method_not_found(http, bot_api):
    assert_error(http.post(f"{bot_api}/sendTelepathy"), 404, "Not Found: method not found")


@pytest.mark.parametrize("path", ["", "getMe", "api/getMe", f"bot{demo.TELEGRAM_BOT_TOKEN}"])
def test_paths_that_are_not_bot_calls_are_404_not_found(sandbox_control, http, path):
    assert_error(http.get(f"{sandbox_control.telegram_api_url}/{path}"), 404, "Not Found")


@pytest.mark.parametrize("method", ["getMe", "getme", "GETME", "GeTmE"])
def test_method_names_are_case_insensitive(http, bot_api, method):
    response = http.get(f"{bot_api}/{method}")
    assert response.status_code == 200
    assert response.json()["result"]["username"] == demo.TELEGRAM_BOT_USERNAME


def test_method_may_come_as_a_parameter_when_the_path_has_none(http, bot_api):
    response = http.post(f"{bot_api}/", data={"method": "getMe"})
    assert response.json()["result"]["id"] == demo.TELEGRAM_BOT_ID


def test_get_me_is_the_complete_bot_user(http, bot_api):
    response = http.get(f"{bot_api}/getMe")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "ok": True,
        "result": {
            "id": demo.TELEGRAM_BOT_ID,
            "is_bot": True,
            "first_name": demo.TELEGRAM_BOT_NAME,
            "username": demo.TELEGRAM_BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        },
    }


def test_demo_token_has_the_real_shape():
    bot_id, secret = demo.TELEGRAM_BOT_TOKEN.split(":")
    assert bot_id == str(demo.TELEGRAM_BOT_ID)
    assert len(secret) == 35


def chat_title(response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["result"]["title"]


def test_parameters_from_query_string(http, bot_api):
    response = http.get(f"{bot_api}/getChat", params={"chat_id": demo.TELEGRAM_CHANNEL})
    assert chat_title(response) == demo.TELEGRAM_CHANNEL_TITLE


def test_parameters_from_urlencoded_form(http, bot_api):
    response = http.post(f"{bot_api}/getChat", data={"chat_id": demo.TELEGRAM_CHANNEL_ID})
    assert chat_title(response) == demo.TELEGRAM_CHANNEL_TITLE


def test_parameters_from_json_body_with_a_numeric_chat_id(http, bot_api):
    response = http.post(f"{bot_api}/getChat", json={"chat_id": demo.TELEGRAM_CHANNEL_ID})
    assert chat_title(response) == demo.TELEGRAM_CHANNEL_TITLE


def test_parameters_from_multipart_without_files(http, bot_api):
    response = http.post(
        f"{bot_api}/getChat",
        files={"chat_id": (None, demo.TELEGRAM_CHANNEL)},
    )
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert chat_title(response) == demo.TELEGRAM_CHANNEL_TITLE


def test_body_parameters_win_over_query_parameters(http, bot_api):
    response = http.post(
        f"{bot_api}/getChat?chat_id=@nobody_here",
        json={"chat_id": demo.TELEGRAM_CHANNEL},
    )
    assert chat_title(response) == demo.TELEGRAM_CHANNEL_TITLE


def test_json_body_with_nested_objects_is_accepted(sandbox_control, http, bot_api):
    markup = {"inline_keyboard": [[{"text": "Открыть", "url": "https://example.com"}]]}
    response = http.post(
        f"{bot_api}/sendMessage",
        json={"chat_id": demo.TELEGRAM_CHANNEL, "text": "Привет", "reply_markup": markup},
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["text"] == "Привет"


def test_malformed_json_body_is_a_bad_request(http, bot_api):
    response = http.post(
        f"{bot_api}/getMe", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request:")


def test_log_out_answers_true(http, bot_api):
    assert http.post(f"{bot_api}/logOut").json() == {"ok": True, "result": True}


def test_missing_chat_id_is_a_bad_request(http, bot_api):
    assert_error(http.get(f"{bot_api}/getChat"), 400, "Bad Request: chat_id is empty")


def test_json_nulls_count_as_absent(sandbox_control, http, bot_api):
    response = http.post(
        f"{bot_api}/sendMessage",
        json={"chat_id": demo.TELEGRAM_CHANNEL, "text": "<b>x</b>", "parse_mode": None},
    )
    assert response.json()["result"]["text"] == "<b>x</b>"
    assert sandbox_control.telegram_messages()[0]["parse_mode"] is None


def test_token_with_non_ascii_secret_is_just_unknown(sandbox_control, http):
    response = http.get(f"{sandbox_control.telegram_api_url}/bot{demo.TELEGRAM_BOT_ID}:секрет/getMe")
    assert_error(response, 401, "Unauthorized")
