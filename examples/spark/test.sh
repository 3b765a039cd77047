#!/usr/bin/env bash
# The Spark stage against a direct run, record by record, in local mode:
#   examples/spark/test.sh [CORPUS]   (default: ../shared/dev/corpus/articles)
# 1. a folder of .txt files in 7 partitions on local[2];
# 2. the same articles as JSON lines, in reverse order with bad lines, in 3 partitions on
#    local[2,2] (a task may fail once) with a binary whose first task fails: Spark retries it,
#    the bad lines land in the skipped table;
# 3. the same articles as Parquet.
# Each output must equal `accord run --input CORPUS --format jsonl,csv` (same reference date).
# Skips (exit 0, with a message) only when java is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
corpus="${1:-../shared/dev/corpus/articles}"
reference_date=2026-01-15

if ! command -v java >/dev/null 2>&1; then
  echo "SKIPPED: the Spark test needs Java 17 or later and java is not on PATH"
  exit 0
fi
cargo build --release --quiet
venv="$(examples/spark/setup.sh)"
python="$venv/bin/python"
work=target/spark-test
rm -rf "$work"
mkdir -p "$work"

target/release/accord run --input "$corpus" --out "$work/direct" --format jsonl,csv \
  --reference-date "$reference_date" --quiet
"$python" examples/spark/check_spark.py inputs "$corpus" "$work/inputs"

export REFERENCE_DATE="$reference_date"
echo "-- folder of .txt files, 7 partitions, local[2]"
examples/spark/run.sh "$corpus" "$work/folder" -- --partitions 7

echo "-- JSON lines with bad lines, 3 partitions, local[2,2], first task fails"
ACCORD=examples/spark/flaky-accord.sh ACCORD_REAL="$root/target/release/accord" \
  ACCORD_FLAKY_MARK="$root/$work/flaky-failed" SPARK_MASTER='local[2,2]' \
  examples/spark/run.sh "$work/inputs/articles.jsonl" "$work/jsonl" -- --partitions 3 \
  2> "$work/jsonl.stderr" || { cat "$work/jsonl.stderr" >&2; exit 1; }
if ! grep -q "simulated failure" "$work/jsonl.stderr"; then
  echo "the flaky binary never failed: the retry was not tested" >&2
  exit 1
fi
echo "one task failed (see $work/jsonl.stderr) and Spark ran it again"

echo "-- Parquet"
examples/spark/run.sh "$work/inputs/articles.parquet" "$work/parquet"

"$python" examples/spark/check_spark.py compare "$work/direct" "$work/folder" \
  "$work/jsonl=bad-published,bad-text,bad-no-text" "$work/parquet"
