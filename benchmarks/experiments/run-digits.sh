#!/usr/bin/env bash
# The digits experiments of docs/results.md: classical, QAMA paper-v2 (both output modes) and the
# no-attention ablation, 100 epochs, seeds 1-3. Sequential; about 30 s per classical run and 4-10
# minutes per QAMA run on a loaded 2-core machine. Results: runs/exp/<name>.json and run dirs.
# Summary table: python3 benchmarks/experiments/summarize.py runs/exp/digits-*.json
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p runs/exp
run() {
  local n=$1; shift
  [ -s runs/exp/$n.json ] && return 0
  ./qama train "$@" --json --out runs/exp/$n > runs/exp/$n.json 2> runs/exp/$n.log
}
for s in 1 2 3; do
  run digits-classical-s$s --attention classical --epochs 100 --seed $s
  run digits-none-s$s --attention none --epochs 100 --seed $s
  for mode in paper values; do
    run digits-qama-v2-$mode-s$s --attention qama --formulation paper-v2 --output-mode $mode \
      --epochs 100 --seed $s
  done
done
