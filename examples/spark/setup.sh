#!/usr/bin/env bash
# Creates (or reuses) the Python virtual environment of the Spark recipe under
# target/spark-venv (not committed: /target is in .gitignore) and installs PySpark from PyPI.
# Prints the venv's path. Needs python3 (3.11 or later, as PySpark 4.3 does); Spark itself needs Java 17 or later.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${ACCORD_SPARK_VENV:-$root/target/spark-venv}"
requirements="$root/examples/spark/requirements.txt"
stamp="$venv/.requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
  echo "$venv"
  exit 0
fi
echo "setting up $venv (PySpark from PyPI, about 520 MB)" >&2
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
cp "$requirements" "$stamp"
echo "$venv"
