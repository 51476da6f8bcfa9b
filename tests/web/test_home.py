from django.urls import reverse

from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_are_russian_by_default_even_for_an_english_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Вход" in page and "Sign in" not in page


def test_the_language_switch_makes_pages_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    english = client.get(reverse("login")).content.decode()
    assert "Sign in" in english and "Вход" not in english


def test_home_shows_only_my_clips_and_their_publication_status(client, alice, bob):
    mine = make_clip(alice, title="Мой закат")
    make_clip(bob, title="Чужой клип")
    Publication.objects.create(
        clip=mine, connection=make_connection(alice), platform="telegram", status=Status.FAILED,
        last_error_code="clip_file_missing", last_error_message="Файл клипа не найден",
    )
    client.force_login(alice)
    page = client.get(reverse("home")).content.decode()
    assert "Мой закат" in page and "Чужой клип" not in page
    assert "Ошибка" in page and "Файл клипа не найден" in page
