#!/bin/sh
# The suite's table: `kerno train --images DIR` with no other option on each folder (run in a
# scratch folder, so the run folders land in ./runs there), then the PyTorch baseline on the split
# that run wrote. One line per run in $OUT/table.jsonl; the logs beside it.
#   sh bench/own-data/run-suite.sh [OUT=/tmp/own-runs/suite] folder ...   (folders under /tmp/own-data, or paths)
#   KERNO=/another/checkout PYTORCH=0 sh bench/own-data/run-suite.sh ...   (another version of kerno, no baseline)
set -u
KERNO=${KERNO:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${1:-/tmp/own-runs/suite}
shift
mkdir -p "$OUT"
for f in "$@"; do
  case "$f" in /*) dir=$f ;; *) dir=/tmp/own-data/$f ;; esac
  name=$(basename "$dir")
  cd "$OUT" || exit 1
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  t0=$(date +%s.%N)
  node "$KERNO/bin/kerno.js" train --images "$dir" > "$OUT/$name.kerno.log" 2>&1
  t1=$(date +%s.%N)
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  run=$(sed -n 's/^run folder: //p' "$OUT/$name.kerno.log")
  case "$run" in /*) ;; *) run="$OUT/$run" ;; esac
  acc=$(node -e 'const r=require(process.argv[1]+"/report.json");console.log(JSON.stringify({accuracy:r.accuracy,on:r.evaluatedOn,train:r.train.accuracy,epochs:r.epochs,best:r.bestEpoch,size:r.imageSize.join("x"),advice:r.advice}))' "$run")
  echo "{\"folder\":\"$name\",\"kerno\":$acc,\"kernoSeconds\":$(echo "$t1 - $t0" | bc),\"load\":\"$load0 -> $load1\",\"run\":\"$run\"}" >> "$OUT/table.jsonl"
  tail -1 "$OUT/table.jsonl"
  if [ "${PYTORCH:-1}" = 1 ]; then
    /usr/bin/python3 "$KERNO/bench/own-data/pytorch_baseline.py" "$run/split.json" > "$OUT/$name.pytorch.json" 2> "$OUT/$name.pytorch.log"
    cat "$OUT/$name.pytorch.json"
  fi
done
