#!/usr/bin/env bash
# digits to convergence: QAMA paper-v2 (both output modes), 3 seeds, 100 epochs each
cd "$(dirname "$0")/.."
for mode in paper values; do
  for s in 1 2 3; do
    n=digits-qama-v2-$mode-s$s
    [ -f runs-exp/$n.json ] && [ -s runs-exp/$n.json ] && continue
    ./qama train --attention qama --formulation paper-v2 --output-mode $mode --epochs 100 --seed $s \
      --json --out runs-exp/$n > runs-exp/$n.json 2> runs-exp/$n.log
  done
done
