#!/usr/bin/env bash
# One command from articles to Parquet records with Spark in local mode:
#   examples/spark/run.sh [INPUT [OUT]] [-- more accord_spark.py options]
# INPUT: a folder of *.txt files, a JSON lines file or Parquet (default: data/articles);
# OUT: the folder of Parquet tables (default: output/spark). Builds the release binary, sets
# up the PySpark venv (examples/spark/setup.sh), then runs the job with spark-submit.
# Environment: SPARK_MASTER (default local[2]), REFERENCE_DATE (default: today), RULES
# (default: rules), ACCORD (default: target/release/accord, built here).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
input="${1:-data/articles}"
out="${2:-output/spark}"
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift

if ! command -v java >/dev/null 2>&1; then
  echo "java not found: Spark needs Java 17 or later (e.g. apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi
if [ -z "${ACCORD:-}" ]; then
  cargo build --release --quiet
  ACCORD=target/release/accord
fi
venv="$(examples/spark/setup.sh)"
reference_date="${REFERENCE_DATE:-$(date +%F)}"
echo "accord on Spark (${SPARK_MASTER:-local[2]}): $input -> $out, reference date $reference_date" >&2
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
exec "$venv/bin/spark-submit" --master "${SPARK_MASTER:-local[2]}" \
  --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false \
  --conf spark.sql.shuffle.partitions=4 \
  --driver-java-options "-Dlog4j2.configurationFile=file:$root/examples/spark/log4j2.properties" \
  examples/spark/accord_spark.py --input "$input" --out "$out" --accord "$ACCORD" \
  --rules "${RULES:-rules}" --reference-date "$reference_date" "$@"
