"""The risk model's life cycle: draft, edit, publish (which asks for a full rescoring)."""

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from risk import engine
from risk.models import ModelStatus, RescoreRun, RiskModel, RunTrigger
from teams.models import User


class ModelStateError(Exception):
    """The requested change does not fit the model's status (e.g. editing a published model)."""


@transaction.atomic
def create_draft(*, source: RiskModel, user: User | None, notes: str = "") -> RiskModel:
    """A new draft version copied from `source`; scores do not change until it is published."""
    # Lock the table's last version so two admins drafting at once get distinct numbers.
    last = RiskModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    return RiskModel.objects.create(
        version=last + 1,
        status=ModelStatus.DRAFT,
        config=source.config,
        notes=notes,
        created_by=user,
    )


@transaction.atomic
def update_draft(*, model: RiskModel, config: dict[str, object], notes: str | None = None) -> None:
    """Replace a draft's configuration after checking the engine accepts it."""
    locked = RiskModel.objects.select_for_update().get(pk=model.pk)
    if locked.status != ModelStatus.DRAFT:
        raise ModelStateError("Only a draft can be edited; copy the published model into a draft.")
    engine.ModelConfig.from_dict(config)  # raises ModelConfigError with a clear message
    model.config = config
    fields = ["config"]
    if notes is not None:
        model.notes = notes
        fields.append("notes")
    model.save(update_fields=fields)


# Any constant works: it only has to be the same for every process that publishes.
PUBLISH_LOCK_KEY = 4_242_001


def _serialise_publishing() -> None:
    """One publication at a time: without it two drafts published at once would both retire the
    old model and the second would break the one-published constraint (a 500). The lock is
    released at the end of the transaction. SQLite already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])


@transaction.atomic
def publish_model(*, model: RiskModel, user: User | None) -> RescoreRun:
    """Make a draft the active model, retire the previous one, and start a full rescoring.

    Returns the RescoreRun that will bring every score to the new version (it runs after the
    commit, through Celery, so old scores keep their version until rescored).
    """
    from risk.services.runs import start_rescore_run

    _serialise_publishing()
    locked = RiskModel.objects.select_for_update().get(pk=model.pk)
    if locked.status != ModelStatus.DRAFT:
        raise ModelStateError("This version is not a draft: it cannot be published again.")
    engine.ModelConfig.from_dict(locked.config)
    RiskModel.objects.filter(status=ModelStatus.PUBLISHED).update(status=ModelStatus.RETIRED)
    model.status = ModelStatus.PUBLISHED
    model.published_at = timezone.now()
    model.published_by = user
    model.save(update_fields=["status", "published_at", "published_by"])
    return start_rescore_run(trigger=RunTrigger.PUBLISH, user=user)
