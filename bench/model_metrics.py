"""Cross-validated figures for every model target, recomputed from the corpora, and the shipped
models on text they never saw (a few minutes on a quiet 2-core machine).

    python bench/model_metrics.py [--data ../shared/data]   recompute by grouped 5-fold CV
    python bench/model_metrics.py --stored                  print analysis/models/metrics.json instead

Prints every target of analysis.targets (issue 15) with met yes/no and plain VADER or length
alone beside it; the sentiment figures per corpus with their reliability (expected calibration
error); constructiveness overall and within length bands (balanced accuracy: within a band
plain accuracy is mostly the band's majority class); hostile; then, with the shipped models,
the label distribution on hand-written out-of-domain text (tests/fixtures/ood: council
headlines, politicians' posts) and the service-area tagger's coverage and precision on the
hand-labelled sample (tests/fixtures/service_areas/labelled.csv).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OOD = ROOT / "tests" / "fixtures" / "ood"
LABELLED_AREAS = ROOT / "tests" / "fixtures" / "service_areas" / "labelled.csv"


def _f(value, digits: int = 4) -> str:
    return "  –   " if value is None else f"{value:.{digits}f}"


def targets(metrics: dict) -> list[str]:
    from analysis.targets import all_met, check_targets

    rows = check_targets(metrics)
    lines = ["targets (cross-validated; 'beside' is plain VADER, length alone or the pile-on rule alone):"]
    for row in rows:
        met = "not measured" if row["met"] is None else ("yes" if row["met"] else "NO")
        lines.append(f"  {row['target']:<72} {_f(row['value'])}  needs {_f(row['bar'])}  beside {_f(row['baseline'])}"
                     f"  met: {met}")
    lines.append(f"  all targets met: {'yes' if all_met(rows) else 'NO'}")
    return lines


def sentiment(metrics: dict) -> list[str]:
    lines = ["", "sentiment   rows    acc     wF1   macroF1 macroRec neutral(true)   ECE before/after | VADER acc  wF1  "
                 "macroRec"]
    for corpus, result in metrics["sentiment"].items():
        m, v = result["model"], result["vader"]
        lines.append(
            f"{corpus:<9}{m['rows']:>7}  {m['accuracy']:.4f}  {m['weighted_f1']:.4f}  {m['macro_f1']:.4f}  "
            f"{m['macro_recall']:.4f}  {m['predicted_neutral_share']:>5.1%} ({m['true_neutral_share']:>5.1%})  "
            f"{m['reliability_before_calibration']['ece']:.4f}/{m['reliability']['ece']:.4f} | "
            f"{v['accuracy']:.4f} {v['weighted_f1']:.4f} {v['macro_recall']:.4f}")
    temps = metrics.get("sentiment_fold_temperatures")
    if temps:
        lines.append(f"  temperatures per fold (fitted on each training part): {temps}")
    for corpus in ("semeval", "nhs"):
        bins = metrics["sentiment"][corpus]["model"]["reliability"]["bins"]
        lines.append(f"  reliability, {corpus} (confidence bin: rows, mean confidence -> accuracy): "
                     + "; ".join(f"{b['from']:.1f}-{b['to']:.1f}: {b['rows']}, {b['confidence']:.2f}->{b['accuracy']:.2f}"
                                 for b in bins))
    return lines


def c3(metrics: dict) -> list[str]:
    block = metrics["constructive"]
    lines = ["", f"C3 constructive ({block['model']['rows']:,} rows, the same grouped folds for every row below):"]
    for key, name in (("model", "shipped model"), ("as_written", "constructive_prob (suggestion floor)"),
                      ("as_scored", "feedback class (rules on top)"),
                      ("length_only", "LR on log length in words"), ("chars_only", "LR on log length in characters")):
        m = block.get(key)
        if m:
            lines.append(f"  {name:<32} accuracy {m['accuracy']:.4f}  balanced {m['balanced_accuracy']:.4f}  "
                         f"F1 {m['f1']:.4f}  AUC {_f(m['roc_auc'])}")
    lines.append("  within length bands (balanced accuracy / ROC AUC / accuracy): model | length alone | as scored")
    for band, m in block["model"]["bands"].items():
        length, scored = block["length_only"]["bands"][band], block.get("as_scored", {}).get("bands", {}).get(band)
        lines.append(f"    {band:<15} {m['rows']:>5} rows, {m['positives']:>5} constructive: "
                     f"{m['balanced_accuracy']:.4f} / {_f(m['roc_auc'])} / {m['accuracy']:.4f} | "
                     f"{length['balanced_accuracy']:.4f} / {_f(length['roc_auc'])} / {length['accuracy']:.4f}"
                     + (f" | {scored['balanced_accuracy']:.4f} / {_f(scored['roc_auc'])} / {scored['accuracy']:.4f}"
                        if scored else ""))
    hostile = metrics["hostile"]
    lines.append(f"C3 hostile (toxicity >= {hostile['level']}, {hostile['model']['positives']} of "
                 f"{hostile['model']['rows']:,}; all-'no' accuracy {hostile['model']['majority_accuracy']:.4f}):")
    for key, name in (("model", "model"), ("model_aimed_only", "model, on text aimed at people"),
                      ("model_with_pile_on_rule", "as flagged (+ pile-on rule)"), ("pile_on_rule_only", "pile-on rule alone")):
        m = hostile.get(key)
        if m:
            lines.append(f"  {name:<34} precision {m['precision']:.4f}  recall {m['recall']:.4f}  F1 {m['f1']:.4f}  "
                         f"AUC {_f(m['roc_auc'])}  flags {m['flagged_share']:.1%}")
    return lines


def out_of_domain() -> list[str]:
    """The shipped models on hand-written text of kinds the training data lacks."""
    from analysis.scoring import score_items
    from analysis.service_areas import agreement, tag_labelled

    lines = ["", "shipped models on hand-written out-of-domain text (tests/fixtures/ood):"]
    headlines = pd.read_csv(OOD / "council_headlines.csv", dtype=str, keep_default_na=False)
    news = score_items(pd.DataFrame({"key": headlines.index.astype(str), "title": headlines["title"],
                                     "text": headlines["text"], "item_type": "mention"}))
    headline_only = score_items(pd.DataFrame({"key": headlines.index.astype(str), "text": headlines["title"]}))
    posts = pd.read_csv(OOD / "politician_posts.csv", dtype=str, keep_default_na=False)
    scored = score_items(pd.DataFrame({"key": posts.index.astype(str), "text": posts["text"], "item_type": "post"}))
    for name, frame in (("council headlines as news mentions (all neutral)", news),
                        ("the same headlines as plain comments (no news rule)", headline_only),
                        (f"politicians' posts ({(posts['label'] == 'neutral').mean():.0%} neutral by hand)", scored)):
        shares = frame["sentiment"].value_counts().reindex(["negative", "neutral", "positive"], fill_value=0)
        lines.append(f"  {name:<58} " + ", ".join(f"{k} {v}" for k, v in shares.items())
                     + f" of {len(frame)}; hostile {int(frame['hostile'].sum())}, "
                       f"constructive {int((frame['feedback_class'] == 'constructive').sum())}")
    lines.append(f"  politicians' posts: hand label matched on {(scored['sentiment'] == posts['label']).mean():.0%}")
    labelled = pd.read_csv(LABELLED_AREAS, dtype=str, keep_default_na=False)
    found = agreement(labelled["area"], tag_labelled(labelled))
    lines.append(f"service areas on {found['items']} hand-labelled items ({found['labelled_with_an_area']} with an area): "
                 f"coverage {found['coverage']:.1%}, precision {found['precision']:.1%}, recall {found['recall']:.1%}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--stored", action="store_true", help="print the shipped metrics.json instead")
    parser.add_argument("--json", type=Path, help="also write the recomputed metrics here")
    args = parser.parse_args()
    if args.stored:
        metrics = json.loads((ROOT / "analysis" / "models" / "metrics.json").read_text(encoding="utf-8"))
        print(f"stored metrics of the shipped models (trained {metrics.get('trained_at')})")
    else:
        if not args.data.is_dir():
            print(f"error: no evaluation data at {args.data} (use --data DIR, or --stored)", file=sys.stderr)
            return 2
        from analysis.train import cross_validate

        began = time.monotonic()
        metrics = cross_validate(args.data, progress=lambda line: print(line, file=sys.stderr, flush=True))
        print(f"grouped {metrics['folds']}-fold cross-validation, {time.monotonic() - began:.0f} s")
        if args.json:
            args.json.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print("\n".join([*targets(metrics), *sentiment(metrics), *c3(metrics), *out_of_domain()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
