#!/usr/bin/env bash
# Test double for examples/spark/test.sh: the first time it is given articles it fails as an
# unexpected error would (exit 1), so that Spark must retry the task; otherwise it is accord.
# ACCORD_REAL: the real binary; ACCORD_FLAKY_MARK: a folder created by that one failure.
set -uo pipefail
input="$(mktemp)"
cat > "$input"
if [ -s "$input" ] && mkdir "$ACCORD_FLAKY_MARK" 2>/dev/null; then
  rm -f "$input"
  echo "flaky-accord: simulated failure of this task" >&2
  exit 1
fi
"$ACCORD_REAL" "$@" < "$input"
status=$?
rm -f "$input"
exit "$status"
