"""The SQL of the append: the functions one round trip calls, and the checks around them.

append(...) takes a transaction-level advisory lock for its log, so appends commit one at
a time in the order they drew their positions (followers never pass a position that is
filled in later), without LOCK TABLE: an advisory lock conflicts with nothing the database
runs by itself (autovacuum, ANALYZE). It refuses a taken (stream, version) before the
sequence hands out a position, stores the batch's snapshots, inserts the events, and, last
thing before the commit, refuses to commit once the batch's deadline has passed by the
database's own clock.

probe(answer_by) takes the same lock and updates the log's one heartbeat row, so its
commit writes WAL and waits for the synchronous standby like an append's (a transaction
that writes nothing but its commit record does not wait): a heartbeat that proves this
process can commit now.
"""

from typing import Any

from psycopg.sql import SQL, Composed, Identifier, Literal

# SQLSTATE of a commit refused at its deadline (class LD: the ledger's own).
DEADLINE_SQLSTATE = "LD001"
# The key of the lock every DDL of the ledger takes (two servers starting at once).
DDL_KEY = 0x4C45444745520001
TAKE_DDL_LOCK = SQL("SELECT pg_advisory_xact_lock({})").format(Literal(DDL_KEY))

_ARRAYS = "%s::uuid[], %s::int8[], %s::text[], %s::bytea[]"
_ARGS = "ids uuid[], versions bigint[], topics text[], states bytea[]"
_SNAPSHOT_ARGS = "s_ids uuid[], s_versions bigint[], s_topics text[], s_states bytea[]"
_REFUSE_LATE = (
    "IF answer_by IS NOT NULL AND clock_timestamp() > to_timestamp(answer_by) THEN "
    "RAISE EXCEPTION 'the deadline passed before the commit' USING ERRCODE = '{code}'; "
    "END IF; "
)


class Statements:
    """The append and probe functions of one events table, and the calls of them."""

    def __init__(self, schema: str, table: str, snapshots: str, lock_timeout: int) -> None:
        self.names = {
            "schema": Identifier(schema),
            "table": Identifier(table),
            "snapshots": Identifier(snapshots),
            "append": Identifier(f"{table}_append"),
            "probe": Identifier(f"{table}_probe"),
            "heartbeat": Identifier(f"{table}_heartbeat"),
            "key": Literal(f"{schema}.{table}"),
        }
        self.lock_timeout = lock_timeout
        self.heartbeat = f"{table}_heartbeat"
        self.functions = [
            f"{schema}.{table}_append(uuid[],bigint[],text[],bytea[],uuid[],bigint[],text[],"
            "bytea[],double precision)",
            f"{schema}.{table}_probe(double precision)",
        ]
        self.append = SQL(
            "SELECT * FROM {schema}.{append}(" + _ARRAYS + ", " + _ARRAYS + ", %s::float8)"
        ).format(**self.names)
        self.probe = SQL("SELECT {schema}.{probe}(%s::float8)").format(**self.names)

    @property
    def _lock(self) -> str:
        return (
            f"SET LOCAL lock_timeout = '{self.lock_timeout}s'; "
            "PERFORM pg_advisory_xact_lock(hashtext({key})); "
        )

    @property
    def create(self) -> list[Composed]:
        """CREATE OR REPLACE statements of both functions (and the old append's wrapper)."""
        refuse_late = _REFUSE_LATE.format(code=DEADLINE_SQLSTATE)
        append = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{append}("
            + _ARGS + ", " + _SNAPSHOT_ARGS + ", answer_by float8) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $$ BEGIN " + self._lock +
            "IF EXISTS (SELECT 1 FROM {schema}.{table} e "
            "JOIN unnest(ids, versions) AS n(id, v) "
            "ON e.originator_id = n.id AND e.originator_version = n.v) THEN "
            "RAISE EXCEPTION 'a stream version is taken' USING ERRCODE = 'unique_violation'; "
            "END IF; "
            "INSERT INTO {schema}.{snapshots} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(s_ids, s_versions, s_topics, s_states) ON CONFLICT DO NOTHING; "
            "RETURN QUERY INSERT INTO {schema}.{table} "
            "(originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id; "
            + refuse_late + "END $$"
        ).format(**self.names)  # fmt: skip
        # A server of the previous version calls the eight-argument append: it takes the
        # same lock now, so both versions may serve one database during an upgrade.
        previous = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{append}(" + _ARGS + ", " + _SNAPSHOT_ARGS + ") "
            "RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT * FROM {schema}.{append}("
            "ids, versions, topics, states, s_ids, s_versions, s_topics, s_states, NULL) $$"
        ).format(**self.names)  # fmt: skip
        heartbeat = SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{heartbeat} "
            "(id int PRIMARY KEY, at timestamptz NOT NULL); "
            "INSERT INTO {schema}.{heartbeat} VALUES (1, now()) ON CONFLICT DO NOTHING"
        ).format(**self.names)
        probe = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{probe}(answer_by float8) RETURNS void "
            "LANGUAGE plpgsql AS $$ BEGIN " + self._lock + refuse_late +
            "UPDATE {schema}.{heartbeat} SET at = clock_timestamp() WHERE id = 1; END $$"
        ).format(**self.names)  # fmt: skip
        return [append, previous, heartbeat, probe]


def exists(cursor: Any, schema: str, relations: list[str], functions: list[str]) -> bool:
    """Whether every relation (table, index) and function signature exists."""
    names = [f"{schema}.{r}" for r in relations]
    cursor.execute(
        "SELECT bool_and(to_regclass(r) IS NOT NULL) AS r, "
        "(SELECT bool_and(to_regprocedure(f) IS NOT NULL) FROM unnest(%s::text[]) AS f) AS f "
        "FROM unnest(%s::text[]) AS r",
        (functions or ["pg_catalog.now()"], names),
    )
    row = cursor.fetchone()
    return bool(row["r"]) and bool(row["f"])
