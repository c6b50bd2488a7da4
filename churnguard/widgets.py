from collections.abc import Iterable
from typing import Any

from django import forms
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "components/select.jinja"


class FastSelect(forms.Select):
    """A <select> whose options come from one Jinja2 loop.

    Django renders each <option> through its own template include; with ~250 countries that
    alone was half the cost of the triage page. Same markup from one autoescaped Jinja2 template.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        template = engines["jinja2"].env.get_template(SELECT_TEMPLATE)  # type: ignore[attr-defined]
        html: str = template.render(
            name=name,
            attrs={k: v for k, v in self.build_attrs(self.attrs, attrs).items() if v is not False},
            options=self._options(self.choices, "" if value is None else str(value)),
        )
        return mark_safe(html)  # Jinja2 escaped every value

    @staticmethod
    def _options(
        choices: Iterable[tuple[Any, Any]], selected: str
    ) -> Iterable[tuple[str, str, bool]]:
        for code, label in choices:
            yield str(code), str(label), str(code) == selected


class SuggestInput(forms.TextInput):
    """A text input with a list of suggested values: any text is accepted."""

    template_name = "accounts/widgets/suggest_input.html"

    def __init__(self, suggestions: Iterable[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suggestions = suggestions

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        list_id = f"{name}-suggestions"
        context = super().get_context(name, value, {**(attrs or {}), "list": list_id})
        context["widget"]["list_id"] = list_id
        context["widget"]["suggestions"] = list(self.suggestions)
        return context
