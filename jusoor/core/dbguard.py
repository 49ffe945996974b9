"""Database triggers that make the audit log append-only, whatever code talks to the database."""

from __future__ import annotations

from typing import Any

from jusoor.core.chain import SEALED_FIELDS

# The columns an event is made of. Only its seal (previous_hash, hash, sealed_seq) may be
# written later, and only once: while ``hash`` is still empty.
CONTENT_COLUMNS = ["id", "created_at", *SEALED_FIELDS]
SEAL_COLUMNS = ["previous_hash", "hash", "sealed_seq"]

_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    f"""CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       WHEN OLD.hash <> '' OR {_SQLITE_CHANGED}
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
_POSTGRES_SEAL_ONLY = " - ".join(["to_jsonb({row})", *(f"'{c}'" for c in SEAL_COLUMNS)])
# TRUNCATE fires no row trigger, so test flushes still work on PostgreSQL.
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.hash = ''
            AND {_POSTGRES_SEAL_ONLY.format(row="NEW")} = {_POSTGRES_SEAL_ONLY.format(row="OLD")}
         THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]


def _run(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def install_audit_guard(connection: Any) -> None:
    _run(connection, {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL})


def remove_audit_guard(connection: Any) -> None:
    _run(connection, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})
