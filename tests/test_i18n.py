import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_triage_page_in_french_from_the_browser_language(csm_client, account):
    response = csm_client.get(reverse("accounts:list"), headers={"Accept-Language": "fr"})
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Comptes qui demandent de l’attention" in content
    assert "Voyage" in content  # the industry label, translated


def test_account_page_in_french_with_country_names(csm_client, account):
    account.country = "DE"
    account.save(update_fields=["country"])
    url = reverse("accounts:detail", args=[account.pk])
    content = csm_client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).content.decode()
    assert "Allemagne" in content
    assert "Parties prenantes" in content


def test_language_switch_sets_french(csm_client):
    response = csm_client.post(reverse("set_language"), {"language": "fr", "next": "/accounts/"})
    assert response.status_code == 302
    content = csm_client.get(reverse("accounts:list")).content.decode()
    assert '<html lang="fr">' in content


def _po_entries(text: str) -> list[dict[str, str]]:
    """msgid/msgstr pairs of a .po file (continuation lines joined, plural forms kept apart)."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if line.startswith("#,"):
            current.setdefault("flags", line)
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr")):
            key, _, value = line.partition(" ")
            if key == "msgid" and "msgid" in current:
                entries.append(current)
                current = {}
            current[key] = value.strip().strip('"')
        elif line.startswith('"') and key:
            current[key] += line.strip().strip('"')
    if current:
        entries.append(current)
    return [e for e in entries if e.get("msgid")]


def test_every_message_has_a_french_translation():
    """The French catalogue is complete: no empty or fuzzy entry."""
    from pathlib import Path

    po = (Path(__file__).parent.parent / "locale/fr/LC_MESSAGES/django.po").read_text()
    entries = _po_entries(po)
    assert len(entries) > 100
    missing = [
        e["msgid"] for e in entries if not any(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert missing == []
    assert fuzzy == []
