"""The DuckDB schema and its migrations.

Each migration is a list of statements applied in one transaction; the number of
the last one applied is kept in `schema_version`. Add a migration, never edit one
that has shipped.
"""

from __future__ import annotations

import duckdb

from store import daily
from store.items import content_hash_sql

# Migration 6's new keys. The namespace where each kind's ids are unique, from an item `i` and its
# source `s`, as the collectors compute it: collectors.rss.feed_namespace (a digest of the source's
# name) and MastodonCollector.namespace (the instance's host name).
_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)"
_NAMESPACE = f"""CASE i.kind
    WHEN 'rss' THEN substr(md5(s.name), 1, 12)
    WHEN 'mastodon' THEN nullif(lower(trim(regexp_extract(json_extract_string(s.config, '$.base_url'), '{_HOST}', 1), '[]')), '')
END"""


def _namespaced(column: str) -> str:
    """SQL for a key column (of an item `r` was made from) moved into the item's namespace."""
    return (f"CASE WHEN {column} LIKE r.kind || ':%' "
            f"THEN r.kind || ':' || r.namespace || ':' || substr({column}, length(r.kind) + 2) ELSE {column} END")


MIGRATIONS: list[list[str]] = [
    # 1: the data model of DESIGN.md
    [
        """CREATE SEQUENCE IF NOT EXISTS source_ids START 1""",
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY DEFAULT nextval('source_ids'),
            kind VARCHAR NOT NULL,
            name VARCHAR NOT NULL UNIQUE,
            config JSON,
            cursor JSON,
            last_run_at TIMESTAMP,
            last_ok_at TIMESTAMP,
            last_error VARCHAR
        )""",
        """CREATE TABLE items (
            key VARCHAR PRIMARY KEY,
            source_id INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            native_id VARCHAR NOT NULL,
            item_type VARCHAR NOT NULL,
            thread_id VARCHAR,
            parent_id VARCHAR,
            author_id VARCHAR,
            author_name VARCHAR,
            created_at TIMESTAMP NOT NULL,
            collected_at TIMESTAMP NOT NULL,
            title VARCHAR,
            text VARCHAR NOT NULL,
            raw_text VARCHAR,
            url VARCHAR,
            lang VARCHAR,
            like_count INTEGER,
            reply_count INTEGER,
            is_council BOOLEAN NOT NULL DEFAULT false,
            deleted_at TIMESTAMP,
            content_hash VARCHAR NOT NULL
        )""",
        "CREATE INDEX items_thread ON items (thread_id)",
        "CREATE INDEX items_created ON items (created_at)",
        """CREATE TABLE scores (
            item_key VARCHAR PRIMARY KEY,
            model_version VARCHAR NOT NULL,
            compound DOUBLE NOT NULL,
            sentiment VARCHAR NOT NULL,
            constructive_prob DOUBLE,
            feedback_class VARCHAR NOT NULL,
            service_area VARCHAR,
            hostile BOOLEAN NOT NULL DEFAULT false,
            scored_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE threads (
            thread_key VARCHAR PRIMARY KEY,
            source_id INTEGER,
            flagged BOOLEAN NOT NULL DEFAULT false,
            flag_reasons VARCHAR,
            pileon_score DOUBLE,
            reply_count INTEGER NOT NULL DEFAULT 0,
            negative_count INTEGER NOT NULL DEFAULT 0,
            author_count INTEGER NOT NULL DEFAULT 0,
            first_reply_at TIMESTAMP,
            last_reply_at TIMESTAMP,
            flagged_at TIMESTAMP,
            status VARCHAR NOT NULL DEFAULT 'new',
            assignee VARCHAR,
            silenced BOOLEAN NOT NULL DEFAULT false,
            updated_at TIMESTAMP
        )""",
        """CREATE SEQUENCE IF NOT EXISTS action_ids START 1""",
        """CREATE TABLE actions (
            id BIGINT PRIMARY KEY DEFAULT nextval('action_ids'),
            acted_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            thread_key VARCHAR,
            item_key VARCHAR,
            value VARCHAR,
            note VARCHAR
        )""",
        """CREATE TABLE label_corrections (
            item_key VARCHAR NOT NULL,
            field VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            actor VARCHAR NOT NULL,
            corrected_at TIMESTAMP NOT NULL,
            PRIMARY KEY (item_key, field)
        )""",
        """CREATE SEQUENCE IF NOT EXISTS run_ids START 1""",
        """CREATE TABLE runs (
            id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
            source_id INTEGER NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            fetched INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            error_text VARCHAR
        )""",
        """CREATE TABLE settings (
            name VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
    ],
    # 2: alerts: every attempt to send one (jobs.alerts); a (alert_key, channel) with
    # an ok row is never sent again, a failed one is tried again on the next run
    [
        """CREATE SEQUENCE IF NOT EXISTS alert_ids START 1""",
        """CREATE TABLE alerts_sent (
            id BIGINT PRIMARY KEY DEFAULT nextval('alert_ids'),
            alert_key VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            channel VARCHAR NOT NULL,
            subject VARCHAR NOT NULL,
            attempted_at TIMESTAMP NOT NULL,
            ok BOOLEAN NOT NULL,
            error VARCHAR
        )""",
        "CREATE INDEX alerts_sent_key ON alerts_sent (alert_key, channel)",
    ],
    # 3: daily_counts, the per-day counts the Overview and Trends read (store/daily.py keeps
    # them exact on every write), filled from the items already stored
    [
        daily.CREATE_TABLE,
        daily.FILL,
    ],
    # 4: content_hash computed by DuckDB (store.items.content_hash_sql) instead of in Python:
    # the stored items rehashed the same way, so the next run sees them unchanged
    [
        f"UPDATE items SET content_hash = {content_hash_sql()}",
    ],
    # 5: upkeep: when the store last did a piece of housekeeping (store.db.merge_row_groups)
    [
        """CREATE TABLE IF NOT EXISTS upkeep (
            task VARCHAR PRIMARY KEY,
            done_at TIMESTAMP NOT NULL
        )""",
    ],
    # 6: the kinds whose ids are unique only within a feed (RSS guids) or an instance (Mastodon status
    # ids) keyed with that namespace (collectors.items.item_key): one source's items can no longer take
    # over another's. Every reference moves with them (a reply's thread and parent into its own source's
    # namespace), except in the audit log, which is never rewritten: `key_moves` records the old keys it
    # names and the view `actions_now` reads it with today's keys. An item two feeds had already merged
    # stays with the source that holds it, and RSS cursors forget their validators, so each feed is read
    # whole once more and gets back the entries another feed had taken.
    [
        f"""CREATE TEMP TABLE rekeyed AS
            SELECT key AS old_key, kind, namespace, kind || ':' || namespace || ':' || native_id AS new_key
            FROM (SELECT i.key, i.kind, i.native_id, {_NAMESPACE} AS namespace
                  FROM items i JOIN sources s ON s.id = i.source_id WHERE i.kind IN ('rss', 'mastodon'))
            WHERE namespace IS NOT NULL AND key <> kind || ':' || namespace || ':' || native_id""",
        f"""UPDATE items SET key = r.new_key, thread_id = {_namespaced('items.thread_id')},
                             parent_id = {_namespaced('items.parent_id')}
            FROM rekeyed r WHERE items.key = r.old_key""",
        f"UPDATE items SET content_hash = {content_hash_sql()} WHERE key IN (SELECT new_key FROM rekeyed)",
        "UPDATE scores SET item_key = r.new_key FROM rekeyed r WHERE scores.item_key = r.old_key",
        "UPDATE label_corrections SET item_key = r.new_key FROM rekeyed r WHERE label_corrections.item_key = r.old_key",
        "UPDATE threads SET thread_key = r.new_key FROM rekeyed r WHERE threads.thread_key = r.old_key",
        "CREATE TABLE IF NOT EXISTS key_moves (old_key VARCHAR PRIMARY KEY, new_key VARCHAR NOT NULL)",
        """INSERT OR IGNORE INTO key_moves SELECT old_key, new_key FROM rekeyed
           WHERE old_key IN (SELECT thread_key FROM actions UNION SELECT item_key FROM actions)""",
        """CREATE OR REPLACE VIEW actions_now AS
           SELECT a.* REPLACE (coalesce(t.new_key, a.thread_key) AS thread_key,
                               coalesce(i.new_key, a.item_key) AS item_key)
           FROM actions a LEFT JOIN key_moves t ON t.old_key = a.thread_key
                          LEFT JOIN key_moves i ON i.old_key = a.item_key""",
        """UPDATE alerts_sent SET alert_key = 'thread:' || r.new_key
           FROM rekeyed r WHERE alerts_sent.alert_key = 'thread:' || r.old_key""",
        """UPDATE sources SET cursor = json_merge_patch(coalesce(cursor, '{}'), '{"etag": null, "last_modified": null}')
           WHERE kind = 'rss'""",
        "DROP TABLE rekeyed",
    ],
    # 7: runs.too_old: items a run fetched but did not keep, posted before their source's retention
    # period (jobs.collect skips them before saving; the Sources page and the run's output say so)
    [
        "ALTER TABLE runs ADD COLUMN IF NOT EXISTS too_old INTEGER DEFAULT 0",
    ],
    # 8: daily_counts by London day (store.days), as the weekly export and the briefing count, instead of
    # by UTC day: in summer an item posted between midnight and 1 am BST moves to the day it was posted
    [
        "DELETE FROM daily_counts",
        daily.FILL,
    ],
]


SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The last migration applied; 0 for a new database. Works on read-only connections."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the database up to SCHEMA_VERSION; returns the version it is now at."""
    version = current_version(con)
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[number - 1]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?)", [number])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
