"""The import screens and the exports, through the client."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.models import Account
from dataio.models import ColumnMapping, ImportJob, ImportStatus
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

CSV = (
    "External ID,Company name,Country,MRR,NPS\r\n"
    "V1,Valid One,France,100,12\r\n"
    "V2,Bad Country,Narnia,200,3\r\n"
    'V3,Valid Two,UK,"1,500",40\r\n'
)


def upload(client, content: bytes | str = CSV, name: str = "export.csv", **fields):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("dataio:upload"),
        {"file": SimpleUploadedFile(name, data), "kind": "accounts", **fields},
    )


def mapping_post(job: ImportJob, **overrides) -> dict[str, str]:
    data = {f"col_{i}": target for i, target in enumerate(job.targets)}
    return {**data, **overrides}


def test_a_csm_cannot_reach_the_import(csm_client):
    assert csm_client.get(reverse("dataio:upload")).status_code == 403


def test_upload_preview_dry_run_then_import_the_valid_rows(manager, team):
    client = client_for(manager)
    response = upload(client, default_team=team.pk)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("dataio:job", args=[job.pk]))
    assert b"Valid One" in page.content  # the preview
    assert job.targets == ["external_id", "name", "country", "mrr", "signal"]

    client.post(reverse("dataio:check", args=[job.pk]), mapping_post(job))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert (job.report["created"], job.report["rejected"]) == (2, 1)
    assert not Account.objects.exists()
    page = client.get(reverse("dataio:job", args=[job.pk]))
    assert "Unknown country “Narnia”" in page.content.decode()
    assert "Import the 2 valid rows" in page.content.decode()

    client.post(reverse("dataio:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert bytes(job.data) == b""  # the file is not kept
    assert set(Account.objects.values_list("external_id", flat=True)) == {"V1", "V3"}
    assert Account.objects.get(external_id="V3").mrr == Decimal("1500.00")


def test_import_nothing_drops_the_file_and_writes_nothing(manager, team):
    client = client_for(manager)
    upload(client, default_team=team.pk)
    job = ImportJob.objects.get()
    client.post(reverse("dataio:check", args=[job.pk]), mapping_post(job))
    client.post(reverse("dataio:cancel", args=[job.pk]))
    job.refresh_from_db()

    assert (job.status, bytes(job.data)) == (ImportStatus.CANCELLED, b"")
    assert client.post(reverse("dataio:run", args=[job.pk])).status_code == 302
    assert not Account.objects.exists()


def test_a_mapping_saved_by_name_is_reused_for_the_next_file(manager, team):
    client = client_for(manager)
    content = "Kundennummer,Firma,Umsatz\r\nK1,Alpha,100\r\n"
    upload(client, content, default_team=team.pk)
    job = ImportJob.objects.get()
    mapping = mapping_post(
        job, col_0="external_id", col_1="name", col_2="mrr", save_as="German CRM"
    )
    client.post(reverse("dataio:check", args=[job.pk]), mapping)
    assert ColumnMapping.objects.get(name="German CRM").columns == {
        "kundennummer": "external_id",
        "firma": "name",
        "umsatz": "mrr",
    }

    upload(client, content, default_team=team.pk, mapping="German CRM")
    second = ImportJob.objects.latest("pk")
    assert second.targets == ["external_id", "name", "mrr"]


def test_a_mapping_without_an_id_column_is_refused(manager, team):
    client = client_for(manager)
    upload(client, default_team=team.pk)
    job = ImportJob.objects.get()
    response = client.post(
        reverse("dataio:check", args=[job.pk]), mapping_post(job, col_0="ignore")
    )
    assert response.status_code == 400
    assert "One column must hold the external id." in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The submitted file is empty."), (b"\x00\x01\x02binary\x00", "This is not a CSV")],
)
def test_an_empty_or_binary_upload_is_refused_with_a_clear_message(manager, content, message):
    response = upload(client_for(manager), content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_another_managers_import_is_a_404(manager, team, other_team):
    from teams.models import Role
    from tests.factories import UserFactory

    upload(client_for(manager), default_team=team.pk)
    job = ImportJob.objects.get()
    other = UserFactory(role=Role.MANAGER, team=other_team)
    assert client_for(other).get(reverse("dataio:job", args=[job.pk])).status_code == 404


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_triage_export_follows_the_filters_and_the_users_scope(csm, team, other_team):
    AccountFactory(team=team, name="Ours travel", industry="travel")
    AccountFactory(team=team, name="Ours software", industry="software")
    AccountFactory(team=other_team, name="Theirs travel", industry="travel")
    response = client_for(csm).get(
        reverse("dataio:export", args=["triage", "csv"]), {"industry": "travel"}
    )
    rows = _csv_rows(response)

    assert response["Content-Disposition"].startswith("attachment;")
    assert rows[0][:2] == ["External ID", "Name"]
    assert [row[1] for row in rows[1:]] == ["Ours travel"]


def test_exported_cells_that_would_be_formulas_are_neutralised(csm, team):
    AccountFactory(team=team, name='=HYPERLINK("http://evil","click")', external_id="@SUM(1)")
    AccountFactory(team=team, name="-2+3", external_id="+33")
    client = client_for(csm)
    rows = _csv_rows(client.get(reverse("dataio:export", args=["triage", "csv"])))
    cells = {cell for row in rows[1:] for cell in row[:2]}
    assert cells == {'\'=HYPERLINK("http://evil","click")', "'@SUM(1)", "'-2+3", "'+33"}

    response = client.get(reverse("dataio:export", args=["triage", "xlsx"]))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert {row[1] for row in sheet[1:]} == {'\'=HYPERLINK("http://evil","click")', "'-2+3"}


def test_the_scores_export_carries_the_factor_breakdown(csm, team):
    from risk.services.scores import rescore_account

    account = AccountFactory(team=team, name="Scored", industry="travel")
    rescore_account(account=account)
    rows = _csv_rows(client_for(csm).get(reverse("dataio:export", args=["scores", "csv"])))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))

    assert record["Risk score"] == str(Account.objects.get(pk=account.pk).risk_score)
    assert record["Points: Industry"] == "18"  # travel, in the default model
    assert record["Points: Stakeholders"] == ""  # no data, no points
    assert "Travel industry: heavily exposed to the crisis, +18" in record["Reasons"]


def test_the_triage_list_links_to_the_exports_with_its_filters(csm_client, account):
    page = csm_client.get(reverse("accounts:list"), {"industry": "travel", "page": "1"})
    assert reverse("dataio:export", args=["triage", "xlsx"]) + "?industry=travel" in (
        page.content.decode()
    )


def test_a_large_file_is_checked_by_a_task_and_the_page_polls_its_progress(manager, team, settings):
    settings.DATAIO_INLINE_MAX_BYTES = 0  # every file goes to Celery (eager in tests)
    client = client_for(manager)
    upload(client, default_team=team.pk)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    polled = client.get(
        reverse("dataio:job", args=[job.pk]), {"poll": "1"}, headers={"HX-Request": "true"}
    )
    assert polled.content.decode().lstrip().startswith('<section id="job-status"')
    assert 'hx-trigger="every 1s"' in polled.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.UPLOADED)
    client.post(reverse("dataio:check", args=[job.pk]), mapping_post(job))
    job.refresh_from_db()
    assert (job.status, job.report["created"]) == (ImportStatus.CHECKED, 2)
    client.post(reverse("dataio:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Account.objects.count() == 2


def test_a_file_over_the_size_limit_is_refused(manager, settings):
    settings.DATAIO_MAX_UPLOAD_MB = 0
    response = upload(client_for(manager))
    assert response.status_code == 400
    assert "The file is larger than 0 MB." in response.content.decode()
    assert not ImportJob.objects.exists()
