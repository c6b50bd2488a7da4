"""Shipped lever names, parameter labels and plays read in the reader's language until edited."""

import pytest
from django.utils import translation

from playbooks.default_wording import in_reader_language
from playbooks.models import Lever, Play

pytestmark = pytest.mark.django_db


def test_a_shipped_lever_name_is_translated_and_an_edited_one_shown_as_written():
    lever = Lever.objects.get(kind="payment_holiday")
    with translation.override("fr"):
        assert lever.display_name == "Suspension de paiement"
        lever.name = "Pause de paiement (offre maison)"
        assert lever.display_name == "Pause de paiement (offre maison)"
    with translation.override("en"):
        assert Lever.objects.get(kind="payment_holiday").display_name == "Payment holiday"


def test_shipped_parameter_labels_and_plays_are_translated():
    with translation.override("fr"):
        assert [in_reader_language(label) for label in ("Months", "Day rate")] == [
            "Mois",
            "Tarif journalier",
        ]
        play = Play.objects.get(phase="deployment", order=10)
        assert play.display_title == "Lister les manques du déploiement"
        assert play.display_description.startswith("Chaque étape")
