"""MODEL_CARD.md, written from the metrics of the training run that produced the models."""

from __future__ import annotations

from analysis.targets import check_targets

CORPUS_NAMES = {
    "semeval": "SemEval 2013-2016 tweets", "nhs": "NHS Friends-and-Family-Test comments", "tweets": "VADER tweets",
    "movies": "VADER movie-review snippets", "amazon": "VADER Amazon-review snippets",
}


def _f(value, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _matrix(confusion: dict) -> str:
    labels = confusion["labels"]
    head = "| truth \\ predicted | " + " | ".join(str(label) for label in labels) + " |"
    rule = "|---" * (len(labels) + 1) + "|"
    rows = [f"| {label} | " + " | ".join(str(v) for v in row) + " |" for label, row in zip(labels, confusion["matrix"])]
    return "\n".join([head, rule, *rows])


def _targets(metrics: dict) -> list[str]:
    rows = metrics.get("targets") or check_targets(metrics)
    out = ["| target | cross-validated | needed | beside it | met |", "|---|---|---|---|---|"]
    for row in rows:
        met = "not measured" if row["met"] is None else ("yes" if row["met"] else "**no**")
        out.append(f"| {row['target']} | {_f(row['value'])} | {_f(row['bar'])} | {_f(row['baseline'])} | {met} |")
    return out


METHOD = [
    "Every model reads the same features, computed once per batch (`analysis/features.py`): word 1-2 grams "
    "hashed into 65,536 columns and, for texts of at most 40 words, character 2-5 grams (within words) in "
    "65,536 more (scikit-learn's HashingVectorizer: stateless, so only coefficients ship); VADER's "
    "neg/neu/pos/compound; and named measures of a comment's shape (length in words and characters, with "
    "hinges so the length effect can bend; sentences, paragraphs, question and exclamation marks, capitals, "
    "digits and numbers, capitalised words inside a sentence, second person; counts of suggestion, reasoning "
    "and stance cues; and the hostile cues of `analysis/hostile.py`).",
    "",
    "**Council vocabulary** (`analysis/council_lexicon.toml`, documented there): words whose VADER valence is "
    "wrong when a council uses them as nouns of its services (waste, charges, cuts, pay, fine, suspended, "
    "care, support, refuse, increase...) carry no sentiment in that sense, and keep VADER's valence in their "
    "evaluative uses (\"what a waste of money\", \"that's fine\"). VADER scores such a council noun 0, so the "
    "`compound` shown in the dashboard is VADER's with the council's vocabulary; the models leave such a "
    "council noun out of what they read (a stand-in token would learn the tone of the complaints it appears in).",
    "",
    "- **Sentiment** (negative / neutral / positive) corrects VADER in two parts. *P(neutral)* comes from a "
    "multinomial stacker trained on SemEval (half of it neutral: news, questions, announcements) and the NHS "
    "comments, with the VADER tweets rated either way as examples of what is not neutral (pooled with "
    "SemEval's weight, so the neutral rate stays SemEval's and NHS's): the VADER corpora label by a mean "
    "rating with ±0.05 cut-offs, so their 'neutral' is an artefact, and the movie and Amazon snippets have no "
    "say in whether a text is neutral. *P(positive | not neutral)* comes from a "
    "binary stacker trained on every positive and negative row of every corpus: that is what the VADER "
    "corpora teach. Both stackers read VADER's scores and the log-odds of three hashed n-gram layers (a "
    "general three-class layer on SemEval and NHS, a polarity layer on every polar row, an NHS-only service "
    "layer), each also multiplied by a domain gate's probability that the text is like each corpus (the "
    "neutral part: like SemEval or NHS only), so they can trust VADER on social text and the service layer "
    "on service feedback. The stackers learn from out-of-fold n-gram outputs (inner grouped folds). Every "
    "corpus weighs the same; SemEval's classes are weighted to count alike (its own measure is "
    "macro-averaged recall). Calibration: one temperature for texts the gate finds most like SemEval and one "
    "for NHS-like texts, fitted on the stackers' predictions over the out-of-fold inputs of those corpora "
    "(T = 1 elsewhere); it never changes the likeliest class. The class is the likeliest, except that a text "
    "in which VADER finds no sentiment word is neutral unless the model gives one side at least even odds "
    "(0.5), and news mentions and headlines take VADER's class (council lexicon) unless the model's top "
    "probability reaches 0.9 (judgements: no corpus is news prose). The cross-validated figures apply the "
    "same decision.",
    "- **Constructiveness**: logistic regression (liblinear) over the n-grams, the shape measures and a "
    "*content score*: a ridge regression (fitted on inner folds) of the share of C3's raters who named a "
    "solution, evidence, specific points, a personal story or dialogue in the comment. The content "
    "measures (content score, suggestion, reasoning and stance cues, names, numbers, questions, insults) "
    "get a slope of their own under 20 and over 60 words, where C3's label is almost all one class and "
    "only what a comment says can tell them apart. Constructive at >= 0.5. In the product two rules follow "
    "(`analysis/suggestions.py`, `analysis/hostile.py`): a short, civil request about a council service gets "
    "at least 0.6; a plainly hostile item (the pile-on rule's explicit vocabulary, or flagged with the hostile "
    "model more sure than not) is never constructive (it counts as negative); and a rant (not positive, harsh, "
    "asking for nothing and giving no reason) is not constructive however long. The rant rule needs the harsh tone: without it (any text "
    "asking for nothing and giving no reason) C3's raters called 97.7 % of such texts over 60 words "
    "constructive, and it took the product's C3 accuracy to 0.80.",
    "- **Hostile**: ridge regression of how toxic a text is (C3's mean toxicity rating 1-4 as 0-1; Davidson's "
    "hate speech 1, offensive language 2/3, neither 0, its rows weighing half as much as C3's together and a "
    "column absorbing their base rate), made a probability by a logistic fit on inner out-of-fold scores of "
    "C3's rows, flagged at the threshold where the product's flag (below) has the best F1 on those scores. "
    "In the product (`analysis/hostile.py`) "
    "the model's flag counts only on a text that names or addresses people (you, they, the council, "
    "councillors...): hostility is towards someone, and swearing at a situation (\"bloody potholes "
    "again\") or shouting at an idea (\"Is China's refusal... RACIST?\") is not; and the pile-on rule "
    "flags an accusation of lying or corruption, a call to sack or resign, or name-calling aimed at people, "
    "whatever the model says.",
    "",
    "Weights are float32 in `.npz` files read with `allow_pickle=False`, described by the `.json` beside each "
    "(format `council-pulse-linear/1`); no pickle anywhere. Every estimator is seeded.",
]

LIMITATIONS = [
    "## Limitations",
    "",
    "- English only; trained on tweets, NHS patient feedback, Canadian news-site comments and reviews, not on "
    "comments to a UK council. Officers' corrections (`python -m analysis export-corrections`) are the data "
    "to measure and retrain on.",
    "- The VADER tweets' convention (anything rated ±0.05 from 0 is positive or negative) and SemEval's (half "
    "of all tweets are neutral) pull apart: the model calls about 5 % of the VADER tweets neutral where their "
    "ground truth has 1 %, so its weighted F1 there is just below plain VADER's. Letting the VADER tweets "
    "teach the neutral part without the no-sentiment-word rule made council headlines read as comments "
    "mostly non-neutral, and letting the movie and Amazon snippets in made them almost never neutral "
    "(bench/README.md). It still calls fewer texts neutral than SemEval's raters do.",
    "- Sarcasm and irony are often misread (\"Great, another pothole. Well done council\").",
    "- C3's constructiveness label is mostly length; within a length band the content measures add only a "
    "little over length alone (the banded figures above), and C3's raters called most long rants "
    "constructive, so the product's rules (hostile is never constructive; short civil requests are) go "
    "against C3 on some comments: the 'as scored' figures show what they cost there.",
    "- C3's toxicity ratings are subtle (teasing, sarcasm, personal attacks in polite words) and raters "
    "disagree; a bag-of-words model reaches only a modest F1 there. The flag is a pointer for an officer, "
    "never a verdict on a person; `threshold` in hostile.json can be raised for fewer, surer flags.",
    "- Bag-of-words models read word pairs at most: \"not good\" is learned, longer negations are not.",
    "",
]


def render_model_card(metrics: dict) -> str:
    rows = metrics["training_rows"]
    out = [
        "# Council Pulse models: model card",
        "",
        f"Trained {metrics['trained_at']} by `python -m analysis train --data DIR`. Versions: "
        + ", ".join(f"{k} `{v}`" for k, v in metrics["versions"].items())
        + ". Every figure below is also in `metrics.json` beside this file (with the confusion matrices and "
        "reliability tables), and `python bench/model_metrics.py --data DIR` recomputes them.",
        "",
        "## Licence",
        "",
        "The models are trained on the NHS Friends-and-Family-Test comments (pxtextmining) and the Constructive "
        "Comments Corpus (C3), both CC BY-NC-SA 4.0, the VADER corpora (MIT), the SemEval-2017 task 4 training "
        "tweets (research release) and Davidson et al.'s tweets (MIT). The model files in this folder are "
        "therefore shared under **CC BY-NC-SA 4.0** (attribution, non-commercial, share-alike).",
        "",
        "## Training data (exactly which rows)",
        "",
        "| corpus | file | rows | which rows, label |",
        "|---|---|---|---|",
        *(f"| {name} | `{note['file']}` | {note['rows']:,} | {note['which']} |" for name, note in rows.items()),
        "",
        "## Method",
        "",
        *METHOD,
        "",
    ]
    if "sentiment" in metrics:
        out += [f"## Cross-validated results ({metrics['folds']} grouped folds, seed {metrics['seed']})", "",
                "Folds are drawn per corpus and grouped (one NHS respondent's answers, one Amazon review's "
                "sentences, one C3 article's comments, and copies of one tweet never straddle train and test); in "
                "each fold every layer, stacker, temperature and threshold is fitted on the training part only.",
                "", "### Targets", "", *_targets(metrics), ""]
        out += _sentiment_sections(metrics)
        out += _c3_sections(metrics)
    out += LIMITATIONS
    return "\n".join(out)


def _sentiment_sections(metrics: dict) -> list[str]:
    out = ["### Sentiment, three classes", "",
           "| corpus | rows | accuracy | weighted F1 | macro F1 | macro recall | called neutral (truly) | "
           "VADER accuracy | VADER weighted F1 | VADER macro recall |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for corpus, result in metrics["sentiment"].items():
        m, v = result["model"], result["vader"]
        out.append(f"| {CORPUS_NAMES.get(corpus, corpus)} | {m['rows']:,} | {m['accuracy']:.4f} | "
                   f"{m['weighted_f1']:.4f} | {m['macro_f1']:.4f} | {m['macro_recall']:.4f} | "
                   f"{m['predicted_neutral_share']:.1%} ({m['true_neutral_share']:.1%}) | {v['accuracy']:.4f} | "
                   f"{v['weighted_f1']:.4f} | {v['macro_recall']:.4f} |")
    out += ["", "Reliability of the probabilities (expected calibration error of the top probability, ten bins; "
                "before and after the temperatures). For the VADER corpora it is measured against their cut-off "
                "labels, which the neutral part is not trained to reproduce.", "",
            "| corpus | ECE before | ECE after |", "|---|---|---|"]
    for corpus, result in metrics["sentiment"].items():
        m = result["model"]
        out.append(f"| {CORPUS_NAMES.get(corpus, corpus)} | {m['reliability_before_calibration']['ece']:.4f} | "
                   f"{m['reliability']['ece']:.4f} |")
    temps = metrics.get("sentiment_temperatures")
    if temps:
        out += ["", "Shipped temperatures by domain: " + ", ".join(f"{k} {v}" for k, v in temps.items()) + "."]
    for corpus in ("semeval", "nhs"):
        bins = metrics["sentiment"].get(corpus, {}).get("model", {}).get("reliability", {}).get("bins")
        if bins:
            out += ["", f"Reliability table, {CORPUS_NAMES[corpus]} (top probability):", "",
                    "| confidence | rows | mean confidence | accuracy |", "|---|---|---|---|"]
            out += [f"| {b['from']:.1f}-{b['to']:.1f} | {b['rows']:,} | {b['confidence']:.3f} | {b['accuracy']:.3f} |"
                    for b in bins]
    for corpus, result in metrics["sentiment"].items():
        out += ["", f"Confusion, {CORPUS_NAMES.get(corpus, corpus)} (model):", "",
                _matrix(result["model"]["confusion"])]
    return out


def _binary_row(name: str, m: dict) -> str:
    return (f"| {name} | {m['accuracy']:.4f} | {m.get('balanced_accuracy', float('nan')):.4f} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} | {_f(m.get('roc_auc'), 3)} |")


def _c3_sections(metrics: dict) -> list[str]:
    block = metrics["constructive"]
    out = ["", "### Constructiveness (C3)", "",
           "| predictor | accuracy | balanced accuracy | precision | recall | F1 | ROC AUC |",
           "|---|---|---|---|---|---|---|",
           _binary_row("shipped model", block["model"])]
    if "as_written" in block:
        out.append(_binary_row("constructive_prob as written (model and suggestion rule)", block["as_written"]))
    if "as_scored" in block:
        out.append(_binary_row("feedback class (also: plain hostility and rants are never constructive)",
                               block["as_scored"]))
    out.append(_binary_row("logistic regression on log length in words alone", block["length_only"]))
    if "chars_only" in block:
        out.append(_binary_row("logistic regression on log length in characters alone", block["chars_only"]))
    out += ["", "Within length bands. Plain accuracy there is mostly the band's majority class (under 20 words "
                "0.7 % of comments are constructive, over 60 words 98.6 %), so the band target is balanced "
                "accuracy (the mean of the two classes' recall); ROC AUC and accuracy are beside it.", "",
            "| band | rows (constructive) | model BA | length BA | model AUC | length AUC | model accuracy | "
            "length accuracy |", "|---|---|---|---|---|---|---|---|"]
    for band, m in block["model"].get("bands", {}).items():
        length = block["length_only"]["bands"][band]
        out.append(f"| {band} | {m['rows']:,} ({m['positives']:,}) | {m['balanced_accuracy']:.4f} | "
                   f"{length['balanced_accuracy']:.4f} | {_f(m['roc_auc'], 3)} | {_f(length['roc_auc'], 3)} | "
                   f"{m['accuracy']:.4f} | {length['accuracy']:.4f} |")
    scored = block.get("as_scored")
    if scored:
        out += ["", f"As scored: the suggestion rule fires on {scored['suggestion_rule_fires']:,} C3 comments; the "
                    f"plain-hostility override turns {scored['hostile_overrides']:,} of the model's constructive "
                    f"decisions into negative, and the rant rule {scored.get('rant_overrides', 0):,} more. C3's "
                    "raters called some of those constructive: the product disagrees on purpose.",
                "", "| band | as scored BA | as scored AUC | as scored accuracy |", "|---|---|---|---|"]
        out += [f"| {band} | {m['balanced_accuracy']:.4f} | {_f(m['roc_auc'], 3)} | {m['accuracy']:.4f} |"
                for band, m in scored.get("bands", {}).items()]
    out += ["", _matrix(block["model"]["confusion"])]
    hostile = metrics["hostile"]
    model = hostile["model"]
    out += ["", "### Hostile (C3)", "",
            f"{model['positives']:,} of {model['rows']:,} rows hostile (toxicity >= {hostile['level']}); always saying "
            f"'not hostile' scores accuracy {model['majority_accuracy']:.3f}, so accuracy says little here. "
            f"Thresholds chosen inside each training part: {', '.join(str(t) for t in model['fold_thresholds'])}.",
            "", "| predictor | accuracy | balanced accuracy | precision | recall | F1 | ROC AUC |",
            "|---|---|---|---|---|---|---|",
            _binary_row("model", model)]
    for key, name in (("model_aimed_only", "model, on text that names or addresses people only"),
                      ("model_with_pile_on_rule", "as flagged in the product: pile-on rule, or the model on text "
                                                  "aimed at people"),
                      ("pile_on_rule_only", "pile-on rule alone")):
        if key in hostile:
            out.append(_binary_row(name, hostile[key]))
    out += ["", _matrix(hostile.get("model_with_pile_on_rule", model)["confusion"]), ""]
    return out
