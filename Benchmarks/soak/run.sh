#!/usr/bin/env bash
# Soak test: SampleApp under mixed login / /user/me / logout traffic against the WeChat emulator.
#
#   Benchmarks/soak/run.sh                      # release build, 30 s warm-up, 60 s at 256 connections
#   Benchmarks/soak/run.sh --debug --warmup 3 --duration 10 --connections 64 --max-memory-growth 25
#                                                # CI's short form (a 3 s warm-up of a debug build
#                                                # does not settle memory: the bound is looser)
#
# SampleApp (production mode, SQLite) runs on core 0; the emulator and the load driver
# (Benchmarks/Sources/Soak) on core 1. Loopback only; it stops by itself. The driver prints the
# statuses per step, socket errors, resident memory after warm-up and at the peak, and the
# server's open file descriptors, and exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"

configuration=release
warmup=30
duration=60
connections=256
max_growth=10
while [ $# -gt 0 ]; do
    case "$1" in
        --debug) configuration=debug ;;
        --warmup) warmup=$2; shift ;;
        --duration) duration=$2; shift ;;
        --connections) connections=$2; shift ;;
        --max-memory-growth) max_growth=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

swift build -c "$configuration" --product SampleApp 2>&1 | grep -E "error|Compiling|Build" | tail -n 3
swift build -c "$configuration" --package-path Benchmarks --product Soak 2>&1 | grep -E "error|Compiling|Build" | tail -n 3
sampleapp="$(swift build -c "$configuration" --show-bin-path)/SampleApp"
soak="$(swift build -c "$configuration" --package-path Benchmarks --show-bin-path)/Soak"

pin() {  # pin CORE COMMAND...: become COMMAND, on one core when the machine has two or more
    local core=$1; shift   # (exec: started with &, $! is then the program's own pid)
    if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then exec taskset -c "$core" "$@"; else exec "$@"; fi
}
wait_for_line() {  # wait_for_line FILE PATTERN: print the first match within 30 s
    for _ in $(seq 1 300); do
        if grep -qE "$2" "$1" 2>/dev/null; then grep -oE "$2" "$1" | head -n 1; return 0; fi
        sleep 0.1
    done
    echo "soak: timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

work=$(mktemp -d /tmp/miniweb-soak.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

app_id=wxsoak00000000001
secret=soak-app-secret-0123456789abcdef
pin 1 "$sampleapp" emulator --port 0 --app-id "$app_id" --app-secret "$secret" > "$work/emulator.out" 2>&1 &
pids+=($!)
emulator=$(wait_for_line "$work/emulator.out" 'http://[0-9.]+:[0-9]+')

export WX_APP_ID="$app_id" WX_APP_SECRET="$secret" SESSION_SECRET="soak-session-secret-0123456789abcdefghij" \
    WX_API_BASE_URL="$emulator" DATABASE_URL="sqlite://$work/soak.sqlite" LOG_LEVEL=warning
pin 0 "$sampleapp" serve --port 0 --no-metrics --login-rate 1000000 --login-burst 1000000 > "$work/sampleapp.out" 2> "$work/sampleapp.log" &
server_pid=$!
pids+=($server_pid)
api=$(wait_for_line "$work/sampleapp.out" 'http://[0-9.]+:[0-9]+')

echo "soak: $configuration build, SampleApp at $api (pid $server_pid, core 0), emulator at $emulator (core 1)"
status=0
(pin 1 "$soak" --api "$api" --emulator "$emulator" --app-id "$app_id" --pid "$server_pid" \
    --connections "$connections" --warmup "$warmup" --duration "$duration" --max-memory-growth "$max_growth") || status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "soak: FAILED: SampleApp is gone; its log:" >&2; tail -n 30 "$work/sampleapp.log" >&2; exit 1
fi
echo "soak: database files: $(cd "$work" && ls -l soak.sqlite* | awk '{printf "%s %d kB; ", $NF, $5 / 1024}')"
if [ "$status" -ne 0 ]; then
    echo "soak: SampleApp's log (last lines):" >&2; tail -n 20 "$work/sampleapp.log" >&2
fi
exit "$status"
