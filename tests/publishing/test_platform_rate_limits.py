"""Platform rate limits are ours to respect before the platform has to refuse (shared limiter)."""

from datetime import timedelta

from django.utils import timezone

from autopost.publishing.attempt import run_publication
from autopost.publishing.models import Publication, Status
from autopost.sandbox import demo
from tests.factories import make_clip, make_connection


def test_the_21st_post_to_a_channel_in_a_minute_waits_for_the_window(alice, sandbox_control):
    connection = make_connection(
        alice, token=demo.TELEGRAM_BOT_TOKEN, target_id=str(demo.TELEGRAM_CHANNEL_ID),
        account_id=str(demo.TELEGRAM_BOT_ID),
    )
    publications = [
        Publication.objects.create(
            clip=make_clip(alice, title=f"Клип {n}"), connection=connection, platform="telegram",
            status=Status.PUBLISHING, next_attempt_at=timezone.now(),
        )
        for n in range(21)
    ]
    for publication in publications:
        run_publication(publication.pk)

    statuses = [Publication.objects.get(pk=p.pk) for p in publications]
    assert [p.status for p in statuses[:20]] == [Status.PUBLISHED] * 20
    held = statuses[20]
    assert (held.status, held.last_error_code, held.attempts) == (Status.PUBLISHING, "rate_limited_locally", 0)
    assert held.next_attempt_at > timezone.now() + timedelta(seconds=30)
    # The platform never had to say 429: it received exactly the 20 the window allowed.
    assert len(sandbox_control.telegram_messages()) == 20
