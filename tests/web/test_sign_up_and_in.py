"""Sign up, sign in, sign out: Django's auth forms and CSRF, in Russian."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from autopost.accounts.models import User
from autopost.accounts.plans import Plan

NEW = {"email": "Anna@Example.com", "password1": "long-enough-pass-1", "password2": "long-enough-pass-1"}


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_sign_up_creates_a_free_account_signs_in_and_opens_the_platforms(client, db):
    response = client.post(reverse("signup"), NEW, follow=True)

    user = User.objects.get()
    assert (user.email, user.plan) == ("Anna@example.com", Plan.FREE)
    assert user.check_password(NEW["password1"])
    assert response.redirect_chain == [(reverse("settings"), 302)]
    assert int(client.session[SESSION_KEY]) == user.pk
    page = response.content.decode()
    assert "Тариф: Free" in page and "Anna@example.com" in page
    assert "Добро пожаловать! Аккаунт создан, ваш тариф — Free." in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({**NEW, "password2": "another-pass-2"}, "password2", "Введенные пароли не совпадают."),
        ({**NEW, "password1": "short", "password2": "short"}, "password2", "Введённый пароль слишком короткий"),
        ({**NEW, "email": "not-an-email"}, "email", "Введите правильный адрес электронной почты."),
        ({**NEW, "email": "ALICE@example.com"}, "email", "Аккаунт с этим e-mail уже есть: войдите в него."),
    ],
)
def test_sign_up_errors_are_shown_under_their_field(client, alice, form, field, message):
    response = client.post(reverse("signup"), form)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert form["password1"] not in page  # passwords are never rendered back
    assert User.objects.count() == 1 and SESSION_KEY not in client.session


def test_a_signed_in_person_is_sent_home_from_the_sign_up_page(client, alice):
    client.force_login(alice)
    assert client.get(reverse("signup"))["Location"] == reverse("home")


def test_sign_ups_from_one_address_are_rate_limited(client, db, fast_hashing):
    for n in range(10):
        answer = Client().post(reverse("signup"), {**NEW, "email": f"person{n}@example.com"})
        assert answer.status_code == 302, n

    refused = client.post(reverse("signup"), {**NEW, "email": "one-more@example.com"})

    assert refused.status_code == 429
    assert "Слишком много новых аккаунтов с вашего адреса" in refused.content.decode()
    assert not User.objects.filter(email="one-more@example.com").exists()


def test_sign_in_keeps_the_email_and_says_what_is_wrong(client, alice):
    response = client.post(reverse("login"), {"username": "alice@example.com", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200 and "Неверный e-mail или пароль." in page
    assert 'value="alice@example.com"' in page and SESSION_KEY not in client.session


def test_sign_in_page_links_to_sign_up_and_back(client, db):
    assert reverse("signup") in client.get(reverse("login")).content.decode()
    assert reverse("login") in client.get(reverse("signup")).content.decode()


def test_sign_in_then_sign_out_with_a_post(client, alice):
    signed_in = client.post(reverse("login"), {"username": "alice@example.com", "password": "alice-password-1"})
    assert signed_in["Location"] == reverse("home") and int(client.session[SESSION_KEY]) == alice.pk

    assert client.get(reverse("logout")).status_code == 405
    signed_out = client.post(reverse("logout"))
    assert signed_out["Location"] == reverse("login") and SESSION_KEY not in client.session


@pytest.mark.parametrize("url", ["signup", "login"])
def test_posts_without_the_csrf_token_are_refused(db, url):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse(url), {**NEW, "username": NEW["email"], "password": NEW["password1"]})

    assert response.status_code == 403
    assert not User.objects.exists()
