"""On PostgreSQL, the triggers that keep each account's latest reading of each signal
(analytics.LatestSignal), and the table filled from the readings as they stand. A migration of
its own: the unique constraint the upsert names exists only once 0003 has finished.

Frozen SQL: the triggers must give the same rows whatever the application code becomes.
Elsewhere (SQLite) the table stays empty and the churn drivers find the latest readings
themselves.
"""

from django.db import migrations

READINGS = "accounts_signalreading"
LATEST = "analytics_latestsignal"


def _newest(source: str) -> str:
    """Upsert the newest reading of each (account, signal) of `source`, unless a newer one is
    already there."""
    return f"""
    INSERT INTO {LATEST} AS l (account_id, name, value, category, as_of)
    SELECT DISTINCT ON (account_id, name) account_id, name, value, category, as_of
    FROM {source} ORDER BY account_id, name, as_of DESC
    ON CONFLICT ON CONSTRAINT latestsignal_key DO UPDATE
    SET value = EXCLUDED.value, category = EXCLUDED.category, as_of = EXCLUDED.as_of
    WHERE l.as_of <= EXCLUDED.as_of;
    """


def _recompute(keys: str) -> str:
    """Find again the latest reading of each (account, signal) in `keys` (after a reading was
    changed or deleted, the latest may be an older one, or none)."""
    return f"""
    DELETE FROM {LATEST} l USING ({keys}) k
    WHERE l.account_id = k.account_id AND l.name = k.name;
    INSERT INTO {LATEST} (account_id, name, value, category, as_of)
    SELECT DISTINCT ON (r.account_id, r.name) r.account_id, r.name, r.value, r.category, r.as_of
    FROM {READINGS} r JOIN ({keys}) k ON k.account_id = r.account_id AND k.name = r.name
    ORDER BY r.account_id, r.name, r.as_of DESC;
    """


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body} RETURN NULL; END $$;"
    )


OLD_KEYS = "SELECT DISTINCT account_id, name FROM old_rows"
BOTH_KEYS = "SELECT account_id, name FROM old_rows UNION SELECT account_id, name FROM new_rows"
INSTALL = [
    _function("analytics_latest_inserted", _newest("new_rows")),
    _function("analytics_latest_deleted", _recompute(OLD_KEYS)),
    _function("analytics_latest_updated", _recompute(BOTH_KEYS)),
    # DELETE, not TRUNCATE: the table may be in the same TRUNCATE statement (a test database's
    # flush), which a nested TRUNCATE of it would make fail.
    _function("analytics_latest_truncated", f"DELETE FROM {LATEST};"),
    f"CREATE TRIGGER analytics_latest_insert AFTER INSERT ON {READINGS}"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_latest_inserted();",
    f"CREATE TRIGGER analytics_latest_delete AFTER DELETE ON {READINGS}"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_latest_deleted();",
    f"CREATE TRIGGER analytics_latest_update AFTER UPDATE ON {READINGS}"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT"
    " EXECUTE FUNCTION analytics_latest_updated();",
    f"CREATE TRIGGER analytics_latest_truncate AFTER TRUNCATE ON {READINGS}"
    " FOR EACH STATEMENT EXECUTE FUNCTION analytics_latest_truncated();",
]
BACKFILL = "DO $$ BEGIN " + _newest(READINGS) + " END $$;"
UNINSTALL = [
    *(
        f"DROP TRIGGER IF EXISTS analytics_latest_{event} ON {READINGS};"
        for event in ("insert", "delete", "update", "truncate")
    ),
    *(
        f"DROP FUNCTION IF EXISTS analytics_latest_{name}();"
        for name in ("inserted", "deleted", "updated", "truncated")
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
    dependencies = [("analytics", "0003_latest_signals")]

    operations = [migrations.RunPython(install, uninstall)]
