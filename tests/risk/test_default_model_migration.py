"""The default model's update: a fresh install starts from it; elsewhere it arrives as a draft."""

import importlib

import pytest
from django.apps import apps

from risk.default_model import DEFAULT_MODEL
from risk.models import ModelStatus, RiskModel
from risk.queries import _compiled, published_model
from risk.services.scores import rescore_account

pytestmark = pytest.mark.django_db

migration = importlib.import_module("risk.migrations.0011_default_model_mrr_trend")


def test_a_fresh_install_publishes_the_current_default_model():
    # A change to risk/default_model.py needs a data migration like 0011 to reach installs.
    assert published_model().config == DEFAULT_MODEL


@pytest.fixture
def compiled_models_forgotten():
    # The test edits a published model in place, which the app never does: the compiled model
    # cached for that version must not outlive the test.
    yield
    _compiled.cache_clear()


def test_once_scores_exist_the_update_arrives_as_a_draft_and_the_active_model_stays(
    account, compiled_models_forgotten
):
    active = published_model()
    RiskModel.objects.filter(pk=active.pk).update(config={"base_score": 25})
    rescore_account(account=account)

    migration.update_default_model(apps, None)

    active.refresh_from_db()
    assert active.status == ModelStatus.PUBLISHED and active.config == {"base_score": 25}
    draft = RiskModel.objects.get(status=ModelStatus.DRAFT)
    assert (draft.version, draft.config, draft.notes) == (
        active.version + 1,
        DEFAULT_MODEL,
        migration.NOTES,
    )
