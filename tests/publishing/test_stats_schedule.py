"""Which publications' stats are due: +1 h, then every 5 h until 30 days (so never older than
6 h), then weekly until 90 days, then never; only published rows on active connections of
platforms that have stats."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from autopost.connections.models import ConnectionStatus
from autopost.publishing.models import Publication, Status
from autopost.publishing.stats import due_connection_ids, due_for_stats, next_refresh_at
from tests.factories import make_clip, make_connection

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("last_refresh_age", "expected_next_age"),
    [
        (None, H),  # first refresh an hour after publishing
        (H, 6 * H),  # +1 h, then +6 h
        (6 * H, 11 * H),
        (29 * D, 29 * D + 5 * H),  # still every 5 h on day 29
        (30 * D - 2 * H, 37 * D - 2 * H),  # the 5-hour one would fall after day 30: weekly
        (40 * D, 47 * D),
        (85 * D, None),  # the next weekly one would be past 90 days: done
    ],
)
def test_next_refresh_follows_the_age_of_the_publication(last_refresh_age, expected_next_age):
    last = None if last_refresh_age is None else T0 + last_refresh_age
    expected = None if expected_next_age is None else T0 + expected_next_age
    assert next_refresh_at(T0, last) == expected


def test_stats_younger_than_30_days_are_never_older_than_6_hours():
    last, age = H, H
    while age < 30 * D:
        following = next_refresh_at(T0, T0 + last)
        if following is None or following - T0 >= 30 * D:
            break
        assert following - (T0 + last) <= 6 * H
        last = age = following - T0


@pytest.fixture
def vk(alice):
    return make_connection(alice, platform="vk", token="vk1.a.token", target_id="712345678", account_id="712345678")


def published(connection, *, at=T0, stats_at=None, remote_id="712345678_1", status=Status.PUBLISHED) -> Publication:
    return Publication.objects.create(
        clip=make_clip(connection.owner, payload=b"x"), connection=connection, platform=connection.platform,
        status=status, published_at=at, stats_updated_at=stats_at, remote_id=remote_id,
    )


def due_ids() -> set[int]:
    return set(due_for_stats().values_list("pk", flat=True))


def test_a_new_publication_is_due_an_hour_after_publishing_and_then_every_five_hours(vk):
    publication = published(vk)

    with time_machine.travel(T0 + 59 * timedelta(minutes=1), tick=False):
        assert due_ids() == set()
    with time_machine.travel(T0 + H, tick=False):
        assert due_ids() == {publication.pk}
        Publication.objects.filter(pk=publication.pk).update(stats_updated_at=T0 + H)
        assert due_ids() == set()
    with time_machine.travel(T0 + 6 * H - timedelta(seconds=1), tick=False):
        assert due_ids() == set()
    with time_machine.travel(T0 + 6 * H, tick=False):
        assert due_ids() == {publication.pk}


def test_after_30_days_weekly_and_after_90_days_never(vk):
    month_old = published(vk, stats_at=T0 + 31 * D)
    stale_week = published(vk, stats_at=T0 + 33 * D)
    finished = published(vk, stats_at=T0 + 82 * D)

    with time_machine.travel(T0 + 36 * D, tick=False):
        assert due_ids() == set()  # days old, but past 30 days that is fresh enough
    with time_machine.travel(T0 + 40 * D, tick=False):
        assert due_ids() == {month_old.pk, stale_week.pk}
    with time_machine.travel(T0 + 91 * D, tick=False):
        assert finished.pk not in due_ids()


def test_day_29_is_still_every_five_hours(vk):
    recent = published(vk, stats_at=T0 + 29 * D - 5 * H)
    with time_machine.travel(T0 + 29 * D, tick=False):
        assert due_ids() == {recent.pk}


def test_a_publication_never_refreshed_is_due_whatever_its_age(vk):
    old = published(vk, at=T0 - 200 * D)
    with time_machine.travel(T0, tick=False):
        assert due_ids() == {old.pk}


def test_only_published_rows_with_a_remote_id_on_active_stats_connections(alice, vk):
    telegram = make_connection(alice)
    expired = make_connection(alice, platform="vk", token="vk1.a.other", target_id="1", account_id="1",
                              status=ConnectionStatus.EXPIRED)
    revoked = make_connection(alice, platform="rutube", token="t", target_id="2", account_id="2",
                              status=ConnectionStatus.REVOKED)
    due = published(vk)
    published(telegram, remote_id="1001")
    published(expired)
    published(revoked, remote_id="a" * 32)
    published(vk, remote_id="")
    published(vk, status=Status.FAILED, remote_id="712345678_9")

    with time_machine.travel(T0 + 2 * H, tick=False):
        assert due_ids() == {due.pk}
        assert due_connection_ids() == [vk.pk]
