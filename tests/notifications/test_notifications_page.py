"""The notifications page: the owner's own, newest first, marked read on a POST with CSRF; and the
unread count every page gets for the header."""

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from autopost.notifications.models import Kind, Notification
from autopost.notifications.service import notify


def tell(owner, key, title):
    return notify(owner, Kind.PUBLICATION_FAILED, key=key, title=title, body=f"{title}: подробности", email=False)


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_page_needs_a_sign_in():
    response = Client().get(reverse("notifications"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_owner_sees_only_their_own_newest_first(alice, bob):
    tell(alice, "a-1", "Первая у Алисы")
    tell(alice, "a-2", "Вторая у Алисы")
    tell(bob, "b-1", "Секрет Боба")

    response = signed_in(alice).get(reverse("notifications"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Вторая у Алисы") < page.index("Первая у Алисы")
    assert "Секрет Боба" not in page
    assert response.context["unread_notifications_count"] == 2


def test_mark_all_read_is_a_post_with_csrf_and_touches_only_the_owner(alice, bob):
    tell(alice, "a-1", "У Алисы")
    tell(bob, "b-1", "У Боба")
    browser = signed_in(alice, enforce_csrf_checks=True)

    assert browser.post(reverse("notifications")).status_code == 403  # no CSRF token
    assert Notification.objects.unread().count() == 2

    browser.get(reverse("notifications"))
    token = browser.cookies["csrftoken"].value
    response = browser.post(reverse("notifications"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    assert list(Notification.objects.unread().values_list("owner", flat=True)) == [bob.pk]
    assert browser.get(reverse("notifications")).context["unread_notifications_count"] == 0


def test_an_empty_list_says_so(alice):
    page = signed_in(alice).get(reverse("notifications")).content.decode()
    assert "Уведомлений нет" in page


def test_the_header_entry_links_to_the_page_with_an_accessible_unread_count(alice, rf):
    tell(alice, "a-1", "Одна")
    request = rf.get("/")
    request.user = alice
    html = render_to_string("notifications/_nav.html", {"user": alice, "unread_notifications_count": 1}, request)
    assert f'href="{reverse("notifications")}"' in html
    assert 'aria-label="Уведомления, непрочитанных: 1"' in html
    quiet = render_to_string("notifications/_nav.html", {"user": alice, "unread_notifications_count": 0}, request)
    assert 'aria-label="Уведомления"' in quiet and "badge" not in quiet


def test_every_page_gets_the_unread_count(alice):
    tell(alice, "a-1", "Одна")
    response = signed_in(alice).get(reverse("settings"))
    assert response.context["unread_notifications_count"] == 1
    assert Client().get(reverse("login")).context["unread_notifications_count"] == 0
