"""Invariant 3 after a full run: the bot token is nowhere but in the sandbox (the platform itself)."""

import json

from django.apps import apps

from autopost.accounts.models import User
from autopost.sandbox import demo


def test_bot_token_never_appears_in_logs_api_html_or_database(stack, sandbox_control, sample_clip):
    token = demo.TELEGRAM_BOT_TOKEN
    secret_part = token.split(":", 1)[1]
    seen = []

    connection = stack.connect_demo_channel()
    seen.append(json.dumps(connection))
    clip = stack.upload_clip(sample_clip)
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="http_500", count=1)
    [result] = stack.publish(clip["id"], [connection["id"]])
    seen.append(json.dumps(stack.wait_status(result["publication"]["id"], {"published", "failed"})))
    # A failing connect must not echo the token either.
    bad = stack.api.post("/api/v1/connections/telegram", json={"bot_token": token, "channel": "@no_such_channel_here"})
    seen.append(bad.text)
    for path in ("/api/v1/connections", "/api/v1/publications", "/api/v1/clips", "/api/v1/openapi.json"):
        seen.append(stack.api.get(path).text)

    User.objects.create_superuser("admin@example.com", "admin-password-1")
    with stack.api.__class__(base_url=stack.url, follow_redirects=True) as browser:
        login_page = browser.get("/admin/login/")
        browser.post(
            "/admin/login/?next=/admin/",
            data={"username": "admin@example.com", "password": "admin-password-1",
                  "csrfmiddlewaretoken": login_page.cookies.get("csrftoken") or browser.cookies.get("csrftoken")},
            headers={"Referer": f"{stack.url}/admin/login/"},
        )
        for path in ("/admin/", f"/admin/connections/platformconnection/{connection['id']}/change/",
                     "/admin/publishing/publication/"):
            page = browser.get(path)
            assert page.status_code == 200, path
            seen.append(page.text)

    database = [json.dumps(list(model.objects.values()), default=str) for model in apps.get_models()]

    for text in [*seen, stack.logs(), *database]:
        assert secret_part not in text

    # The worker's log is JSON lines carrying the architecture's event names.
    events = [json.loads(line) for line in stack.workers[0].log_text().splitlines() if line.startswith("{")]
    names = {e["event"] for e in events}
    assert {"publish_job_start", "publish_job_retry", "publish_job_success"} <= names
    assert all("timestamp" in e and "level" in e for e in events)
    web_events = {json.loads(line)["event"] for line in stack.web.log_text().splitlines() if line.startswith("{")}
    assert "platform_connected" in web_events
