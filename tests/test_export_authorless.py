"""The weekly export when items have no author (RSS mentions): found by the browser test."""

import csv
import io

from analysis.export import parse_iso_week
from analysis.trends import iso_week
from jobs.export import weekly_items_csv


def test_weekly_csv_with_authorless_mentions(seeded_db):
    mentions = [i for i in seeded_db.items if i.source == "Council news (RSS)"]
    week = iso_week(max(i.created_at for i in mentions).date())
    start, end = parse_iso_week(week)
    authorless = [i for i in mentions if start <= i.created_at < end]
    data = weekly_items_csv(seeded_db.path, week, actor="Jo")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len([i for i in seeded_db.items if start <= i.created_at < end])
    keys = {i.key for i in authorless}
    assert all(r["author"] == "" for r in rows if r["item_key"] in keys)
