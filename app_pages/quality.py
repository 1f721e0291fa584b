"""Model quality: what the shipped models scored on labelled data, their confusion matrices, and how
often officers agree with them."""

import streamlit as st

from analysis import quality
from store import trends, triage
from store.triage import LABELS
from ui.data import read
from ui.safe_text import escape_markdown
from ui.triage import FIELD_LABELS

st.title("Model quality")
st.caption(
    "How well the models that label every item do: measured by cross-validation on published, "
    "labelled comments when they were trained (analysis/models/MODEL_CARD.md), and on this council's "
    "own items whenever an officer sets a label."
)

try:
    metrics = quality.load_metrics()
    headers = quality.model_headers()
except quality.QualityError as error:
    st.error(f"The model files cannot be read: {escape_markdown(error)}")
    st.stop()


def matrices(block: dict, names: dict | None = None) -> None:
    """Each predictor's confusion matrix in a column of its own."""
    shown = [(key, quality.confusion_frame(block[key], names)) for key in quality.predictors(block)]
    columns = [column for _ in range(0, len(shown), 2) for column in st.columns(2)]  # two to a row
    for column, (key, frame) in zip(columns, shown):
        column.caption(f"**{escape_markdown(quality.predictor_name(key))}**")
        if frame is None:
            column.caption(f"Confusion matrix {quality.NOT_MEASURED}.")
        else:
            column.dataframe(frame, width="content")


st.subheader("The shipped models")
st.dataframe(
    headers.assign(
        model=headers["model"].map({"sentiment": "Sentiment", "constructive": "Constructive", "hostile": "Hostile"}),
        threshold=[quality.figure(t, 3) if name != "sentiment" else "– (the likeliest class)"
                   for name, t in zip(headers["model"], headers["threshold"])],
    ).fillna(quality.NOT_MEASURED).rename(columns={
        "model": "Model", "version": "Version", "trained_at": "Trained", "threshold": "Decision threshold",
        "licence": "Licence",
    }),
    hide_index=True, width="content",
)
licences = sorted({str(v) for v in headers["licence"].dropna()})
folds = metrics.get("folds")
st.caption(
    (f"Figures below: {folds}-fold cross-validation (seed {metrics.get('seed', '–')}), each fold fitted on the "
     "rest only. " if folds else "")
    + (f"The models are shared under {', '.join(licences)}: they learned from corpora under that licence "
       "(non-commercial, share-alike)." if licences else "Licence: not recorded in the model files.")
)
versions = read(trends.scored_versions)
if not versions.empty:
    st.caption(
        "Items in this database were scored by: "
        + "; ".join(escape_markdown(f"{v} ({n:,} items)")
                    for v, n in zip(versions["model_version"], versions["items"]))
        + ". After a model update, `python -m analysis rescore` scores them again."
    )
if not metrics:
    st.warning("No metrics.json beside the models: `python -m analysis train --data DIR` writes it.")

st.subheader("In plain words")
words = quality.plain_words(metrics)
if words:
    st.caption("Measured on labelled comments the models were not trained on (cross-validation). Our own "
               "figures, in words: no comment text is shown here.")
    for heading, lines in words.items():
        st.caption(f"**{escape_markdown(heading)}**\n" + "\n".join(f"- {escape_markdown(line)}" for line in lines))
else:
    st.caption(f"Plain-word figures: {quality.NOT_MEASURED}.")

st.subheader("Agreement with officers")
agreement = read(triage.label_agreement)
if agreement.empty:
    st.info(
        "No corrections yet: when officers set a reply's label on the Thread page, how often they agree "
        "with the model is shown here.", icon=":material/info:",
    )
else:
    st.caption(
        "Every label an officer set counts, whether it changed the model's label or confirmed it. "
        "The model's label is its current one (after any rescoring)."
    )
    columns = st.columns(max(len(agreement), 2))
    for column, row in zip(columns, agreement.itertuples(index=False)):
        column.metric(
            f"{FIELD_LABELS.get(row.field, row.field)}: model agrees",
            f"{row.agreement:.0%}" if row.labelled else "–",
            f"{row.agreed:,} of {row.labelled:,} officer labels", delta_color="off", delta_arrow="off", border=True,
        )
    pairs = read(trends.label_pairs)
    for field in agreement["field"]:
        frame = quality.officer_matrix(pairs, field, LABELS.get(field, ()))
        if frame is not None:
            st.caption(f"**{escape_markdown(FIELD_LABELS.get(field, field))}: officers against the model**")
            st.dataframe(frame, width="content")

st.subheader("Technical figures")
with st.expander("Targets, and whether the models meet them"):
    st.dataframe(quality.targets_table(metrics), hide_index=True, width="stretch", height="content")

with st.expander("Sentiment: negative, neutral or positive"):
    st.caption(
        "Three-class accuracy, F1 and macro-averaged recall per corpus, the shipped model against VADER alone "
        "(the lexicon it corrects). Public-service feedback (NHS comments) is where VADER alone is weakest."
    )
    st.dataframe(
        quality.sentiment_table(metrics), hide_index=True, width="stretch", height="content",
        column_config={"Corpus": st.column_config.TextColumn(width=250),
                       "Predictor": st.column_config.TextColumn(width=260),
                       "Target": st.column_config.TextColumn(width=170), "Met": st.column_config.TextColumn(width=50)},
    )
    sentiment = metrics.get("sentiment") if isinstance(metrics.get("sentiment"), dict) else {}
    if sentiment:
        corpus = st.selectbox("Confusion matrices for", list(sentiment), format_func=quality.corpus_name,
                              key="quality_corpus")
        matrices(sentiment[corpus])

with st.expander("Constructive feedback"):
    st.caption(quality.constructive_target(metrics) + " A long comment is usually constructive in C3, so length "
               "alone is the baseline to beat.")
    st.dataframe(quality.binary_table(metrics, "constructive"), hide_index=True, width="stretch", height="content")
    st.caption("Within length bands plain accuracy is mostly the band's majority class, so the balanced accuracy "
               "(the mean of both classes' recall) is the measure there.")
    st.dataframe(quality.band_table(metrics), hide_index=True, width="stretch", height="content")
    if isinstance(metrics.get("constructive"), dict):
        matrices(metrics["constructive"], quality.BINARY_LABELS["constructive"])

with st.expander("Hostile language"):
    st.caption(
        "Trained on C3's toxicity ratings and Davidson's tweets, with the pile-on rule on top. Few comments are "
        "hostile, so accuracy says little (always saying 'not hostile' is right most of the time). Precision: of "
        "the comments flagged, the share that really were hostile. Recall: of the hostile comments, the share "
        "that were flagged. The flag is a pointer for an officer, never a verdict on a person."
    )
    st.dataframe(quality.binary_table(metrics, "hostile"), hide_index=True, width="stretch", height="content")
    if isinstance(metrics.get("hostile"), dict):
        matrices(metrics["hostile"], quality.BINARY_LABELS["hostile"])

with st.expander("Training data"):
    st.dataframe(quality.training_table(metrics), hide_index=True, width="stretch")
