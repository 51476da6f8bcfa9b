"""``autopost publish`` against a real server: the ASGI app under uvicorn on a free port."""

import hashlib
import io
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from factories import make_connection
from huey.contrib.djhuey import HUEY
from tqdm import tqdm

from autopost.accounts.plans import Plan
from autopost.clips.models import Clip
from autopost.publishing.management.commands.publish import ProgressReader
from autopost.publishing.models import Publication, Status
from autopost.sandbox import demo
from autopost.testing.processes import child_env, free_port, start_worker, wait_for


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("publish", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        exc.out, exc.err = out.getvalue(), err.getvalue()
        raise
    return out.getvalue(), err.getvalue()


@pytest.fixture
def channel(alice):
    return make_connection(alice)


def test_uploads_with_progress_and_publishes_now(api_server, alice_token, channel, sample_video):
    out, err = run(
        str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token
    )

    clip = Clip.objects.get()
    assert clip.title == "my clip"
    assert clip.sha256 == hashlib.sha256(sample_video.read_bytes()).hexdigest()
    publication = Publication.objects.get()
    assert publication.connection == channel and publication.status == Status.PUBLISHING
    assert f"Uploaded clip #{clip.pk}" in out
    assert f"telegram Demo (#{channel.pk}): publication #{publication.pk} publishing" in out
    assert "Uploading my clip.mp4" in err and "100%" in err
    assert alice_token not in out + err


def test_token_from_the_environment(api_server, alice_token, channel, sample_video, monkeypatch):
    monkeypatch.setenv("AUTOPOST_API_TOKEN", alice_token)
    run(str(sample_video), "--to", "telegram", "--url", api_server, "--title", "Из env")
    assert Clip.objects.get().title == "Из env"


def test_scheduled_time_without_offset_is_in_the_service_time_zone(
    api_server, alice_token, channel, sample_video, settings
):
    settings.TIME_ZONE = "Asia/Vladivostok"
    local = datetime.now(ZoneInfo("Asia/Vladivostok")) + timedelta(days=1)
    at = local.replace(tzinfo=None, second=0, microsecond=0).isoformat()

    out, _ = run(
        str(sample_video), "--to", "telegram", "--at", at, "--url", api_server,
        "--token", alice_token,
    )

    publication = Publication.objects.get()
    assert publication.status == Status.SCHEDULED
    assert publication.scheduled_at == datetime.fromisoformat(at).replace(
        tzinfo=ZoneInfo("Asia/Vladivostok")
    )
    assert "scheduled" in out


@pytest.mark.parametrize(
    "at", ["tomorrow", "2099-01-01", "2099-13-01T10:00", "2000-01-01T10:00+03:00"]
)
def test_a_bad_or_past_time_is_refused_before_uploading(
    api_server, alice_token, channel, sample_video, at
):
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--at", at, "--url", api_server,
            "--token", alice_token)
    assert err.value.returncode == 2
    assert "--at" in str(err.value)
    assert not Clip.objects.exists()


def test_no_active_connection_is_a_clear_error_and_nothing_is_uploaded(
    api_server, alice_token, alice, sample_video
):
    make_connection(alice, status="revoked")
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram,vk", "--url", api_server, "--token", alice_token)
    assert err.value.returncode == 1
    assert "No active connection for telegram, vk" in str(err.value)
    assert not Clip.objects.exists()


def test_a_refused_target_prints_its_error_and_fails(
    api_server, alice_token, alice, channel, sample_video
):
    alice.plan = Plan.START  # Start allows VK only
    alice.save()
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token)
    assert err.value.returncode == 1
    assert f"telegram Demo (#{channel.pk}): failed plan_forbids_platform: " in err.value.out
    assert not Publication.objects.exists()


def test_a_platform_without_connection_is_reported_while_the_others_publish(
    api_server, alice_token, channel, sample_video
):
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram,vk", "--url", api_server, "--token", alice_token)
    assert err.value.returncode == 1
    assert "vk: no active connection" in err.value.err
    assert Publication.objects.get().connection == channel


def test_a_wrong_token_is_refused_without_printing_it(api_server, alice, channel, sample_video):
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--url", api_server, "--token", "ap_wrong-123")
    assert err.value.returncode == 2
    assert "(unauthorized)" in str(err.value)
    assert "ap_wrong-123" not in str(err.value) + err.value.out + err.value.err


def test_an_unreachable_server_is_a_clear_error(db, sample_video):
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--url", f"http://127.0.0.1:{free_port()}",
            "--token", "ap_x")
    assert err.value.returncode == 2
    assert "Cannot reach" in str(err.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "myspace"], "unknown platform myspace"),
        (["--to", ","], "unknown platform (none)"),
        (["--to", "telegram"], "No API token"),
    ],
)
def test_usage_errors(db, sample_video, monkeypatch, args, message):
    monkeypatch.delenv("AUTOPOST_API_TOKEN", raising=False)
    with pytest.raises(CommandError) as err:
        run(str(sample_video), *args)
    assert err.value.returncode == 2
    assert message in str(err.value)


def test_a_missing_file_is_a_usage_error(db, tmp_path):
    with pytest.raises(CommandError) as err:
        run(str(tmp_path / "nope.mp4"), "--to", "telegram", "--token", "ap_x")
    assert err.value.returncode == 2


def finish_publication_in_background(outcome: str) -> threading.Thread:
    """Plays the worker's part for the first publication: claim it, then publish or fail it
    through the same model transitions the worker uses."""

    def finish():
        try:
            publication = wait_for(
                lambda: Publication.objects.filter(status=Status.PUBLISHING).first(),
                timeout=30, message="a publication",
            )
            assert publication.claim(60)
            if outcome == "published":
                publication.mark_published("42", "https://t.me/autopost_demo/42")
            else:
                publication.mark_failed("upload_rejected", "Telegram отклонил файл")
        finally:
            connections.close_all()

    thread = threading.Thread(target=finish, daemon=True)
    thread.start()
    return thread


def test_wait_prints_the_url_once_published(api_server, alice_token, channel, sample_video):
    worker = finish_publication_in_background("published")
    out, _ = run(
        str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token,
        "--wait", "--poll-interval", "0.1",
    )
    worker.join(10)
    assert f"telegram Demo (#{channel.pk}): published https://t.me/autopost_demo/42" in out


def test_wait_reports_a_failure_with_a_non_zero_exit(
    api_server, alice_token, channel, sample_video
):
    worker = finish_publication_in_background("failed")
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token,
            "--wait", "--poll-interval", "0.1")
    worker.join(10)
    assert err.value.returncode == 1
    assert "failed upload_rejected: Telegram отклонил файл" in err.value.out


def test_wait_gives_up_after_the_timeout(api_server, alice_token, channel, sample_video):
    with pytest.raises(CommandError) as err:
        run(str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token,
            "--wait", "--poll-interval", "0.1", "--wait-timeout", "0.3")
    assert err.value.returncode == 1
    assert "still not done" in err.value.out


def test_the_upload_is_streamed_with_a_content_length(sample_video):
    size = sample_video.stat().st_size
    with sample_video.open("rb") as fh, tqdm(total=size, file=io.StringIO()) as bar:
        request = httpx.Request(
            "POST", "http://x/api/v1/clips", data={"title": "t"},
            files={"file": ("a.mp4", ProgressReader(fh, bar), "video/mp4")},
        )
        assert int(request.headers["Content-Length"]) > size
        assert "Transfer-Encoding" not in request.headers
        body = b"".join(request.stream)
        assert bar.n == size
    assert sample_video.read_bytes() in body


@pytest.mark.e2e
def test_wait_with_a_real_worker_publishes_to_the_sandbox(
    api_server, alice_token, sample_video, sandbox_control, settings
):
    """The whole path: CLI → API → queue → worker process → the sandbox's Telegram Bot API."""
    connected = httpx.post(
        f"{api_server}/api/v1/connections/telegram",
        headers={"Authorization": f"Bearer {alice_token}"},
        json={"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL},
    )
    assert connected.status_code == 201, connected.text
    HUEY.flush()
    worker = start_worker(child_env(AUTOPOST_MEDIA_DIR=str(settings.MEDIA_ROOT)))
    try:
        out, _ = run(
            str(sample_video), "--to", "telegram", "--url", api_server, "--token", alice_token,
            "--wait", "--poll-interval", "0.2", "--wait-timeout", "60",
        )
    finally:
        worker.stop()
        HUEY.flush()
    [message] = sandbox_control.telegram_messages(demo.TELEGRAM_CHANNEL)
    publication = Publication.objects.get()
    assert publication.status == Status.PUBLISHED
    assert f": published {publication.remote_url}" in out
    assert message["message_id"] and alice_token not in worker.log_text()
