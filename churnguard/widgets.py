from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A <select> rendered in Python.

    Django renders each <option> through the template engine; with ~250 countries that alone
    was half the cost of the triage page. Same markup, one string join.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        selected = "" if value is None else str(value)
        options = "".join(self._options(self.choices, selected))
        attr_html = "".join(
            format_html(' {}="{}"', key, val) for key, val in final.items() if val is not False
        )
        return mark_safe(f'<select name="{conditional_escape(name)}"{attr_html}>{options}</select>')

    @staticmethod
    def _options(choices: Iterable[tuple[Any, Any]], selected: str) -> Iterable[str]:
        for code, label in choices:
            mark = " selected" if str(code) == selected else ""
            value, text = conditional_escape(code), conditional_escape(label)
            yield f'<option value="{value}"{mark}>{text}</option>'


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
