from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from churnguard.validation import BoundedInputMixin
from playbooks.catalogue import lever_spec
from playbooks.default_wording import in_reader_language
from playbooks.levers import LeverSpec
from playbooks.models import GIVE_BACK_LABELS, Lever, Outcome
from risk.forms import QueueFilterForm, QueueSelectionForm

PARAM_PREFIX = "param_"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


class ProposalForm(BoundedInputMixin, forms.Form):
    """A lever, its parameters, what we ask in return and why.

    The parameter fields are those of the selected lever (from the submitted data, else the
    `lever` given). Their limits are checked by the service with the core's `validate_params`,
    whose message the view puts on the field, so the rules live in one place.
    """

    lever = forms.ChoiceField(label=_("Lever"))
    give_back = forms.ChoiceField(label=_("Ask in return"), required=False)
    justification = forms.CharField(
        label=_("Why this lever, for this account, now"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        levers: Sequence[Lever],
        lever: Lever | None = None,
        params: Mapping[str, Decimal] | None = None,
    ) -> None:
        super().__init__(data)
        self.levers = {str(item.pk): item for item in levers}
        lever_field = cast(forms.ChoiceField, self.fields["lever"])
        lever_field.choices = [(key, item.display_name) for key, item in self.levers.items()]
        chosen = self.levers.get(str(data.get("lever"))) if data is not None else lever
        self.selected: Lever | None = chosen or lever or next(iter(self.levers.values()), None)
        self.spec: LeverSpec | None = None
        if self.selected is not None:
            self.initial["lever"] = str(self.selected.pk)
            try:
                self.spec = lever_spec(self.selected)
            except (ValueError, TypeError):
                self.spec = None
        give_backs = self.spec.give_backs if self.spec else ()
        cast(forms.ChoiceField, self.fields["give_back"]).choices = [
            ("", _("Nothing")),
            *((code, GIVE_BACK_LABELS[code]) for code in give_backs),
        ]
        if give_backs:
            self.initial["give_back"] = give_backs[0]
        suggested = (
            params if params is not None else (self.spec.default_params if self.spec else {})
        )
        for name, limit in (self.spec.param_limits if self.spec else {}).items():
            attrs = {"inputmode": "numeric" if limit.is_whole_number else "decimal"}
            self.fields[PARAM_PREFIX + name] = forms.CharField(
                label=in_reader_language(limit.label),
                required=False,
                max_length=20,
                help_text=_("From %(min)s to %(max)s")
                % {"min": _number(limit.min), "max": _number(limit.max)},
                widget=forms.TextInput(attrs=attrs),
                initial=_number(suggested[name]) if name in suggested else None,
            )

    def clean_lever(self) -> Lever:
        return self.levers[self.cleaned_data["lever"]]

    def params(self) -> dict[str, str | None]:
        """The raw parameters typed in; a blank one means "the lever's default"."""
        return {
            name.removeprefix(PARAM_PREFIX): (value or None)
            for name, value in self.cleaned_data.items()
            if name.startswith(PARAM_PREFIX)
        }

    def param_field(self, name: str) -> str | None:
        """The form field of a parameter named in a LeverParamError (None: not on the form)."""
        field = PARAM_PREFIX + name
        return field if field in self.fields else None

    @property
    def is_draft(self) -> bool:
        return self.data.get("action") == "draft"


class DecisionForm(BoundedInputMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you reject it: the CSM needs a reason."))
        return data


class CommentForm(BoundedInputMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class OutcomeForm(BoundedInputMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome at renewal"), choices=Outcome.choices)


class PlayCheckForm(BoundedInputMixin, forms.Form):
    done = forms.BooleanField(required=False)


class ApprovalFilterForm(QueueFilterForm):
    """The approval queue's filters: the expected-churn queue's, oldest proposal first."""

    default_sort = "age"


class BulkApprovalForm(QueueSelectionForm):
    """Several proposals, one decision, one comment (required both ways: it goes to each
    proposer)."""

    selection_messages = {
        "required": _("Select at least one proposal."),
        "invalid_choice": _("Select proposals from your own queue."),
        "invalid_pk_value": _("Select proposals from your own queue."),
    }
    too_many = _("Select at most %(count)s proposals at once.")
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        error_messages={"required": _("A reason is required: each proposer receives it.")},
    )
