#!/usr/bin/env bash
# Counts, per request, how often a server calls malloc, swift_allocObject, swift_retain,
# swift_getGenericMetadata, pthread_mutex_lock and swift_task_switch (each of which looks up the
# task's executor preference under a lock), and how many async frames it allocates (swift_task_alloc: calls and
# bytes; each async call's frame comes from the connection task's allocator): exact figures that
# do not drift with the machine's speed, for changes too small to show through this VM's noise in
# requests/s.
#
#   Benchmarks/load/count-per-request.sh hello PATH [MINIWEBHELLO]     e.g. hello /plaintext
#   Benchmarks/load/count-per-request.sh app PATH [SAMPLEAPP]          e.g. app /user/me
#
# `app` runs SampleApp (SQLite in a temporary directory, with the WeChat emulator) and sends a
# login's token with every request. The binaries default to the release builds. Needs root and
# `perf` with uprobes: it adds the seven probes with `perf probe` and removes them when done. The
# server runs on core 0, wrk (1 thread, 4 connections, 2 s) on core 1; the probes slow the server
# down by an order of magnitude, which does not change the counts.
set -euo pipefail
kind=${1:?hello or app}
path=${2:?path}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is needed (linux-perf)" >&2; exit 1; }
case "$kind" in
    hello) binary=$(realpath "${3:-.build/release/MiniWebHello}") ;;
    app) binary=$(realpath "${3:-../.build/release/SampleApp}") ;;
    *) echo "the first argument is hello or app" >&2; exit 2 ;;
esac

libc=$(ldd "$binary" | awk '$1 ~ /^libc\.so/ {print $3}')
swiftcore=$(ldd "$binary" | awk '$1 ~ /^libswiftCore\.so/ {print $3}')
concurrency=$(ldd "$binary" | awk '$1 ~ /^libswift_Concurrency\.so/ {print $3}')
added=()
probe() {  # probe LIBRARY FUNCTION EVENT
    if ! perf probe -l 2>/dev/null | grep -q "$3 "; then
        perf probe -q -x "$1" -a "$2" && added+=("$3")
    fi
}
# The frame size is swift_task_alloc's first argument.
probe "$concurrency" 'swift_task_alloc size=%di:u64' probe_libswift_Concurrency:swift_task_alloc
probe "$libc" malloc probe_libc:malloc
probe "$swiftcore" swift_allocObject probe_libswiftCore:swift_allocObject
probe "$swiftcore" swift_retain probe_libswiftCore:swift_retain
probe "$swiftcore" swift_getGenericMetadata probe_libswiftCore:swift_getGenericMetadata
probe "$libc" pthread_mutex_lock probe_libc:pthread_mutex_lock
probe "$concurrency" swift_task_switch probe_libswift_Concurrency:swift_task_switch
events=probe_libc:malloc,probe_libswiftCore:swift_allocObject,probe_libswiftCore:swift_retain,probe_libswiftCore:swift_getGenericMetadata
events=$events,probe_libc:pthread_mutex_lock,probe_libswift_Concurrency:swift_task_switch

work=$(mktemp -d)
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    for event in "${added[@]}"; do perf probe -q -d "$event" || true; done
    rm -rf "$work"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 600); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "$1 did not come up" >&2; exit 1; }

headers=()
if [ "$kind" = hello ]; then
    port=18721
    taskset -c 0 "$binary" --port $port >/dev/null 2>&1 &
    pid=$!
    wait_for "http://127.0.0.1:$port/plaintext"
else
    port=18722
    emulator_port=18723
    app_id=wxbenchmark0000001
    secret=benchmark-app-secret-0123456789
    taskset -c 1 "$binary" emulator --port $emulator_port --app-id $app_id --app-secret $secret --benchmark-users 10 >/dev/null 2>&1 &
    wait_for "http://127.0.0.1:$emulator_port/emulator/calls"
    env WX_APP_ID=$app_id WX_APP_SECRET=$secret SESSION_SECRET=benchmark-session-secret-0123456789abcdef \
        WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/s.sqlite" LOG_LEVEL=warning \
        taskset -c 0 "$binary" serve --port $port >/dev/null 2>&1 &
    pid=$!
    wait_for "http://127.0.0.1:$port/healthz"
    device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
    token=$(curl -s -X POST "http://127.0.0.1:$port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')
    headers=(-H "Authorization: Bearer $token")
fi
url="http://127.0.0.1:$port$path"
# Runs `perf ARGUMENTS... -p <server>` while wrk loads the server for SECONDS, and prints the
# number of requests wrk completed meanwhile.
perf_under_load() {  # SECONDS ARGUMENTS...
    local seconds=$1 perf_pid
    shift
    perf "$@" -p "$pid" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.3
    taskset -c 1 wrk -t1 -c4 -d"${seconds}s" "${headers[@]}" "$url" | awk '/requests in/ {print $1}'
    sleep 0.3
    kill -INT $perf_pid
    wait $perf_pid 2>/dev/null || true
}
taskset -c 1 wrk -t1 -c4 -d1s "${headers[@]}" "$url" >/dev/null
sleep 0.5
requests=$(perf_under_load 2 stat -x, -e "$events" -o "$work/stat")
echo "$kind $path: $requests requests"
awk -F, -v n="$requests" '/probe_/ { sub(/^probe_[^:]*:/, "", $3); printf "  %-26s %8.2f per request\n", $3, $1 / n }' "$work/stat"

# The frames' sizes: the task allocations of another 1 s of load, recorded with their size.
requests=$(perf_under_load 1 record -q -e probe_libswift_Concurrency:swift_task_alloc -o "$work/frames.data")
perf script -i "$work/frames.data" -F trace 2>/dev/null | awk -v n="$requests" '
    { for (i = 1; i <= NF; i++) if ($i ~ /^size=/) { split($i, field, "="); calls++; bytes += field[2] } }
    END { printf "  %-26s %8.2f per request, %.0f bytes\n", "swift_task_alloc", calls / n, bytes / n }'
