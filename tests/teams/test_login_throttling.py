"""Password guessing: ten wrong passwords lock the login, and the page says for how long."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str):
    return client.post(reverse("login"), {"username": "owner", "password": password})


def test_ten_wrong_passwords_lock_the_login_and_say_for_how_long(csm, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    client = Client()
    for _ in range(9):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    # Even the right password is refused while the lock holds, from a fresh browser too.
    again = attempt(Client(), "correct horse battery")
    assert again.status_code == 429
    assert not again.wsgi_request.user.is_authenticated


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(csm):
    client = Client()
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, "correct horse battery").status_code == 302
    for _ in range(5):
        assert attempt(Client(), "wrong").status_code == 200


def test_the_lock_page_is_in_french_for_a_french_reader(csm):
    client = Client(headers={"accept-language": "fr"})
    for _ in range(10):
        response = attempt(client, "wrong")
    assert response.status_code == 429
    assert "Réessayez dans 15 minutes" in response.content.decode()


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_an_overlong_user_name_is_a_wrong_login_not_a_crash(length):
    # The failed-login log keeps 255 characters; PostgreSQL refused a longer one with a 500.
    response = Client().post("/login/", {"username": "x" * length, "password": "secret"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "match. Please try again." in response.content.decode()
