from django import forms
from django.contrib.auth.forms import AuthenticationForm

from teams.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]


USERNAME_MAX_LENGTH = 150  # User.username's


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a user name longer than any account's before it reaches
    authentication: the failed-login log (django-axes) stores at most 255 characters."""

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX_LENGTH:
            # The same words as a wrong password: the form tells nothing about accounts.
            raise self.get_invalid_login_error()
        return super().clean()
