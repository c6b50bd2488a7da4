"""On PostgreSQL, the triggers that keep the ledger roll-ups (analytics/models.py), and the
roll-ups filled from the ledger as it stands. A migration of its own: the roll-ups' unique
constraints, which the triggers' upserts name, exist only once 0001 has finished.

Frozen SQL: the triggers must give the same roll-ups whatever the application code becomes.
Elsewhere (SQLite) the tables stay empty and the pages read the ledger itself.
"""

from django.db import migrations

ACCOUNTS = "accounts_account"
MOVEMENTS = "accounts_mrrmovement"


def _apply(source: str, sign: int, *, lock: bool = True) -> str:
    """Add `sign` times the movements of `source` (rows of accounts_mrrmovement) to both
    roll-ups, under their accounts' current team, CSM and contract start."""
    # The accounts are share-locked first: a concurrent change of their team or CSM waits for
    # this transaction, and this statement's roll-up then reads the committed team and CSM.
    # A movement whose account is not there yet (the foreign key is checked at commit) would be
    # left out of the roll-ups: refused at once instead (every writer creates the account first).
    locked = (
        f"PERFORM 1 FROM {ACCOUNTS} WHERE id IN (SELECT account_id FROM {source}) FOR SHARE;"
        f" IF EXISTS (SELECT 1 FROM {source} m WHERE NOT EXISTS"
        f" (SELECT 1 FROM {ACCOUNTS} a WHERE a.id = m.account_id)) THEN"
        " RAISE EXCEPTION 'MRR movement of an account that does not exist';"
        " END IF;"
        if lock
        else ""
    )
    month = "date_trunc('month', m.\"on\"::timestamp)::date"
    return f"""
    {locked}
    INSERT INTO analytics_ledgermonth AS r (team_id, owner_id, month, kind, amount, movements)
    SELECT a.team_id, a.owner_id, {month}, m.kind, {sign} * SUM(m.amount), {sign} * COUNT(*)
    FROM {source} m JOIN {ACCOUNTS} a ON a.id = m.account_id
    GROUP BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT ledgermonth_key DO UPDATE
    SET amount = r.amount + EXCLUDED.amount, movements = r.movements + EXCLUDED.movements;
    INSERT INTO analytics_cohortmonth AS r
        (team_id, owner_id, cohort, month, amount, movements, started)
    SELECT a.team_id, a.owner_id, date_trunc('month', a.contract_start::timestamp)::date,
        {month}, {sign} * SUM(m.amount), {sign} * COUNT(*),
        {sign} * COUNT(*) FILTER (WHERE m.kind = 'new')
    FROM {source} m JOIN {ACCOUNTS} a ON a.id = m.account_id
    WHERE a.contract_start IS NOT NULL
    GROUP BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT cohortmonth_key DO UPDATE
    SET amount = r.amount + EXCLUDED.amount, movements = r.movements + EXCLUDED.movements,
        started = r.started + EXCLUDED.started;
    """


def _move(row: str, sign: int) -> str:
    """Add `sign` times the movements of one account to the roll-ups under the team, CSM and
    contract start of `row` (OLD or NEW in the account trigger)."""
    month = "date_trunc('month', m.\"on\"::timestamp)::date"
    return f"""
    INSERT INTO analytics_ledgermonth AS r (team_id, owner_id, month, kind, amount, movements)
    SELECT {row}.team_id, {row}.owner_id, {month}, m.kind, {sign} * SUM(m.amount),
        {sign} * COUNT(*)
    FROM {MOVEMENTS} m WHERE m.account_id = {row}.id
    GROUP BY 3, 4
    ON CONFLICT ON CONSTRAINT ledgermonth_key DO UPDATE
    SET amount = r.amount + EXCLUDED.amount, movements = r.movements + EXCLUDED.movements;
    IF {row}.contract_start IS NOT NULL THEN
        INSERT INTO analytics_cohortmonth AS r
        (team_id, owner_id, cohort, month, amount, movements, started)
        SELECT {row}.team_id, {row}.owner_id,
            date_trunc('month', {row}.contract_start::timestamp)::date, {month},
            {sign} * SUM(m.amount), {sign} * COUNT(*),
            {sign} * COUNT(*) FILTER (WHERE m.kind = 'new')
        FROM {MOVEMENTS} m WHERE m.account_id = {row}.id
        GROUP BY 4
        ON CONFLICT ON CONSTRAINT cohortmonth_key DO UPDATE
        SET amount = r.amount + EXCLUDED.amount, movements = r.movements + EXCLUDED.movements,
        started = r.started + EXCLUDED.started;
    END IF;
    """


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body} RETURN NULL; END $$;"
    )


INSTALL = [
    _function("analytics_rollup_inserted", _apply("new_rows", 1)),
    _function("analytics_rollup_deleted", _apply("old_rows", -1)),
    _function("analytics_rollup_updated", _apply("old_rows", -1) + _apply("new_rows", 1)),
    _function(
        "analytics_rollup_truncated",
        # DELETE, not TRUNCATE: the roll-ups may be in the same TRUNCATE statement (a test
        # database's flush), which a nested TRUNCATE of them would make fail.
        "DELETE FROM analytics_ledgermonth; DELETE FROM analytics_cohortmonth;",
    ),
    _function("analytics_rollup_account_moved", _move("OLD", -1) + _move("NEW", 1)),
    f"CREATE TRIGGER analytics_rollup_insert AFTER INSERT ON {MOVEMENTS}"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_rollup_inserted();",
    f"CREATE TRIGGER analytics_rollup_delete AFTER DELETE ON {MOVEMENTS}"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_rollup_deleted();",
    f"CREATE TRIGGER analytics_rollup_update AFTER UPDATE ON {MOVEMENTS}"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_rollup_updated();",
    f"CREATE TRIGGER analytics_rollup_truncate AFTER TRUNCATE ON {MOVEMENTS}"
    " FOR EACH STATEMENT EXECUTE FUNCTION analytics_rollup_truncated();",
    f"CREATE TRIGGER analytics_rollup_account AFTER UPDATE OF team_id, owner_id, contract_start"
    f" ON {ACCOUNTS} FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id"
    " OR OLD.owner_id IS DISTINCT FROM NEW.owner_id"
    " OR OLD.contract_start IS DISTINCT FROM NEW.contract_start)"
    " EXECUTE FUNCTION analytics_rollup_account_moved();",
]
BACKFILL = "DO $$ BEGIN " + _apply(MOVEMENTS, 1, lock=False) + " END $$;"
UNINSTALL = [
    f"DROP TRIGGER IF EXISTS analytics_rollup_account ON {ACCOUNTS};",
    *(
        f"DROP TRIGGER IF EXISTS analytics_rollup_{event} ON {MOVEMENTS};"
        for event in ("insert", "delete", "update", "truncate")
    ),
    *(
        f"DROP FUNCTION IF EXISTS analytics_rollup_{name}();"
        for name in ("inserted", "deleted", "updated", "truncated", "account_moved")
    ),
]


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [*INSTALL, BACKFILL]:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_ledger_rollups")]

    operations = [migrations.RunPython(install, uninstall)]
