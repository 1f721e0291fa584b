"""The weekly summary table, the corrections table for training, and triage response times per week.

The summary has one row per day (Europe/London), source and service area with
anything in it: public volume, each feedback class, the council's own posts, and
flagged threads opened and closed. It is built from the same item rows as the
weekly items CSV, so the two always add up. jobs.export writes both files
(Excel-safe, recorded in the audit log).
"""

from __future__ import annotations

import pandas as pd

from analysis.trends import CLASSES
from settings.clock import LONDON

NO_AREA = ""  # service area not known (the shipped models do not assign one yet)
SUMMARY_COLUMNS = [
    "day", "source", "service_area", "volume", *CLASSES, "unscored", "council_items",
    "flagged_opened", "flagged_closed",
]
TRAINING_COLUMNS = ["text", "sentiment", "feedback_class", "constructive_binary", "item_key", "corrected_at"]
_KEYS = ["day", "source", "service_area"]


def _london_day(stamps: pd.Series) -> pd.Series:
    return pd.to_datetime(stamps).dt.tz_localize("UTC").dt.tz_convert(LONDON).dt.strftime("%Y-%m-%d")


def summary_table(items: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per day, source and service area: volume by class and flagged threads opened/closed.

    `items` as store.export.items_between returns them; `events` as
    store.triage.flag_events_between. `volume` counts the public's items (the
    council's own are in `council_items`), so volume + council_items adds up to
    the rows of the items CSV.
    """
    frame = pd.DataFrame({
        "day": _london_day(items["created_at"]) if len(items) else pd.Series(dtype=str),
        "source": items["source"],
        "service_area": items["service_area"].fillna(NO_AREA).astype(str),
        "council": items["is_council"].astype(bool),
        "cls": items["feedback_class"].fillna("unscored").astype(str),
    })
    public = frame[~frame["council"]]
    counts = pd.crosstab([public["day"], public["source"], public["service_area"]], public["cls"])
    counts = counts.reindex(columns=[*CLASSES, "unscored"], fill_value=0)
    counts["volume"] = counts.sum(axis=1)
    council = frame[frame["council"]].groupby(_KEYS).size().rename("council_items")

    flagged = pd.DataFrame({
        "day": _london_day(events["at"]) if len(events) else pd.Series(dtype=str),
        "source": events["source"],
        "service_area": events["service_area"].fillna(NO_AREA).astype(str),
        "event": events["event"],
    })
    opened = flagged[flagged["event"] == "opened"].groupby(_KEYS).size().rename("flagged_opened")
    closed = flagged[flagged["event"] == "closed"].groupby(_KEYS).size().rename("flagged_closed")

    table = pd.concat([counts, council, opened, closed], axis=1).fillna(0)
    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    table.index = table.index.set_names(_KEYS)
    table = table.reset_index().sort_values(_KEYS, kind="stable")
    for column in SUMMARY_COLUMNS[3:]:
        table[column] = table[column].astype("int64")
    return table[SUMMARY_COLUMNS].reset_index(drop=True)


# --- Officer corrections as training data ------------------------------------------------


def training_table(corrections: pd.DataFrame) -> pd.DataFrame:
    """Corrections (store.triage.corrections_for_training) in the training format.

    One row per corrected item: the text the models read, the officers' sentiment
    and feedback_class (blank where that field was not corrected), and
    constructive_binary as in the C3 corpus (1.0 constructive, 0.0 another class,
    blank when the class was not corrected).
    """
    out = corrections.copy()
    klass = out["feedback_class"]
    out["constructive_binary"] = klass.map(lambda v: None if not isinstance(v, str) else float(v == "constructive"))
    out["corrected_at"] = pd.to_datetime(out["corrected_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out.reindex(columns=TRAINING_COLUMNS)


# --- Triage response times ------------------------------------------------------------------

RESPONSE_COLUMNS = [
    "week", "flagged", "acknowledged", "median_hours_to_acknowledge", "responded", "median_hours_to_respond",
]


def weekly_response_times(times: pd.DataFrame) -> pd.DataFrame:
    """Per ISO week (Europe/London) of flagging: threads flagged, how many were acknowledged and
    responded to, and the median hours it took (from store.triage.response_times).

    An action taken before the thread was flagged counts as zero hours.
    """
    if times.empty:
        return pd.DataFrame(columns=RESPONSE_COLUMNS)
    frame = times.copy()
    flagged_at = pd.to_datetime(frame["flagged_at"])
    local = flagged_at.dt.tz_localize("UTC").dt.tz_convert(LONDON)
    iso = local.dt.isocalendar()
    frame["week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    for name, column in (("ack", "acknowledged_at"), ("resp", "responded_at")):
        delta = (pd.to_datetime(frame[column]) - flagged_at).dt.total_seconds() / 3600
        frame[name] = delta.clip(lower=0)
    grouped = frame.groupby("week", sort=True)
    out = pd.DataFrame({
        "flagged": grouped.size(),
        "acknowledged": grouped["ack"].count(),
        "median_hours_to_acknowledge": grouped["ack"].median().round(1),
        "responded": grouped["resp"].count(),
        "median_hours_to_respond": grouped["resp"].median().round(1),
    }).reset_index()
    return out[RESPONSE_COLUMNS]
