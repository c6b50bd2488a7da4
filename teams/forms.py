from django import forms

from teams.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
