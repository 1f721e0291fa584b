"""Cross-validated figures for every model target, recomputed from the corpora (several minutes).

    python bench/model_metrics.py [--data ../shared/data]   recompute by grouped 5-fold CV
    python bench/model_metrics.py --stored                  print analysis/models/metrics.json

Targets (issue 4): NHS 3-class accuracy >= 0.80; weighted F1 no worse than plain
VADER on the VADER tweets, movie and Amazon sets; C3 constructiveness accuracy
>= 0.94 and clearly above a logistic regression on length alone; the hostile
flag's CV metrics reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def table(metrics: dict) -> str:
    lines = ["corpus      rows   model acc  model wF1  VADER acc  VADER wF1  target                      met"]
    for corpus, result in metrics["sentiment"].items():
        m, v = result["model"], result["vader"]
        if corpus == "nhs":
            target, met = "accuracy >= 0.80", m["accuracy"] >= 0.80
        else:
            target, met = f"wF1 >= VADER {v['weighted_f1']:.4f}", m["weighted_f1"] >= v["weighted_f1"]
        lines.append(
            f"{corpus:<10}{m['rows']:>6}   {m['accuracy']:.4f}     {m['weighted_f1']:.4f}     "
            f"{v['accuracy']:.4f}     {v['weighted_f1']:.4f}     {target:<27} {'yes' if met else 'NO'}"
        )
    con, length = metrics["constructive"]["model"], metrics["constructive"]["length_only"]
    lines += [
        "",
        f"C3 constructive ({con['rows']:,} rows): model accuracy {con['accuracy']:.4f} (F1 {con['f1']:.4f}, "
        f"AUC {con['roc_auc']:.4f}); length-only LR accuracy {length['accuracy']:.4f} (F1 {length['f1']:.4f}, "
        f"AUC {length['roc_auc']:.4f}); target >= 0.94: {'yes' if con['accuracy'] >= 0.94 else 'NO'}",
        f"  confusion (rows truth 0/1, columns predicted 0/1): {con['confusion']['matrix']}",
    ]
    hostile = metrics["hostile"]["model"]
    lines += [
        f"C3 hostile (toxicity >= {metrics['hostile']['level']}, {hostile['positives']} of {hostile['rows']:,}): "
        f"accuracy {hostile['accuracy']:.4f} (all-'no' {hostile['majority_accuracy']:.4f}), precision "
        f"{hostile['precision']:.4f}, recall {hostile['recall']:.4f}, F1 {hostile['f1']:.4f}, AUC {hostile['roc_auc']:.4f}",
        f"  confusion: {hostile['confusion']['matrix']}",
    ]
    return "\n".join(lines)


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
    print(table(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
