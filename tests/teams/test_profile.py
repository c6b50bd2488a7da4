"""A user chooses the language of their pages on their profile; blank follows the browser."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_user_who_chose_french_gets_french_pages_whatever_the_browser_says(csm_client, csm):
    response = csm_client.post(reverse("teams:profile"), {"language": "fr"})
    assert response.status_code == 302
    csm.refresh_from_db()
    assert csm.language == "fr"
    page = csm_client.get(reverse("accounts:list"), headers={"Accept-Language": "en"})
    assert '<html lang="fr"' in page.content.decode()


def test_a_blank_language_follows_the_browser(csm_client, csm):
    csm_client.post(reverse("teams:profile"), {"language": ""})
    page = csm_client.get(reverse("teams:profile"), headers={"Accept-Language": "fr"})
    assert "Votre profil" in page.content.decode()
    page = csm_client.get(reverse("teams:profile"), headers={"Accept-Language": "en"})
    assert "Your profile" in page.content.decode()


def test_an_unknown_language_is_refused_with_a_message(csm_client, csm):
    response = csm_client.post(reverse("teams:profile"), {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    csm.refresh_from_db()
    assert csm.language == ""
