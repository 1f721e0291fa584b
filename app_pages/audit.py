"""Audit: every officer action and export, who and when; how fast flagged threads are answered;
how often officers agree with the model's labels; alerts sent."""

from datetime import UTC, datetime, timedelta

import streamlit as st

from store import alerts, triage
from ui.data import read
from ui.downloads import table_download
from ui.labels import UK_TIME, uk_times
from ui.triage import ACTION_LABELS, FIELD_WORDS, log_table, response_times_table

st.title("Audit log")
st.caption(
    "Every officer action (status, assignment, note, silencing, label correction) and every export, "
    "with who did it and when. The app only ever adds to this log: nothing in it can be changed or deleted."
)

LOG_FILE = {"acted_at": f"When ({UK_TIME})", "actor": "Who", "action": "Action", "thread_key": "Thread", "item_key": "Item",
            "value": "Value", "note": "Note"}
PERIODS = {"All time": None, "Last 24 hours": 1, "Last 7 days": 7, "Last 30 days": 30}
facets = read(triage.audit_facets)
who, what, when = st.columns(3)
actors = who.multiselect("Who", facets["actors"], key="audit_actors", placeholder="Everyone")
actions = what.multiselect(
    "Action", facets["actions"], format_func=lambda a: ACTION_LABELS.get(a, a),
    key="audit_actions", placeholder="Every action",
)
period = when.selectbox("When", list(PERIODS), key="audit_period")
thread = st.text_input("Thread key", key="audit_thread", placeholder="e.g. mastodon:1234 (empty: every thread)")

start = None
if PERIODS[period]:
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=PERIODS[period])
log = read(triage.audit_log, thread.strip() or None, actors=tuple(actors) or None, actions=tuple(actions) or None,
           start=start, limit=2_000)
if log.empty:
    st.info("No actions match." if facets["actors"] else "No officer action or export has been recorded yet.")
else:
    st.caption(f"{len(log):,} action{'s' if len(log) != 1 else ''}, newest first (at most 2,000 shown).")
    log_table(log)
    table_download(log, LOG_FILE, "council-pulse-audit-log.csv", "audit log", key="audit_download")

st.subheader("Time to acknowledge and respond")
st.caption(
    "Flagged threads by the week they were flagged (UK time): how many an officer acknowledged "
    "(any status past New) and responded to (status Responded), and the median hours it took."
)
response_times_table()

st.subheader("Officers' labels and the model")
st.caption(
    "Every label an officer set, whether it changed the model's label or confirmed it, is a human "
    "judgement of the model: agreement is the share where the model's current label is the same."
)
agreement = read(triage.label_agreement)
if agreement.empty:
    st.caption("No officer has labelled a reply yet.")
else:
    st.dataframe(
        agreement.assign(field=agreement["field"].map(FIELD_WORDS)).rename(columns={
            "field": "Label", "labelled": "Labelled by officers", "agreed": "Model agreed", "agreement": "Agreement",
        }),
        hide_index=True, width="content",
        column_config={"Agreement": st.column_config.NumberColumn(format="percent")},
    )

st.subheader("Alerts sent")
sent = read(alerts.alert_history, 200)
if sent.empty:
    st.caption("No alert has been sent. `python -m analysis alerts` sends them (see the README).")
else:
    st.dataframe(
        sent.assign(attempted_at=uk_times(sent["attempted_at"])).rename(columns={
            "attempted_at": f"When ({UK_TIME})", "kind": "Kind", "channel": "Channel", "subject": "Subject",
            "ok": "Delivered", "error": "Why not",
        }),
        hide_index=True, width="stretch",
        column_config={f"When ({UK_TIME})": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )
