"""Roll-ups of the MRR ledger, kept by the database in the transaction of every write.

The MRR series and the cohort table read these few thousand rows instead of every movement
(240,000 at 100,000 accounts: 130-250 ms a query, docs/performance.md). PostgreSQL triggers
(migration 0001) keep them exact in the same transaction as the write: a movement inserted,
changed or deleted (by the ledger, an import's COPY, the admin), and an account whose team, CSM
or contract start changes (its movements move to the new key). Keyed by the account's *current*
team and CSM, like the analytics filters, so a page filtered by team or CSM (or not at all) is
answered from them; a filter on another account field, or another database, reads the ledger.
Never written by Python. A key whose accounts all moved away keeps a row of zero movements:
readers skip those.
"""

from django.db import models


class LedgerMonth(models.Model):
    """The movements of one kind in one month, of the accounts of one team and CSM."""

    team_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True)
    month = models.DateField()  # the first day
    kind = models.CharField(max_length=12)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    movements = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team_id", "owner_id", "month", "kind"],
                name="ledgermonth_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.amount}"


class CohortMonth(models.Model):
    """The net movements in one month of the accounts of one team and CSM whose contract
    started in one month (the cohort): their sum, how many, and how many were "new"."""

    team_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True)
    cohort = models.DateField()  # the first day of the contract start's month
    month = models.DateField()  # the first day of the movement's month
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    movements = models.IntegerField()
    started = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team_id", "owner_id", "cohort", "month"],
                name="cohortmonth_key",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index("cohort", name="cohortmonth_cohort_idx")]

    def __str__(self) -> str:
        return f"{self.cohort:%Y-%m} in {self.month:%Y-%m}: {self.amount}"


class LatestSignal(models.Model):
    """Each account's latest reading of each named signal (accounts.SignalReading), kept by
    PostgreSQL triggers (migration 0004) in the transaction of every reading inserted, changed
    or deleted: the churn drivers read ~160,000 latest readings instead of finding them among
    every reading (600,000 at 100,000 accounts). Never written by Python."""

    account_id = models.BigIntegerField()
    name = models.CharField(max_length=50)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    category = models.CharField(max_length=120)
    as_of = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "name"], name="latestsignal_key")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.category if self.value is None else self.value}"


class DriverCount(models.Model):
    """How many accounts of one team and CSM have one value of one churn-driver attribute, and
    how many of them churned: the account's own attributes (the discount at signing, the cash
    runway, the contract start's year, industry, country, phase, segment, funding stage), its
    KPI attainment in whole percents (`AccountKpi`) and the latest value of each named signal
    (`LatestSignal`). Archived accounts are left out, as on every page.

    Kept by PostgreSQL triggers (migration 0006) in the transaction of every write of an
    account, a KPI or a latest reading: the churn drivers read these few thousand rows instead of
    grouping 100,000 accounts nine ways (~0.6 s, docs/performance.md), and bucket the values in
    Python (`analytics.driver_buckets`), the same code as when they read the accounts themselves
    (another filter, another database). Raw values, not buckets, so the buckets' bounds stay in
    one place. Never written by Python; a key whose accounts all left keeps a row of zero."""

    team_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True)
    attribute = models.CharField(max_length=64)
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    label = models.CharField(max_length=200)
    accounts = models.IntegerField()
    churned = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team_id", "owner_id", "attribute", "number", "label"],
                name="drivercount_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute}={self.label or self.number}: {self.churned}/{self.accounts}"


class AccountKpi(models.Model):
    """Each account's average KPI attainment, in whole percents rounded down (the KPI bands'
    bounds are whole percents), kept by PostgreSQL triggers (migration 0006) for `DriverCount`.
    Accounts without KPIs have no row. Never written by Python."""

    account_id = models.BigIntegerField(primary_key=True)
    attainment = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.account_id}: {self.attainment} %"
