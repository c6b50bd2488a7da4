"""Headers, error pages and probes that every page of the site shares."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy_with_debug_off(settings, csm, account):
    settings.DEBUG = False
    for response in (
        Client().get(reverse("login")),
        client_for(csm).get(reverse("accounts:detail", args=[account.pk])),
    ):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_page_template_has_inline_scripts_or_styles():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        if "style=" in text or "<style" in text or "<script>" in text or " on" + "click=" in text:
            offenders.append(str(path))
    assert offenders == []


def test_a_refused_account_is_a_plain_404_even_with_debug_on(settings, outsider, account):
    settings.DEBUG = True
    response = client_for(outsider).get(reverse("accounts:detail", args=[account.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "ChurnGuard" in page
    assert "URLconf" not in page and "accounts/&lt;int:pk&gt;" not in page


def test_an_unknown_url_gets_the_site_404_in_french(settings, csm):
    settings.DEBUG = True
    client = client_for(csm)
    response = client.get("/nothing-here/", headers={"accept-language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_wrong_role_gets_the_site_403(csm):
    response = client_for(csm).get(reverse("risk:model-list"))
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()


def test_server_error_page_uses_the_layout(rf, csm):
    from churnguard.views import server_error

    request = rf.get("/")
    request.user = csm
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_liveness_and_readiness_need_no_login():
    client = Client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert "database: ok" in ready.content.decode()


def test_readiness_is_503_when_the_database_is_unreachable(monkeypatch):
    from churnguard import views

    monkeypatch.setattr(views, "_database_reachable", lambda: False)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "database: unreachable" in response.content.decode()
