"""Every admin page an operator uses renders, and only staff reach the admin at all."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autopost.accounts.models import ApiToken, User
from autopost.notifications.models import Kind
from autopost.notifications.service import notify
from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection


@pytest.fixture
def world(alice):
    clip = make_clip(alice, title="Клип для админки")
    connection = make_connection(alice)
    publication = Publication.objects.create(
        clip=clip, connection=connection, platform="telegram", status=Status.SCHEDULED,
        scheduled_at=timezone.now(), next_attempt_at=timezone.now(),
    )
    publication.events.create(to_status=Status.SCHEDULED, reason="scheduled", message="причина в журнале")
    token, _ = ApiToken.issue(alice)
    notification = notify(alice, Kind.PUBLICATION_FAILED, key="k", title="Уведомление", body="", email=False)
    return {
        "accounts_user": alice, "accounts_apitoken": token, "clips_clip": clip,
        "connections_platformconnection": connection, "publishing_publication": publication,
        "notifications_notification": notification,
    }


@pytest.mark.parametrize("model", [
    "accounts_user", "accounts_apitoken", "clips_clip", "connections_platformconnection",
    "publishing_publication", "notifications_notification",
])
def test_list_and_change_pages_render_for_a_superuser(admin_client, world, model):
    listing = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    detail = admin_client.get(reverse(f"admin:{model}_change", args=[world[model].pk]))
    assert detail.status_code == 200


def test_the_admin_index_and_the_user_add_page_render(admin_client):
    assert admin_client.get(reverse("admin:index")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_an_operator_can_add_a_user_with_a_plan(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "new@example.com", "plan": "start", "usable_password": "true",
        "password1": "a-long-password-9", "password2": "a-long-password-9",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new@example.com")
    assert (user.username, user.plan) == ("new@example.com", "start")
    assert user.check_password("a-long-password-9")


def test_a_publication_page_shows_its_event_log_read_only(admin_client, world):
    publication = world["publishing_publication"]
    page = admin_client.get(reverse("admin:publishing_publication_change", args=[publication.pk])).content.decode()
    assert "причина в журнале" in page
    assert 'name="events-0-reason"' not in page  # no form inputs: the state machine owns the rows
    assert admin_client.post(reverse("admin:publishing_publication_change", args=[publication.pk]), {}).status_code == 403


def test_the_unclaimed_filter_lists_only_delayed_work(admin_client, world, alice):
    stalled = world["publishing_publication"]
    Publication.objects.filter(pk=stalled.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    later = Publication.objects.create(
        clip=make_clip(alice, title="Ещё не пора"), connection=make_connection(alice, target_id="-2"),
        platform="telegram", status=Status.SCHEDULED, next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    response = admin_client.get(reverse("admin:publishing_publication_changelist"), {"unclaimed": "yes"})
    shown = [row.pk for row in response.context["cl"].result_list]
    assert shown == [stalled.pk]
    assert later.pk not in shown


@pytest.mark.parametrize("url", ["admin:index", "admin:publishing_publication_changelist", "admin:connections_platformconnection_changelist"])
def test_people_who_are_not_staff_cannot_reach_the_admin(alice, url):
    browser = Client()
    browser.force_login(alice)
    response = browser.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Client().get(reverse(url)).status_code == 302


def test_staff_without_permissions_see_no_publications(alice):
    User.objects.filter(pk=alice.pk).update(is_staff=True)
    browser = Client()
    browser.force_login(alice)
    assert browser.get(reverse("admin:publishing_publication_changelist")).status_code == 403


@pytest.mark.parametrize("model", ["publishing_publication", "clips_clip", "connections_platformconnection", "accounts_user"])
def test_search_takes_words_numbers_and_addresses(admin_client, world, model):
    for term in ("Клип для админки", str(world["publishing_publication"].pk), "alice@example.com"):
        assert admin_client.get(reverse(f"admin:{model}_changelist"), {"q": term}).status_code == 200
