"""Errors keep one shape everywhere, including the ones ninja and Django would answer themselves."""

import json

from api_helpers import assert_error


def test_unknown_api_path_is_json_404(alice_api):
    assert_error(alice_api.get("/api/v1/nothing/here"), 404, "not_found")


def test_wrong_method_is_json_405_with_allow_header(alice_api):
    response = alice_api.put("/api/v1/clips")
    assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_malformed_json_is_a_bad_request(alice_api):
    response = alice_api.post(
        "/api/v1/clips/1/publish", data="{not json", content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


def test_validation_error_names_the_field(alice_api):
    response = alice_api.post(
        "/api/v1/clips/1/publish",
        data=json.dumps({"targets": ["abc"], "scheduled_at": "tomorrow"}),
        content_type="application/json",
    )
    body = assert_error(response, 400, "validation_error")
    assert "targets.0" in body["message"]
    assert "scheduled_at" in body["message"]


def test_bad_filter_value_is_a_validation_error(alice_api):
    body = assert_error(
        alice_api.get("/api/v1/publications?status=exploded"), 400, "validation_error"
    )
    assert "status" in body["message"]


def test_non_numeric_id_is_not_found(alice_api):
    assert_error(alice_api.get("/api/v1/clips/abc"), 404, "not_found")


def test_openapi_docs_are_served(client):
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "autopost"
    assert "/api/v1/clips/{clip_id}/publish" in schema["paths"]
