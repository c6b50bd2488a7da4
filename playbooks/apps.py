from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    verbose_name = _("Playbooks")

    def ready(self) -> None:
        from accounts.signals import renewal_decided
        from playbooks.receivers import check_play_on_task_done, record_outcome_on_renewal
        from playbooks.task_titles import give_back_titles, play_titles
        from tasks.models import SourceKind
        from tasks.signals import task_completed
        from tasks.titles import register_title_source

        renewal_decided.connect(record_outcome_on_renewal, dispatch_uid="playbooks.renewal_outcome")
        task_completed.connect(check_play_on_task_done, dispatch_uid="playbooks.play_task_done")
        register_title_source(SourceKind.PLAY, play_titles)
        register_title_source(SourceKind.GIVE_BACK, give_back_titles)
