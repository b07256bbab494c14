#!/usr/bin/env python3
"""Mean and sample standard deviation of qama train results: summarize.py RESULT.json...

Groups the files by (dataset, train size, epochs, attention, formulation, output_mode) and prints one Markdown table
row per group: runs, epochs, test accuracy, train accuracy, train seconds, solver seconds.
"""
import json
import statistics
import sys
from collections import defaultdict


def fmt(values, scale=1.0, digits=2):
    v = [x * scale for x in values if x is not None]
    if not v:
        return "n/a"
    if len(v) == 1:
        return f"{v[0]:.{digits}f}"
    return f"{statistics.mean(v):.{digits}f} ± {statistics.stdev(v):.{digits}f}"


groups = defaultdict(list)
for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read().strip()
    if not text:
        continue
    r = json.loads(text.splitlines()[-1])
    key = (r["dataset"], r["train_size"], r["epochs"], r["attention"], r.get("formulation", ""),
           r.get("output_mode", ""))
    groups[key].append(r)

print("| data set | train size | attention | runs (seeds) | epochs | test accuracy % "
      "| train accuracy % | train s | solver s |")
print("|---|---|---|---|---|---|---|---|---|")
for key in sorted(groups):
    rs = groups[key]
    name = key[3] if key[3] != "qama" else f"qama {key[4]} {key[5]}"
    seeds = ",".join(str(r["seed"]) for r in rs)
    print(f"| {key[0]} | {key[1]} | {name} | {len(rs)} ({seeds}) | {rs[0]['epochs']} "
          f"| {fmt([r['test_accuracy'] for r in rs], 100)} "
          f"| {fmt([r['train_accuracy'] for r in rs], 100)} "
          f"| {fmt([r['train_seconds'] for r in rs], 1, 0)} "
          f"| {fmt([r['solver_seconds'] for r in rs], 1, 0)} |")
