"""Give every existing account an opening MRR movement, so its MRR is the sum of its movements.

An active account opens with a "new" movement of its MRR on its contract start. A churned account
also gets its "churn" movement on its churn date, and its MRR becomes 0 (what it lost is the
churn movement). Historical models only.
"""

from django.db import migrations

BATCH = 2000


def open_ledgers(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    MrrMovement = apps.get_model("accounts", "MrrMovement")
    batch = []
    churned_ids = []
    accounts = (
        Account.objects.filter(mrr__gt=0, mrr_movements__isnull=True)
        .values_list("id", "mrr", "currency", "contract_start", "status", "churned_on")
        .order_by("id")
    )
    for pk, mrr, currency, start, status, churned_on in accounts.iterator(chunk_size=BATCH):
        batch.append(
            MrrMovement(
                account_id=pk,
                on=start,
                kind="new",
                amount=mrr,
                currency=currency,
                mrr_after=mrr,
                source="opening",
            )
        )
        if status == "churned":
            churned_ids.append(pk)
            batch.append(
                MrrMovement(
                    account_id=pk,
                    on=max(churned_on or start, start),
                    kind="churn",
                    amount=-mrr,
                    currency=currency,
                    mrr_after=0,
                    source="opening",
                )
            )
        if len(batch) >= BATCH:
            MrrMovement.objects.bulk_create(batch)
            batch.clear()
    if batch:
        MrrMovement.objects.bulk_create(batch)
    for start in range(0, len(churned_ids), BATCH):
        Account.objects.filter(pk__in=churned_ids[start : start + BATCH]).update(mrr=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_mrr_movements")]

    operations = [migrations.RunPython(open_ledgers, migrations.RunPython.noop)]
