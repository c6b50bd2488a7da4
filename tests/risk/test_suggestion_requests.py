"""Suggestion requests: each press of "Suggest a model" is recorded with its status; a failure is
kept as a code and its parameters and worded in the reader's language; the learning task learns
a request once and never leaves it learning after an error."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from risk.models import ModelStatus, RiskModel, SuggestionRequest, SuggestionStatus
from risk.services import suggestions
from risk.services.suggestions import (
    MIN_TRAIN_CASES,
    fail_abandoned_requests,
    request_suggestion,
    run_suggestion_request,
)
from risk.tasks import suggest_model_task
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
A_YEAR_AGO = TODAY - timedelta(days=364)


def queued(train_before=A_YEAR_AGO, **fields):
    return SuggestionRequest.objects.create(train_before=train_before, horizon_days=90, **fields)


def test_a_date_without_enough_history_is_recorded_as_failed_with_its_reason(admin_user):
    request = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
    request.refresh_from_db()
    assert request.status == SuggestionStatus.FAILED
    assert request.requested_by == admin_user and request.finished_at is not None
    assert request.draft is None
    assert request.failure_code == "too_few_cases"
    assert request.failure_params == {
        "date": A_YEAR_AGO.isoformat(),
        "cases": 0,
        "needed": MIN_TRAIN_CASES,
    }
    day = A_YEAR_AGO.day
    assert request.failure_text == (
        f"Not enough cases before {day} {A_YEAR_AGO:%b %Y}: 0 (at least 200 needed)."
    )
    with translation.override("fr"):
        french = request.failure_text
    assert french.startswith("Pas assez de cas avant le ")
    assert "au moins 200" in french
    assert RiskModel.objects.count() == 1


def test_the_task_records_the_history_reason_when_the_history_is_too_thin():
    request = queued()
    suggest_model_task(request.pk)
    request.refresh_from_db()
    assert request.status == SuggestionStatus.FAILED
    assert request.failure_code == "too_few_cases"
    assert request.started_at is not None and request.finished_at is not None


def test_an_unexpected_error_marks_the_request_failed_with_a_generic_code(monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("the learner fell over")

    monkeypatch.setattr(suggestions, "suggest_model", broken)
    request = queued()
    suggest_model_task(request.pk)
    request.refresh_from_db()
    assert request.status == SuggestionStatus.FAILED
    assert request.failure_code == "error" and request.failure_params == {}
    assert "unexpected error" in request.failure_text
    assert "the learner fell over" not in request.failure_text  # logged, not shown
    assert "the learner fell over" in caplog.text
    assert RiskModel.objects.count() == 1


def test_a_redelivered_message_does_not_learn_again(monkeypatch):
    calls = []
    monkeypatch.setattr(suggestions, "suggest_model", lambda **kwargs: calls.append(kwargs))
    for status in (SuggestionStatus.RUNNING, SuggestionStatus.DONE, SuggestionStatus.FAILED):
        SuggestionRequest.objects.all().delete()
        draft = RiskModel.objects.first() if status == SuggestionStatus.DONE else None
        request = queued(status=status, started_at=timezone.now(), draft=draft)
        assert run_suggestion_request(request_id=request.pk) is None
        request.refresh_from_db()
        assert request.status == status
    assert run_suggestion_request(request_id=10**9) is None  # an unknown id: nothing
    assert calls == []


def test_a_lost_request_reads_as_failed_and_is_marked_so_before_the_next(admin_user):
    two_hours_ago = timezone.now() - timedelta(hours=2)
    lost = queued(status=SuggestionStatus.RUNNING, started_at=two_hours_ago)
    waiting = queued(train_before=A_YEAR_AGO - timedelta(days=1), requested_at=two_hours_ago)
    fresh = queued(train_before=A_YEAR_AGO - timedelta(days=2))
    assert lost.shown_status == SuggestionStatus.FAILED
    assert "stopped before it finished" in lost.failure_text
    assert fresh.shown_status == SuggestionStatus.QUEUED and fresh.failure_text == ""
    assert fail_abandoned_requests() == 2
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == waiting.status == SuggestionStatus.FAILED
    assert lost.failure_code == "interrupted"
    # The same date can be asked again once the lost request is marked failed.
    again = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
    assert again.pk != lost.pk


def test_asking_twice_for_a_date_being_learned_returns_the_same_request(
    admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(suggestions, "split_cases", lambda **kwargs: ([], []))
    sent = []
    monkeypatch.setattr(suggest_model_task, "delay", lambda request_id: sent.append(request_id))
    with django_capture_on_commit_callbacks(execute=True):
        first = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
        second = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
    assert first.pk == second.pk and first.status == SuggestionStatus.QUEUED
    assert sent == [first.pk]


def test_a_request_the_broker_cannot_take_is_marked_failed(
    admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(suggestions, "split_cases", lambda **kwargs: ([], []))

    def unreachable(request_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(suggest_model_task, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        request = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
    request.refresh_from_db()
    assert request.status == SuggestionStatus.FAILED and request.failure_code == "error"


def test_the_model_list_shows_a_failed_request_and_its_reason(admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("risk:model-suggest"), {"train_before": A_YEAR_AGO.isoformat()}, follow=True
    )
    content = response.content.decode()
    assert "No suggestion can be learned from the history before" in content
    assert "Recent suggestion requests" in content
    assert 'class="tag suggestion-failed"' in content
    assert "Not enough cases before" in content
    assert SuggestionRequest.objects.get().status == SuggestionStatus.FAILED
    # In French, the stored code reads in French.
    client.cookies["django_language"] = "fr"
    response = client.get(reverse("risk:model-list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Pas assez de cas avant le" in response.content.decode()


def test_the_model_list_shows_queued_and_learning_requests(admin_user):
    queued()
    queued(
        train_before=A_YEAR_AGO - timedelta(days=1),
        status=SuggestionStatus.RUNNING,
        started_at=timezone.now(),
    )
    content = client_for(admin_user).get(reverse("risk:model-list")).content.decode()
    assert 'class="tag suggestion-queued">Queued<' in content
    assert 'class="tag suggestion-running">Learning<' in content


def test_an_admin_request_learns_once_and_links_its_draft(
    admin_user, django_capture_on_commit_callbacks
):
    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        "--accounts",
        "400",
        "--seed",
        "11",
        stdout=StringIO(),
    )
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("risk:model-suggest"), {"train_before": A_YEAR_AGO.isoformat()}
        )
    assert response.status_code == 302
    request = SuggestionRequest.objects.get()
    assert request.status == SuggestionStatus.DONE
    assert request.requested_by == admin_user and request.failure_code == ""
    draft = request.draft
    assert draft.status == ModelStatus.DRAFT and draft.created_by == admin_user
    assert draft.learning_report["train_before"] == A_YEAR_AGO.isoformat()
    # The message delivered again learns nothing more.
    suggest_model_task(request.pk)
    assert RiskModel.objects.filter(status=ModelStatus.DRAFT).count() == 1
    content = client.get(reverse("risk:model-list")).content.decode()
    assert 'class="tag suggestion-done">Done<' in content
    assert reverse("risk:model-review", args=[draft.pk]) in content
    assert f"Draft v{draft.version}" in content


def test_the_admin_shows_requests_read_only(admin_user):
    request = request_suggestion(train_before=A_YEAR_AGO, user=admin_user)
    client = client_for(admin_user)
    listing = client.get(reverse("admin:risk_suggestionrequest_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:risk_suggestionrequest_change", args=[request.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Not enough cases before" in content
    assert 'name="_save"' not in content  # nothing to save: read only
    assert client.get(reverse("admin:risk_suggestionrequest_add")).status_code == 403
    client.post(reverse("admin:risk_suggestionrequest_delete", args=[request.pk]))
    assert SuggestionRequest.objects.filter(pk=request.pk).exists()


def test_a_message_sent_before_requests_were_recorded_is_recorded_and_learned(admin_user):
    # Such a message carries (train_before, user_id) instead of a request id.
    suggest_model_task(A_YEAR_AGO.isoformat(), admin_user.pk)
    request = SuggestionRequest.objects.get()
    assert request.requested_by == admin_user and request.train_before == A_YEAR_AGO
    assert request.status == SuggestionStatus.FAILED and request.failure_code == "too_few_cases"
