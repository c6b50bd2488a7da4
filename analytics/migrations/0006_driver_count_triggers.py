"""On PostgreSQL, the triggers that keep the churn drivers' counts (analytics.DriverCount) and
each account's KPI attainment (analytics.AccountKpi), and both filled from the data as it
stands. A migration of its own: the unique constraint the upserts name exists only once 0005
has finished.

An account's contribution is one row per attribute (its own attributes, its KPI attainment, the
latest value of each signal) under its team and CSM, counted as churned or not; archived
accounts contribute nothing. Each write takes away the contribution of the accounts it touched
as they were, and adds it back as they are:
- an account inserted, changed (in a column the drivers read) or deleted;
- an account's KPIs inserted, changed or deleted (its attainment found again);
- a latest reading inserted, changed or deleted (kept by 0004's triggers, on every reading).

Frozen SQL: the triggers must give the same counts whatever the application code becomes.
Elsewhere (SQLite) the tables stay empty and the churn drivers read the accounts.
"""

from django.db import migrations

ACCOUNTS = "accounts_account"
KPIS = "accounts_outcomekpi"
LATEST = "analytics_latestsignal"
COUNTS = "analytics_drivercount"
ATTAINMENT = "analytics_accountkpi"

# The columns the drivers read: a change of any other (a score, a renewal date) costs nothing.
READ = (
    "team_id",
    "owner_id",
    "status",
    "archived_at",
    "signing_discount_pct",
    "cash_runway_months",
    "contract_start",
    "industry",
    "country",
    "phase",
    "segment",
    "funding_stage",
)


def _read(row: str) -> str:
    return ", ".join(f"{row}.{column}" for column in READ)


def _add(counts: str, sign: int) -> str:
    """Add `sign` times `counts` (rows of the counts' columns, one per key) to the counts."""
    return f"""
    INSERT INTO {COUNTS} AS r (team_id, owner_id, attribute, number, label, accounts, churned)
    SELECT team_id, owner_id, attribute, number, label, {sign} * accounts, {sign} * churned
    FROM ({counts}) c
    ON CONFLICT ON CONSTRAINT drivercount_key DO UPDATE
    SET accounts = r.accounts + EXCLUDED.accounts, churned = r.churned + EXCLUDED.churned;
    """


CHURNED = "COUNT(*) FILTER (WHERE a.status = 'churned')"
# The account's own attributes: (name, column, numeric or not).
OWN = (
    ("discount", "signing_discount_pct", True),
    ("runway", "cash_runway_months", True),
    ("tenure", "start_year", True),
    ("industry", "industry", False),
    ("country", "country", False),
    ("phase", "phase", False),
    ("segment", "segment", False),
    ("funding", "funding_stage", False),
)


def _own(accounts: str) -> str:
    """The counts of the accounts' own attributes; `accounts` has the columns of the table.
    One hash aggregate per attribute over one scan (grouping sets): half the time of a row per
    account and attribute grouped once."""

    def which(numeric: bool | None, default: str) -> str:
        cases = " ".join(
            f"WHEN GROUPING({column}) = 0 THEN "
            + (f"'{name}'" if numeric is None else f"{column}::{'numeric' if numeric else 'text'}")
            for name, column, is_numeric in OWN
            if numeric is None or is_numeric == numeric
        )
        return f"CASE {cases} ELSE {default} END"

    sets = ", ".join(f"(team_id, owner_id, {column})" for _name, column, _numeric in OWN)
    return f"""
    SELECT team_id, owner_id, {which(None, "NULL")} AS attribute,
        {which(True, "NULL")} AS number, {which(False, "''")} AS label,
        COUNT(*) AS accounts, {CHURNED} AS churned
    FROM (SELECT *, EXTRACT(YEAR FROM contract_start)::numeric AS start_year FROM {accounts} s
        WHERE archived_at IS NULL) a
    GROUP BY GROUPING SETS ({sets})
    """


def _kpi(accounts: str) -> str:
    return f"""
    SELECT a.team_id, a.owner_id, 'kpi' AS attribute, k.attainment::numeric AS number,
        '' AS label, COUNT(*) AS accounts, {CHURNED} AS churned
    FROM {accounts} a JOIN {ATTAINMENT} k ON k.account_id = a.id
    WHERE a.archived_at IS NULL
    GROUP BY 1, 2, 4
    """


def _signals(accounts: str, latest: str = LATEST) -> str:
    return f"""
    SELECT a.team_id, a.owner_id, 'signal:' || s.name AS attribute, s.value AS number,
        CASE WHEN s.value IS NULL THEN s.category ELSE '' END AS label,
        COUNT(*) AS accounts, {CHURNED} AS churned
    FROM {accounts} a JOIN {latest} s ON s.account_id = a.id
    WHERE a.archived_at IS NULL
    GROUP BY 1, 2, 3, 4, 5
    """


def _whole(accounts: str) -> str:
    """Everything the accounts contribute."""
    return f"{_own(accounts)} UNION ALL {_kpi(accounts)} UNION ALL {_signals(accounts)}"


# An account's average KPI attainment, as the risk model reads it: percent of target,
# lower-is-better KPIs inverted, each capped at 150 % so one runaway KPI cannot hide the others.
ATTAINMENT_OF = """
    FLOOR(AVG(GREATEST(0.0, LEAST(150.0, CASE
        WHEN target <= 0 THEN CASE WHEN (higher_is_better AND actual >= target)
            OR (NOT higher_is_better AND actual <= target) THEN 100.0 ELSE 0.0 END
        WHEN higher_is_better THEN 100.0 * actual::float8 / target::float8
        WHEN actual <= 0 THEN 150.0
        ELSE 100.0 * target::float8 / actual::float8
    END))))::int
"""


def _lock(ids: str, what: str = "") -> str:
    """Share-lock the accounts `ids`: a concurrent change of their team, CSM or status waits for
    this transaction, and the counts then read the committed account. With `what` (rows that
    are written, not taken away), a row of an account that is not there yet (the foreign key is
    checked at commit) is refused at once: a new account counts its own attributes only, so it
    would be left out of the counts (every writer creates the account first)."""
    refuse = (
        f"""
    IF EXISTS (SELECT 1 FROM ({ids}) k(account_id) WHERE NOT EXISTS
        (SELECT 1 FROM {ACCOUNTS} a WHERE a.id = k.account_id)) THEN
        RAISE EXCEPTION '{what} of an account that does not exist';
    END IF;
    """
        if what
        else ""
    )
    return f"PERFORM 1 FROM {ACCOUNTS} WHERE id IN ({ids}) FOR SHARE; {refuse}"


def _kpis_changed(ids: str, refuse: str = "KPI") -> str:
    """Find again the attainment of the accounts `ids`, moving their KPI rows in the counts."""
    touched = f"(SELECT * FROM {ACCOUNTS} WHERE id IN ({ids}))"
    return f"""
    {_lock(ids, refuse)}
    {_add(_kpi(touched), -1)}
    DELETE FROM {ATTAINMENT} WHERE account_id IN ({ids});
    INSERT INTO {ATTAINMENT} (account_id, attainment)
    SELECT account_id, {ATTAINMENT_OF} FROM {KPIS} WHERE account_id IN ({ids})
    GROUP BY account_id;
    {_add(_kpi(touched), 1)}
    """


def _readings_moved(rows: str, sign: int) -> str:
    """Take away (-1) or add (1) the latest readings `rows` under their accounts."""
    return _add(_signals(ACCOUNTS, rows), sign)


# An account changed in a column the drivers read (row by row: the WHEN clause lets the
# nightly rescoring, which changes none of them, through without calling anything).
ACCOUNT_CHANGED = (
    f"CREATE TRIGGER analytics_drivers_account_update"
    f" AFTER UPDATE OF {', '.join(READ)} ON {ACCOUNTS}"
    f" FOR EACH ROW WHEN (({_read('OLD')}) IS DISTINCT FROM ({_read('NEW')}))"
    " EXECUTE FUNCTION analytics_drivers_account_changed();"
)


REBUILD = f"""
    DELETE FROM {COUNTS};
    DELETE FROM {ATTAINMENT};
    INSERT INTO {ATTAINMENT} (account_id, attainment)
    SELECT account_id, {ATTAINMENT_OF} FROM {KPIS} GROUP BY account_id;
    {_add(_whole(ACCOUNTS), 1)}
"""


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body} RETURN NULL; END $$;"
    )


def _trigger(name: str, table: str, event: str, function: str) -> str:
    transition = {
        "INSERT": " REFERENCING NEW TABLE AS new_rows",
        "DELETE": " REFERENCING OLD TABLE AS old_rows",
        "UPDATE": " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "TRUNCATE": "",
    }[event]
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table}{transition}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


KPI_IDS = "SELECT account_id FROM old_rows UNION SELECT account_id FROM new_rows"
TRIGGERS = [
    ("analytics_drivers_account_insert", ACCOUNTS, "INSERT", "analytics_drivers_accounts_added"),
    ("analytics_drivers_account_delete", ACCOUNTS, "DELETE", "analytics_drivers_accounts_removed"),
    ("analytics_drivers_kpi_insert", KPIS, "INSERT", "analytics_drivers_kpis_added"),
    ("analytics_drivers_kpi_update", KPIS, "UPDATE", "analytics_drivers_kpis_changed"),
    ("analytics_drivers_kpi_delete", KPIS, "DELETE", "analytics_drivers_kpis_removed"),
    ("analytics_drivers_latest_insert", LATEST, "INSERT", "analytics_drivers_readings_added"),
    ("analytics_drivers_latest_update", LATEST, "UPDATE", "analytics_drivers_readings_changed"),
    ("analytics_drivers_latest_delete", LATEST, "DELETE", "analytics_drivers_readings_removed"),
    *(
        (f"analytics_drivers_{table}_truncate", table, "TRUNCATE", "analytics_drivers_rebuilt")
        for table in (ACCOUNTS, KPIS, LATEST)
    ),
]
FUNCTIONS = {
    # A new account has no KPI and no reading yet (those of a missing account are refused): its
    # own attributes only, without reading the KPI and signal tables for each inserted chunk.
    "analytics_drivers_accounts_added": _add(_own("new_rows"), 1),
    # From what the account was to what it is, with its KPI and signal rows.
    "analytics_drivers_account_changed": (
        _add(_whole("(SELECT OLD.*)"), -1) + _add(_whole("(SELECT NEW.*)"), 1)
    ),
    "analytics_drivers_accounts_removed": _add(_whole("old_rows"), -1),
    "analytics_drivers_kpis_added": _kpis_changed("SELECT account_id FROM new_rows"),
    "analytics_drivers_kpis_changed": _kpis_changed(KPI_IDS),
    "analytics_drivers_kpis_removed": _kpis_changed("SELECT account_id FROM old_rows", ""),
    "analytics_drivers_readings_added": (
        _lock("SELECT account_id FROM new_rows", "Signal reading") + _readings_moved("new_rows", 1)
    ),
    "analytics_drivers_readings_changed": (
        _lock("SELECT account_id FROM new_rows", "Signal reading")
        + _readings_moved("old_rows", -1)
        + _readings_moved("new_rows", 1)
    ),
    "analytics_drivers_readings_removed": (
        _lock("SELECT account_id FROM old_rows") + _readings_moved("old_rows", -1)
    ),
    # DELETE, not TRUNCATE: the counts may be in the same TRUNCATE statement (a test database's
    # flush), which a nested TRUNCATE of them would make fail.
    "analytics_drivers_rebuilt": REBUILD,
}
INSTALL = [
    *(_function(name, body) for name, body in FUNCTIONS.items()),
    *(_trigger(*trigger) for trigger in TRIGGERS),
    ACCOUNT_CHANGED,
]
UNINSTALL = [
    f"DROP TRIGGER IF EXISTS analytics_drivers_account_update ON {ACCOUNTS};",
    *(f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table, _e, _f in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}();" for name in FUNCTIONS),
]


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in INSTALL:
        schema_editor.execute(statement)
    schema_editor.execute(f"DO $$ BEGIN {REBUILD} END $$;")


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_driver_counts")]

    operations = [migrations.RunPython(install, uninstall)]
