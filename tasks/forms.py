from datetime import date, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from churnguard.validation import BoundedInputMixin
from tasks.models import Priority, TaskStatus
from tasks.queries import CLOSED
from teams.models import Team, User

# How far ahead a due date may be set: beyond a year it is a wish, not a task.
MAX_DAYS_AHEAD = 366


def _check_due_on(due_on: date) -> date:
    today = timezone.localdate()
    if due_on < today:
        raise forms.ValidationError(_("A due date cannot be in the past."))
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise forms.ValidationError(_("A due date must be within a year."))
    return due_on


class _OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.display_name


class TaskForm(BoundedInputMixin, forms.Form):
    """A task typed on the account page."""

    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority, initial=Priority.NORMAL)
    owner = _OwnerChoice(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args: object, owners: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean_due_on(self) -> date:
        return _check_due_on(self.cleaned_data["due_on"])


class RescheduleForm(BoundedInputMixin, forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DateInput())

    def clean_due_on(self) -> date:
        return _check_due_on(self.cleaned_data["due_on"])


class CloseForm(BoundedInputMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class TaskFilterForm(BoundedInputMixin, forms.Form):
    """The task list's query string; invalid values are reported and ignored, never a 500.

    `owner`: empty is the user's own tasks, "all" everyone's they may see, or a user's id.
    A CSM's form has no owner or team field: their list is their own tasks.
    """

    owner = forms.ChoiceField(label=_("Owner"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(TaskStatus.OPEN, TaskStatus.OPEN.label), (CLOSED, _("Done or cancelled"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args: object,
        owners: QuerySet[User] | None,
        teams: QuerySet[Team] | None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if owners is None or teams is None:
            del self.fields["owner"], self.fields["team"]
            return
        owner_field: forms.ChoiceField = self.fields["owner"]  # type: ignore[assignment]
        owner_field.choices = [
            ("", _("My tasks")),
            ("all", _("Everyone")),
            *((str(user.pk), user.display_name) for user in owners),
        ]
        team_field: forms.ChoiceField = self.fields["team"]  # type: ignore[assignment]
        team_field.choices = [("", _("All teams")), *((t.pk, t.name) for t in teams)]
