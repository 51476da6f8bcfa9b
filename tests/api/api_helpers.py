"""Assertions shared by the API tests."""


def assert_error(response, status: int, code: str) -> dict:
    """Every API error is exactly {"code", "message"} and a non-empty message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] == code, body
    assert body["message"]
    return body
