"""When Redis is down the web app keeps working; starting work that needs it says so clearly."""

import pytest
from django.urls import reverse

from churnguard.cache import TolerantRedisCache
from churnguard.celery import app
from risk.models import RescoreRun
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NOTHING_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "churnguard.cache.TolerantRedisCache",
            "LOCATION": NOTHING_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = NOTHING_LISTENS, False
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    TolerantRedisCache._down_until = 0.0


def test_pages_still_work_without_the_cache(redis_down, csm_client, account):
    import time

    started = time.monotonic()
    for _ in range(3):
        assert csm_client.get(reverse("accounts:list")).status_code == 200
    assert csm_client.get(reverse("accounts:detail", args=[account.pk])).status_code == 200
    # A dead cache is tried once, then skipped: pages do not wait on it every time.
    assert time.monotonic() - started < 5


def test_login_works_without_the_cache(redis_down, csm):
    from django.test import Client

    client = Client()
    response = client.post(
        reverse("login"), {"username": "owner", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:list")).status_code == 200


def test_rescore_now_answers_with_a_clear_message(redis_down, manager, account):
    response = client_for(manager).post(reverse("runs:start"), follow=True)
    assert response.status_code == 200
    assert "The task queue is unreachable" in response.content.decode()
    assert not RescoreRun.objects.exists()


def test_saving_an_account_still_rescores_it(redis_down, csm_client, account):
    from tests.accounts.test_account_page import edit_data

    url = reverse("accounts:edit", args=[account.pk])
    assert csm_client.post(url, edit_data(account, cash_runway_months="2")).status_code == 302
    account.refresh_from_db()
    assert account.risk_score is not None


def test_publishing_refuses_to_promise_a_rescoring_it_cannot_start(redis_down, admin_user, account):
    from risk.models import ModelStatus, RiskModel
    from risk.queries import published_model
    from risk.risk_models.services import create_draft

    before = published_model()
    draft = create_draft(source=before, user=admin_user)
    url = reverse("risk:model-publish", args=[draft.pk])
    response = client_for(admin_user).post(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The task queue is unreachable" in page
    assert "Nothing was changed" in page
    assert RiskModel.objects.get(pk=draft.pk).status == ModelStatus.DRAFT
    assert published_model().pk == before.pk
    assert not RescoreRun.objects.exists()


def test_readiness_is_503_when_the_broker_is_unreachable(redis_down):
    from django.test import Client

    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "broker: unreachable" in response.content.decode()
