#!/usr/bin/env bash
# Before/after of the login flow: two (or more) SampleApp builds, measured in turn.
#
#   Benchmarks/load/ab-login.sh [--me] rounds seconds BINARY...
#
#   cp .build/release/SampleApp /tmp/SampleApp.before     # build, copy, change, build again
#   Benchmarks/load/ab-login.sh 3 6 /tmp/SampleApp.before .build/release/SampleApp
#
# With --me it measures GET /user/me with one user's token instead, at 32 and 256 connections.
#
# Each round starts every binary in turn on core 0 (SQLite in a fresh directory), warms it for
# 2 s, and drives POST /user/wxlogin with wrk on core 1 against one WeChat emulator (also on
# core 1, started from the first binary). It prints logins/s and the server's CPU time per login
# (its user + system ticks over the run, divided by the logins): the second is the steadier
# figure on a machine whose speed drifts, since it does not depend on how long the run waited.
set -euo pipefail
mode=login
if [ "${1:-}" = --me ]; then
    mode=me
    shift
fi
rounds=${1:?rounds}
seconds=${2:?seconds}
shift 2
[ $# -ge 1 ] || { echo "usage: $0 rounds seconds BINARY..." >&2; exit 2; }
binaries=()
for binary in "$@"; do
    binaries+=("$(realpath "$binary")")
done
set -- "${binaries[@]}"
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

app_id=wxbenchmark0000001
secret=benchmark-app-secret-0123456789
emulator_port=18541
server_port=18542
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

wait_until_up() {
    local url=$1 tries=0
    until curl -sf "$url" >/dev/null 2>&1; do
        sleep 0.05
        tries=$((tries + 1))
        [ "$tries" -lt 600 ] || { echo "$url did not come up" >&2; exit 1; }
    done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

taskset -c 1 "$1" emulator --port "$emulator_port" --app-id "$app_id" --app-secret "$secret" --benchmark-users 1000 >/dev/null 2>&1 &
wait_until_up "http://127.0.0.1:$emulator_port/emulator/calls"
curl -sf "http://127.0.0.1:$emulator_port/emulator/benchmark/payloads.lua?appid=$app_id" > "$work/payloads.lua"
export PAYLOADS="$work/payloads.lua"

run=0
for round in $(seq "$rounds"); do
    for binary in "$@"; do
        run=$((run + 1))
        mkdir "$work/$run"
        env WX_APP_ID="$app_id" WX_APP_SECRET="$secret" SESSION_SECRET="benchmark-session-secret-0123456789abcdef" \
            WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/$run/sampleapp.sqlite" LOG_LEVEL=warning \
            taskset -c 0 "$binary" serve --port "$server_port" --login-rate 1000000 --login-burst 1000000 >/dev/null 2>&1 &
        pid=$!
        wait_until_up "http://127.0.0.1:$server_port/healthz"
        if [ "$mode" = me ]; then
            device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
            token=$(curl -s -X POST "http://127.0.0.1:$server_port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')
            taskset -c 1 wrk -t2 -c64 -d2s -H "Authorization: Bearer $token" "http://127.0.0.1:$server_port/user/me" >/dev/null
            line="round $round  $binary  /user/me"
            for c in 32 256; do
                line+="  c=$c $(taskset -c 1 wrk -t2 -c"$c" -d"${seconds}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$server_port/user/me" | awk '/Requests\/sec/ {printf "%.0f", $2}') req/s"
            done
            echo "$line"
            kill -TERM "$pid"
            wait "$pid" 2>/dev/null || true
            continue
        fi
        RUN_ID="warmup-$run" taskset -c 1 wrk -t2 -c32 -d2s -s load/login.lua "http://127.0.0.1:$server_port" >/dev/null
        before=$(cpu_ticks "$pid")
        result=$(RUN_ID="run-$run" taskset -c 1 wrk -t2 -c32 -d"${seconds}s" -s load/login.lua "http://127.0.0.1:$server_port")
        after=$(cpu_ticks "$pid")
        logins=$(echo "$result" | awk '/requests in/ {print $1}')
        echo "round $round  $binary  logins/s $(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}')" \
            " CPU per login $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$logins" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }') µs" \
            " non-2xx $(echo "$result" | awk '/Non-2xx/ {n = $5} END {print n + 0}')"
        kill -TERM "$pid"
        wait "$pid" 2>/dev/null || true
    done
done
