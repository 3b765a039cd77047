#!/usr/bin/env bash
# End-to-end benchmark of the release binary; regenerates the section of BENCHMARKS.md
# between `<!-- bench:begin -->` and `<!-- bench:end -->` and prints it to stdout.
#
#   scripts/bench.sh              5,000 generated articles, 1 and 2 threads, 1 MB single files
#   scripts/bench.sh --large      also 100,000 articles on 2 threads (a few minutes; memory flat?)
#   scripts/bench.sh --stages     also the criterion benchmark of each stage (cargo bench --bench stages)
#   scripts/bench.sh --no-write   print the Markdown only, leave BENCHMARKS.md alone
#
# Environment: BENCH_DIR (default target/bench) caches the corpora, outputs and logs; corpora
# are generated only when missing (delete the folder to regenerate). BENCH_RUNS (default 3):
# runs per measurement, the best wall time is kept. CARGO_TARGET_DIR is honoured.
# Progress goes to stderr; stdout carries only the Markdown block.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_DIR:-target/bench}
RUNS=${BENCH_RUNS:-3}
REF_DATE=2026-12-02
SMALL=5000
LARGE=100000
BIN="${CARGO_TARGET_DIR:-target}/release/accord"
LARGE_RUN=0
STAGES_RUN=0
WRITE=1
LOAD_START="" # 1-minute load average before and after the measurements (a noisy machine shows)
LOAD_END=""

declare -A WALL RSS CMD # per measurement key: best wall time (s), peak RSS (KiB), command shown

# ---------------------------------------------------------------------------------------------
# Helpers

log() { echo "bench.sh: $*" >&2; }
die() {
    echo "bench.sh: error: $*" >&2
    exit 1
}

# calc DECIMALS EXPR: floating-point arithmetic through awk (EXPR holds numbers only).
calc() { awk "BEGIN { printf \"%.${1}f\", $2 }"; }

# group N: 100000 -> 100,000
group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

# mb KIB: peak RSS as reported by time(1) (KiB) in MB (10^6 bytes)
mb() { calc 0 "$1 * 1024 / 1e6"; }

# now_us: wall clock in microseconds (bash 5's EPOCHREALTIME, no extra process)
now_us() { echo "${EPOCHREALTIME/./}"; }

# load1: the 1-minute load average
load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo n/a; }

# shown PATH: a path as printed in the report, relative to the repository when inside it
shown() { echo "${1#"$ROOT"/}"; }

# corpus_bytes DIR / corpus_files DIR: total size and number of the .txt files under DIR
corpus_bytes() { find "$1" -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
corpus_files() { find "$1" -name '*.txt' | wc -l; }

# ---------------------------------------------------------------------------------------------
# Measuring

# How peak RSS is measured: GNU time if present, else Python's getrusage, else not at all.
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    RSS_TOOL=gnu-time
elif command -v python3 >/dev/null; then
    RSS_TOOL=python3
    log "WARNING: /usr/bin/time (GNU time) not found; peak RSS measured with python3 getrusage"
else
    RSS_TOOL=none
    log "WARNING: neither /usr/bin/time nor python3 found; peak RSS will be reported as n/a"
fi

# run_once LOG CMD...: run CMD once, its output in LOG; sets RUN_WALL (s) and RUN_RSS (KiB or
# n/a). Exits with a message and the end of the log when CMD fails.
run_once() {
    local log=$1 status=0 t0 t1
    shift
    t0=$(now_us)
    case $RSS_TOOL in
    gnu-time) /usr/bin/time -f '%M' -o "$log.rss" "$@" >"$log" 2>&1 || status=$? ;;
    python3)
        python3 -c '
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(status)' "$log.rss" "$@" >"$log" 2>&1 || status=$?
        ;;
    none) "$@" >"$log" 2>&1 || status=$? ;;
    esac
    t1=$(now_us)
    if ((status != 0)); then
        echo "bench.sh: error: command failed with exit status $status:" >&2
        echo "  $*" >&2
        echo "--- last lines of $log:" >&2
        tail -n 20 "$log" >&2
        exit 1
    fi
    RUN_WALL=$(calc 3 "($t1 - $t0) / 1e6")
    if [[ $RSS_TOOL == none ]]; then RUN_RSS=n/a; else RUN_RSS=$(tail -n 1 "$log.rss"); fi
}

# bench_accord KEY RUNS INPUT ARGS...: `accord run` on INPUT, best wall time of RUNS runs and
# the highest peak RSS of them, into WALL[KEY] and RSS[KEY]; the output folder is emptied
# before each run.
bench_accord() {
    local key=$1 runs=$2 i
    shift 2
    accord_command "$key" "$@"
    for ((i = 1; i <= runs; i++)); do accord_once "$key" "$i/$runs"; done
}

# bench_alternating RUNS KEY_A INPUT_A ARGS_A... -- KEY_B INPUT_B ARGS_B...: as bench_accord
# for both, their runs taken in turn (A, B, A, B, ...), so that a slow spell of a shared
# machine slows both alike and their ratio holds.
bench_alternating() {
    local runs=$1 i split
    shift
    for ((split = 1; split <= $#; split++)); do [[ ${!split} == -- ]] && break; done
    local a=("${@:1:split-1}") b=("${@:split+1}")
    accord_command "${a[@]}"
    accord_command "${b[@]}"
    for ((i = 1; i <= runs; i++)); do
        accord_once "${a[0]}" "$i/$runs"
        accord_once "${b[0]}" "$i/$runs"
    done
}

# accord_command KEY INPUT ARGS...: the command of measurement KEY into ACCORD_CMD[KEY] (and
# as shown into CMD[KEY]); its best wall time and peak RSS start empty.
declare -A ACCORD_CMD
accord_command() {
    local key=$1 input=$2
    shift 2
    local out="$BENCH_DIR/out/$key"
    ACCORD_CMD[$key]="$(printf '%q ' "$BIN" run --input "$input" --out "$out" --reference-date "$REF_DATE" "$@")"
    CMD[$key]="$(shown "$BIN") run --input $(shown "$input") --out $(shown "$out") --reference-date $REF_DATE $*"
    WALL[$key]=""
    RSS[$key]=0
}

# accord_once KEY LABEL: one run of measurement KEY (its output folder emptied first), kept in
# WALL[KEY] when it is the fastest so far and in RSS[KEY] when its peak RSS is the highest.
accord_once() {
    local key=$1 label=$2
    rm -rf "$BENCH_DIR/out/$key"
    eval "local cmd=(${ACCORD_CMD[$key]})"
    run_once "$BENCH_DIR/logs/$key.log" "${cmd[@]}"
    log "$key run $label: ${RUN_WALL} s, ${RUN_RSS} KiB"
    if [[ -z ${WALL[$key]} ]] || awk "BEGIN { exit !($RUN_WALL < ${WALL[$key]}) }"; then
        WALL[$key]=$RUN_WALL
    fi
    if [[ $RUN_RSS == n/a ]]; then
        RSS[$key]=n/a
    elif [[ ${RSS[$key]} != n/a ]] && ((RUN_RSS > RSS[$key])); then
        RSS[$key]=$RUN_RSS
    fi
}

# bench_cat KEY DIR: best wall time of RUNS warm-cache reads of the corpus with cat.
bench_cat() {
    local key=$1 dir=$2 i t0 t1 wall
    CMD[$key]="find $(shown "$dir") -name '*.txt' -print0 | xargs -0 cat > /dev/null"
    find "$dir" -name '*.txt' -print0 | xargs -0 cat >/dev/null # warm the page cache
    WALL[$key]=""
    for ((i = 1; i <= RUNS; i++)); do
        t0=$(now_us)
        find "$dir" -name '*.txt' -print0 | xargs -0 cat >/dev/null || die "cat of $dir failed"
        t1=$(now_us)
        wall=$(calc 3 "($t1 - $t0) / 1e6")
        log "$key run $i/$RUNS: $wall s"
        if [[ -z ${WALL[$key]} ]] || awk "BEGIN { exit !($wall < ${WALL[$key]}) }"; then
            WALL[$key]=$wall
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# Inputs

# build: the release binary (and the corpus generator, built by `cargo run` below)
build() {
    log "cargo build --release"
    cargo build --release >&2 || die "cargo build --release failed"
    [[ -x $BIN ]] || die "no binary at $BIN after the build (CARGO_TARGET_DIR?)"
}

# ensure_corpus COUNT DIR: generate COUNT articles into DIR unless DIR exists. Generated into
# DIR.partial and renamed, so an interrupted generation is never taken for a corpus.
ensure_corpus() {
    local count=$1 dir=$2 found
    if [[ ! -d $dir ]]; then
        log "generating $count articles into $dir"
        rm -rf "$dir.partial"
        cargo run --release --example gen_corpus -- "$count" "$dir.partial" >&2 ||
            die "gen_corpus failed for $dir"
        mv "$dir.partial" "$dir"
    fi
    found=$(corpus_files "$dir")
    ((found == count)) || die "$dir holds $found articles, expected $count; delete it to regenerate"
}

# ensure_single_files CORPUS: BENCH_DIR/single/{multi,oneline}.txt, about 1,000,000 bytes each,
# made from the corpus files in path order (cut after the last whole line, so never inside a
# UTF-8 character); the one-line variant has every newline replaced by a space.
ensure_single_files() {
    local corpus=$1 dir="$BENCH_DIR/single"
    [[ -f $dir/multi.txt && -f $dir/oneline.txt ]] && return
    log "making the 1 MB single files in $dir"
    mkdir -p "$dir"
    find "$corpus" -name '*.txt' -print0 | sort -z | xargs -0 cat >"$dir/all.tmp"
    head -c 1000000 "$dir/all.tmp" | sed '$d' >"$dir/multi.txt"
    tr '\n' ' ' <"$dir/multi.txt" >"$dir/oneline.txt"
    rm -f "$dir/all.tmp"
}

# ensure_empty_input: an empty folder, to time start-up alone (loading and compiling the rules)
ensure_empty_input() { mkdir -p "$BENCH_DIR/empty"; }

# bench_stages: the criterion benchmark of each stage over the sample stories, as a Markdown
# table (stage, time per pass over the samples, MB/s) on stdout; needs python3 to read
# criterion's estimates.
bench_stages() {
    local dir="${CARGO_TARGET_DIR:-target}/criterion/stages"
    log "cargo bench --bench stages"
    cargo bench --bench stages -- --warm-up-time 1 --measurement-time 3 >&2 || die "cargo bench --bench stages failed"
    command -v python3 >/dev/null || die "python3 is needed to read criterion's estimates"
    python3 - "$dir" <<'PY'
import json, pathlib, sys
rows = []
for stage in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    estimates, bench = stage / "new" / "estimates.json", stage / "new" / "benchmark.json"
    if not estimates.exists():
        continue
    seconds = json.loads(estimates.read_text())["mean"]["point_estimate"] / 1e9
    size = json.loads(bench.read_text())["throughput"]["Bytes"]
    rows.append((stage.name, seconds, size / seconds / 1e6))
print("| stage | time per pass | MB/s |")
print("|---|---|---|")
for name, seconds, rate in rows:
    print(f"| `{name}` | {seconds * 1e3:.3f} ms | {rate:.1f} |")
PY
}

# ---------------------------------------------------------------------------------------------
# Report

# corpus_row KEY CAT_KEY ARTICLES BYTES THREADS FORMATS: one row of a corpus table
corpus_row() {
    local key=$1 cat_wall=${WALL[$2]} articles=$3 bytes=$4 threads=$5 formats=$6 wall=${WALL[$1]}
    local rss=${RSS[$1]}
    [[ $rss != n/a ]] && rss="$(mb "$rss") MB"
    printf '| %s articles, %s MB | %s | %s | %s s | %s | %s | %s | %s× |\n' \
        "$(group "$articles")" "$(calc 1 "$bytes / 1e6")" "$threads" "$formats" "$wall" \
        "$(calc 1 "$bytes / $wall / 1e6")" "$(calc 0 "$articles / $wall")" "$rss" \
        "$(calc 0 "$wall / $cat_wall")"
}

# file_row KEY LABEL FILE: one row of the single-file table
file_row() {
    local key=$1 wall=${WALL[$1]} bytes rss=${RSS[$1]}
    bytes=$(stat -c %s "$3")
    [[ $rss != n/a ]] && rss="$(mb "$rss") MB"
    printf '| %s | %s | %s s | %s | %s |\n' "$2" "$(group "$bytes")" "$wall" \
        "$(calc 1 "$bytes / $wall / 1e6")" "$rss"
}

report() {
    local small_dir=$1 large_dir=$2 articles bytes commit cpu
    articles=$(corpus_files "$small_dir")
    bytes=$(corpus_bytes "$small_dir")
    commit=$(git rev-parse --short HEAD)
    git diff --quiet HEAD -- src rules Cargo.toml Cargo.lock || commit+=" (with uncommitted changes to the code or rules)"
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

    echo "## End-to-end (scripts/bench.sh)"
    echo
    echo "Generated by \`scripts/bench.sh$([[ $LARGE_RUN == 1 ]] && echo ' --large')\` — do not edit by hand."
    echo "$(date +%Y-%m-%d), commit \`$commit\`, \`nproc\` = $(nproc)${cpu:+ ($cpu)}, release build."
    echo "Wall time is the best of $RUNS run(s), peak RSS the highest of them (measured with $RSS_TOOL;"
    echo "the 1- and 2-thread runs taken in turn, so that a slow spell of the machine slows both;"
    echo "MB = 10^6 bytes). Corpora from \`cargo run --release --example gen_corpus -- COUNT DIR\`."
    echo "Load average (1 min) $LOAD_START before the measurements, $LOAD_END after: on a shared"
    echo "machine a load above \`nproc\` means other work competed for the cores."
    echo
    echo "| corpus | threads | formats | wall time | MB/s | articles/s | peak RSS | × \`cat\` |"
    echo "|---|---|---|---|---|---|---|---|"
    corpus_row t1 cat "$articles" "$bytes" 1 jsonl
    corpus_row t2 cat "$articles" "$bytes" 2 jsonl
    corpus_row t2all cat "$articles" "$bytes" 2 "default (csv, json, jsonl, xlsx)"
    printf '| `cat` of the same files (warm cache) | | | %s s | %s | | | 1× |\n' \
        "${WALL[cat]}" "$(calc 0 "$bytes / ${WALL[cat]} / 1e6")"
    echo
    echo "Speed-up from 1 to 2 threads (jsonl): **$(calc 2 "${WALL[t1]} / ${WALL[t2]}")×**."
    echo
    echo "| single file, 1 thread | bytes | wall time | MB/s | peak RSS |"
    echo "|---|---|---|---|---|"
    file_row multi "1 MB, normal lines" "$BENCH_DIR/single/multi.txt"
    file_row oneline "1 MB on one line" "$BENCH_DIR/single/oneline.txt"
    local startup_rss=${RSS[startup]}
    [[ $startup_rss != n/a ]] && startup_rss="$(mb "$startup_rss") MB"
    printf '| start-up alone: no articles (rules loaded and compiled) | 0 | %s s | | %s |\n' \
        "${WALL[startup]}" "$startup_rss"
    echo
    if [[ $LARGE_RUN == 1 ]]; then
        local l_articles l_bytes rss_ratio=n/a
        l_articles=$(corpus_files "$large_dir")
        l_bytes=$(corpus_bytes "$large_dir")
        [[ ${RSS[large]} != n/a && ${RSS[t2]} != n/a ]] &&
            rss_ratio="$(calc 2 "${RSS[large]} / ${RSS[t2]}")×"
        echo "Flat memory: $(group "$l_articles") articles against $(group "$articles"), 2 threads, jsonl (one run):"
        echo
        echo "| corpus | threads | formats | wall time | MB/s | articles/s | peak RSS | × \`cat\` |"
        echo "|---|---|---|---|---|---|---|---|"
        corpus_row large cat_large "$l_articles" "$l_bytes" 2 jsonl
        echo
        echo "Peak RSS, $(group "$l_articles") vs $(group "$articles") articles: **$rss_ratio** ($(mb "${RSS[large]}") MB vs $(mb "${RSS[t2]}") MB)."
    else
        echo "The $(group "$LARGE")-article run (flat memory) was not part of this run: \`scripts/bench.sh --large\`."
    fi
    if [[ $STAGES_RUN == 1 ]]; then
        echo
        echo "Each stage on its own (criterion, \`cargo bench --bench stages\`; the sample stories, one thread;"
        echo "MB/s of story text, of file text for \`segment\`; each extractor's time includes making its"
        echo "story's text forms, \`story_text\`):"
        echo
        cat "$BENCH_DIR/stages.md"
    fi
    echo
    echo "Targets (issue 16): ≥ 30 MB/s on 2 threads, ≥ 1.8× from 1 to 2 threads, peak RSS < 100 MB"
    echo "and flat from 5k to 100k articles, a 1 MB one-line article in under 0.2 s."
    echo
    echo "Commands:"
    echo
    echo '```sh'
    echo "cargo build --release"
    echo "cargo run --release --example gen_corpus -- $SMALL $(shown "$small_dir")"
    local key
    for key in t1 t2 t2all cat multi oneline startup; do echo "${CMD[$key]}"; done
    [[ $LARGE_RUN == 1 ]] && echo "cargo run --release --example gen_corpus -- $LARGE $(shown "$large_dir")" &&
        echo "${CMD[large]}" && echo "${CMD[cat_large]}"
    [[ $STAGES_RUN == 1 ]] && echo "cargo bench --bench stages -- --warm-up-time 1 --measurement-time 3"
    echo '```'
}

# write_section FILE BLOCK: replace what lies between the markers in FILE with BLOCK's lines
write_section() {
    local file=$1 block=$2
    [[ $(grep -c '^<!-- bench:begin -->$' "$file") == 1 && $(grep -c '^<!-- bench:end -->$' "$file") == 1 ]] ||
        die "$file needs exactly one '<!-- bench:begin -->' and one '<!-- bench:end -->' line"
    awk -v block="$block" '
        /^<!-- bench:begin -->$/ { print; while ((getline line < block) > 0) print line; skip = 1; next }
        /^<!-- bench:end -->$/   { skip = 0 }
        !skip                    { print }
    ' "$file" >"$file.tmp"
    mv "$file.tmp" "$file"
    log "rewrote the generated section of $file"
}

# ---------------------------------------------------------------------------------------------
# Main

main() {
    local arg
    for arg in "$@"; do
        case $arg in
        --large) LARGE_RUN=1 ;;
        --stages) STAGES_RUN=1 ;;
        --no-write) WRITE=0 ;;
        -h | --help)
            sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown argument '$arg' (see --help)" ;;
        esac
    done
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$RUNS'"

    mkdir -p "$BENCH_DIR/out" "$BENCH_DIR/logs"
    local small_dir="$BENCH_DIR/corpus$SMALL" large_dir="$BENCH_DIR/corpus$LARGE"
    build
    ensure_corpus "$SMALL" "$small_dir"
    ensure_single_files "$small_dir"
    ensure_empty_input
    [[ $LARGE_RUN == 1 ]] && ensure_corpus "$LARGE" "$large_dir"

    LOAD_START=$(load1)
    bench_cat cat "$small_dir"
    bench_alternating "$RUNS" t1 "$small_dir" --format jsonl --threads 1 -- t2 "$small_dir" --format jsonl --threads 2
    bench_accord t2all "$RUNS" "$small_dir" --threads 2
    bench_accord multi "$RUNS" "$BENCH_DIR/single/multi.txt" --threads 1 --max-file-size 64M
    bench_accord oneline "$RUNS" "$BENCH_DIR/single/oneline.txt" --threads 1 --max-file-size 64M
    bench_accord startup "$RUNS" "$BENCH_DIR/empty" --threads 1 --format jsonl
    [[ $LARGE_RUN == 1 ]] && bench_cat cat_large "$large_dir"
    [[ $LARGE_RUN == 1 ]] && bench_accord large 1 "$large_dir" --format jsonl --threads 2

    [[ $STAGES_RUN == 1 ]] && bench_stages >"$BENCH_DIR/stages.md"

    LOAD_END=$(load1)
    local block="$BENCH_DIR/section.md"
    report "$small_dir" "$large_dir" >"$block"
    cat "$block"
    if [[ $WRITE == 1 ]]; then write_section BENCHMARKS.md "$block"; fi
}

main "$@"
