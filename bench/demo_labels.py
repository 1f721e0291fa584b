"""The labels a demo (or any) database holds, per source: what a comms officer would see.

    python -m demo build --db /tmp/demo.duckdb --fresh
    python bench/demo_labels.py --db /tmp/demo.duckdb

Per source and item type: items, and the share (count) neutral, negative, positive,
constructive, hostile and with a service area. Public items only (the council's own posts
and replies are counted apart), as the dashboard counts them; officers' corrections are not
applied (a fresh demo has none).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

QUERY = """
SELECT s.name AS source, i.item_type, i.is_council,
       count(*) AS items,
       count(*) FILTER (WHERE sc.sentiment = 'neutral') AS neutral,
       count(*) FILTER (WHERE sc.sentiment = 'negative') AS negative,
       count(*) FILTER (WHERE sc.sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sc.feedback_class = 'constructive') AS constructive,
       count(*) FILTER (WHERE sc.hostile) AS hostile,
       count(*) FILTER (WHERE sc.service_area IS NOT NULL) AS with_area
FROM items i JOIN sources s ON s.id = i.source_id JOIN scores sc ON sc.item_key = i.key
WHERE i.deleted_at IS NULL
GROUP BY ALL ORDER BY source, item_type, is_council
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    if not args.db.is_file():
        print(f"error: no database at {args.db}", file=sys.stderr)
        return 2
    with duckdb.connect(str(args.db), read_only=True) as con:
        rows = con.execute(QUERY).fetchall()
        version = con.execute("SELECT string_agg(DISTINCT model_version, ', ') FROM scores").fetchone()[0]
    print(f"{args.db}: scored by {version}")
    print(f"{'source':<44} {'type':<8} {'council':<7} {'items':>5}  neutral  negative positive constructive hostile "
          "service area")
    for source, item_type, council, items, *counts in rows:
        shares = "  ".join(f"{n:>3} ({n / items:>4.0%})" for n in counts)
        print(f"{source:<44} {item_type:<8} {'yes' if council else 'no':<7} {items:>5}  {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
