#!/usr/bin/env bash
# GET /user/me against MiniWebHello's /plaintext, without the rest of run.sh: MiniWebHello
# /plaintext, SampleApp /healthz (the app's four global middlewares and a JSON answer) and
# SampleApp /user/me (plus the auth middleware and the cached user), measured in turn.
#
#   Benchmarks/load/me-vs-plaintext.sh ROUNDS SECONDS CONNECTIONS [SAMPLEAPP [MINIWEBHELLO]]
#   Benchmarks/load/me-vs-plaintext.sh 5 3 256
#
# The binaries default to the release builds (`swift build -c release --product SampleApp` at
# the top, `swift build -c release --product MiniWebHello` here). Servers on core 0, wrk and the
# WeChat emulator on core 1; no login run before (run.sh runs /user/me after its login run).
# Each round measures the three in a new order. It prints each route's median requests/s and
# server CPU time per request (the server's user and system time over the round, divided by its
# requests: steadier than requests/s on this VM), and every round. It also gives the least CPU
# time of the rounds: the machine's neighbours only ever slow a round down (on a noisy day the
# same route's rounds spread over 29-52 µs), so the least is the round they disturbed least.
set -euo pipefail
rounds=${1:?rounds}
seconds=${2:?seconds}
connections=${3:?connections}
cd "$(dirname "$0")/.."
sampleapp=$(realpath "${4:-../.build/release/SampleApp}")
hello=$(realpath "${5:-.build/release/MiniWebHello}")
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

app_id=wxbenchmark0000001
secret=benchmark-app-secret-0123456789
emulator_port=18690
sample_port=18691
hello_port=18692
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

wait_for() { for _ in $(seq 600); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "$1 did not come up" >&2; exit 1; }

taskset -c 1 "$sampleapp" emulator --port $emulator_port --app-id $app_id --app-secret $secret --benchmark-users 1000 >/dev/null 2>&1 &
taskset -c 0 "$hello" --port $hello_port >/dev/null 2>&1 &
hello_pid=$!
wait_for "http://127.0.0.1:$emulator_port/emulator/calls"
env WX_APP_ID=$app_id WX_APP_SECRET=$secret SESSION_SECRET=benchmark-session-secret-0123456789abcdef \
    WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/s.sqlite" LOG_LEVEL=warning \
    taskset -c 0 "$sampleapp" serve --port $sample_port --login-rate 1000000 --login-burst 1000000 >/dev/null 2>&1 &
sample_pid=$!
wait_for "http://127.0.0.1:$sample_port/healthz"
wait_for "http://127.0.0.1:$hello_port/plaintext"
device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
token=$(curl -s -X POST "http://127.0.0.1:$sample_port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')

names=(plaintext healthz me)
urls=("http://127.0.0.1:$hello_port/plaintext" "http://127.0.0.1:$sample_port/healthz" "http://127.0.0.1:$sample_port/user/me")
pids=("$hello_pid" "$sample_pid" "$sample_pid")
for url in "${urls[@]}"; do
    taskset -c 1 wrk -t2 -c"$connections" -d1s -H "Authorization: Bearer $token" "$url" >/dev/null
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # the server's user and system time
hz=$(getconf CLK_TCK)
declare -A rounds_of cpu_of
for _ in $(seq "$rounds"); do
    # In a new order every round, so that a drift of the machine's speed spreads over all three.
    for index in $(shuf -e 0 1 2); do
        before=$(cpu_ticks "${pids[$index]}")
        result=$(taskset -c 1 wrk -t2 -c"$connections" -d"${seconds}s" -H "Authorization: Bearer $token" "${urls[$index]}")
        after=$(cpu_ticks "${pids[$index]}")
        rounds_of[$index]="${rounds_of[$index]:-} $(echo "$result" | awk '/Requests\/sec/ { printf "%.0f", $2 }')"
        requests=$(echo "$result" | awk '/requests in/ { print $1 }')
        cpu_of[$index]="${cpu_of[$index]:-} $(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
least() { printf '%s\n' "$@" | sort -n | head -1; }
for index in 0 1 2; do
    # shellcheck disable=SC2086
    echo "${names[$index]} c=$connections  median $(median ${rounds_of[$index]}) req/s, $(median ${cpu_of[$index]}) µs of server CPU per request (least $(least ${cpu_of[$index]}))  rounds:${rounds_of[$index]}  CPU:${cpu_of[$index]}"
done
