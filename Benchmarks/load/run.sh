#!/usr/bin/env bash
# MiniWeb vs Hummingbird 2, and SampleApp's login service vs the Flask tutorial, under load, side
# by side, on this machine.
#
#   Benchmarks/load/run.sh [seconds-per-run]      (default 10)
#
# 1. Builds MiniWebHello and HummingbirdHello in release mode, pins each server to core 0 and wrk
#    to core 1 (loopback only), and runs GET /plaintext, /json, /users/:id and /mw/plaintext
#    (three pass-through middlewares) at 32 and 256 connections.
# 2. Runs the WeChat emulator (SampleApp emulator, load-test mode) on core 1, then SampleApp serve
#    (SQLite) and the Flask tutorial's login (gunicorn, 4 workers, in Benchmarks/.venv) in turn on
#    core 0: POST /user/wxlogin with a fresh code per request, and SampleApp's GET /user/me.
#
# Prints Markdown tables and writes them, with startup times, peak memory (VmHWM) and the
# emulator's CPU use, to Benchmarks/load/results.md, and a chart to Benchmarks/load/results.png.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }

swift build -c release --product MiniWebHello >/dev/null
swift build -c release --product HummingbirdHello >/dev/null
bin=$(swift build -c release --show-bin-path)
(cd .. && swift build -c release --product SampleApp >/dev/null)
sampleapp="$(cd .. && swift build -c release --show-bin-path)/SampleApp"
if [ ! -x .venv/bin/gunicorn ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -r flask/requirements.txt
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

routes=(plaintext json users/42 mw/plaintext)
connections=(32 256)
port=18400
out=load/results.md
declare -A rps p99 hwm startup

now_ms() { date +%s%3N; }

# Waits until URL answers 2xx; prints the milliseconds since START.
wait_until_up() {
    local url=$1 start=$2
    until curl -sf "$url" >/dev/null 2>&1; do
        sleep 0.005
        [ $(( $(now_ms) - start )) -lt 60000 ] || { echo "$url did not come up" >&2; exit 1; }
    done
    echo $(( $(now_ms) - start ))
}

# CPU ticks (user + system) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Peak resident memory of a process and its children, in kB.
peak_kb() {
    local total=0 pid
    for pid in "$@" $(pgrep -P "$(echo "$@" | tr ' ' ',')" 2>/dev/null); do
        total=$(( total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

for server in MiniWebHello HummingbirdHello; do
    port=$((port + 1))
    start=$(now_ms)
    taskset -c 0 "$bin/$server" --port "$port" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/plaintext" >/dev/null 2>&1; do
        sleep 0.005
        [ $(( $(now_ms) - start )) -lt 30000 ] || { echo "$server did not start" >&2; kill $pid; exit 1; }
    done
    startup[$server]=$(( $(now_ms) - start ))
    # Warm-up, then the measured runs.
    taskset -c 1 wrk -t2 -c64 -d2s "http://127.0.0.1:$port/plaintext" >/dev/null
    for route in "${routes[@]}"; do
        for c in "${connections[@]}"; do
            result=$(taskset -c 1 wrk -t2 -c"$c" -d"${duration}s" --latency "http://127.0.0.1:$port/$route")
            rps[$server,$route,$c]=$(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}')
            p99[$server,$route,$c]=$(echo "$result" | awk '$1 == "99%" {print $2}')
            errors=$(echo "$result" | awk '/Non-2xx|Socket errors/ {print}')
            [ -z "$errors" ] || echo "$server /$route c=$c: $errors" >&2
        done
    done
    hwm[$server]=$(awk '/VmHWM/ {print $2 " " $3}' /proc/$pid/status)
    kill -TERM $pid
    wait $pid 2>/dev/null || true
done

# ---- Part 2: the login flow ----
app_id=wxbenchmark0000001
secret=benchmark-app-secret-0123456789
emulator_port=$((port + 10))
taskset -c 1 "$sampleapp" emulator --port "$emulator_port" --app-id "$app_id" --app-secret "$secret" --benchmark-users 1000 >/dev/null 2>&1 &
emulator_pid=$!
wait_until_up "http://127.0.0.1:$emulator_port/emulator/calls" "$(now_ms)" >/dev/null
curl -sf "http://127.0.0.1:$emulator_port/emulator/benchmark/payloads.lua?appid=$app_id" > "$work/payloads.lua"
export PAYLOADS="$work/payloads.lua"
declare -A login_rps login_p99 login_errors login_startup login_hwm login_emulator_cpu

run_login() {  # name url pid
    local name=$1 url=$2 before after result
    RUN_ID="$name-warmup" taskset -c 1 wrk -t2 -c32 -d2s -s load/login.lua "$url" >/dev/null  # warm-up
    before=$(cpu_ticks "$emulator_pid")
    result=$(RUN_ID="$name-run" taskset -c 1 wrk -t2 -c32 -d"${duration}s" --latency -s load/login.lua "$url")
    after=$(cpu_ticks "$emulator_pid")
    login_rps[$name]=$(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    login_p99[$name]=$(echo "$result" | awk '$1 == "99%" {print $2}')
    login_errors[$name]=$(echo "$result" | awk '/Non-2xx/ {print $5}')
    login_emulator_cpu[$name]=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$duration" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }')
}

sample_port=$((port + 11))
start=$(now_ms)
env WX_APP_ID="$app_id" WX_APP_SECRET="$secret" SESSION_SECRET="benchmark-session-secret-0123456789abcdef" \
    WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/sampleapp.sqlite" LOG_LEVEL=warning \
    taskset -c 0 "$sampleapp" serve --port "$sample_port" --login-rate 1000000 --login-burst 1000000 >/dev/null 2>&1 &
sample_pid=$!
login_startup[SampleApp]=$(wait_until_up "http://127.0.0.1:$sample_port/healthz" "$start")
run_login SampleApp "http://127.0.0.1:$sample_port"
device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
token=$(curl -s -X POST "http://127.0.0.1:$sample_port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')
declare -A me_rps me_p99
for c in "${connections[@]}"; do
    result=$(taskset -c 1 wrk -t2 -c"$c" -d"${duration}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$sample_port/user/me")
    me_rps[$c]=$(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    me_p99[$c]=$(echo "$result" | awk '$1 == "99%" {print $2}')
done
login_hwm[SampleApp]=$(peak_kb "$sample_pid")
kill -TERM "$sample_pid"; wait "$sample_pid" 2>/dev/null || true

flask_port=$((port + 12))
start=$(now_ms)
(cd flask && env WX_APP_ID="$app_id" WX_APP_SECRET="$secret" WX_API_BASE_URL="http://127.0.0.1:$emulator_port" \
    taskset -c 0 ../.venv/bin/gunicorn -w 4 -b "127.0.0.1:$flask_port" app:app >/dev/null 2>&1) &
flask_job=$!
sleep 0.1
flask_pid=$(pgrep -of "gunicorn -w 4 -b 127.0.0.1:$flask_port")
until curl -s -o /dev/null "http://127.0.0.1:$flask_port/user/wxlogin"; do sleep 0.01; done
login_startup[Flask]=$(( $(now_ms) - start ))
run_login Flask "http://127.0.0.1:$flask_port"
login_hwm[Flask]=$(peak_kb "$flask_pid")
kill -TERM "$flask_pid"; wait "$flask_job" 2>/dev/null || true
kill -TERM "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true

{
    echo "| route | connections | MiniWeb req/s | p99 | Hummingbird 2 req/s | p99 | MiniWeb / Hummingbird |"
    echo "|---|---|---|---|---|---|---|"
    for route in "${routes[@]}"; do
        for c in "${connections[@]}"; do
            m=${rps[MiniWebHello,$route,$c]}
            h=${rps[HummingbirdHello,$route,$c]}
            ratio=$(awk -v m="$m" -v h="$h" 'BEGIN { printf "%.2f", m / h }')
            echo "| /$route | $c | $m | ${p99[MiniWebHello,$route,$c]} | $h | ${p99[HummingbirdHello,$route,$c]} | ${ratio}x |"
        done
    done
    echo
    echo "| server | startup to first response | peak memory (VmHWM) |"
    echo "|---|---|---|"
    for server in MiniWebHello HummingbirdHello; do
        echo "| $server | ${startup[$server]} ms | ${hwm[$server]} |"
    done
    echo
    echo "| login service | POST /user/wxlogin logins/s (32 conns) | p99 | non-2xx | emulator CPU | startup | peak memory |"
    echo "|---|---|---|---|---|---|---|"
    for name in SampleApp Flask; do
        echo "| $name | ${login_rps[$name]} | ${login_p99[$name]} | ${login_errors[$name]:-0} | ${login_emulator_cpu[$name]} | ${login_startup[$name]} ms | ${login_hwm[$name]} kB |"
    done
    echo
    echo "SampleApp / Flask logins: $(awk -v s="${login_rps[SampleApp]}" -v f="${login_rps[Flask]}" 'BEGIN { printf "%.1f", s / f }')x."
    echo
    echo "| SampleApp GET /user/me | connections | req/s | p99 | / MiniWeb /plaintext |"
    echo "|---|---|---|---|---|"
    for c in "${connections[@]}"; do
        echo "| token verified, user cached | $c | ${me_rps[$c]} | ${me_p99[$c]} | $(awk -v m="${me_rps[$c]}" -v p="${rps[MiniWebHello,plaintext,$c]}" 'BEGIN { printf "%.2f", m / p }')x |"
    done
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), ${duration} s per run, server on core 0, wrk -t2 on core 1."
} | tee "$out"

# The chart.
{
    echo "kind,name,value"
    for route in "${routes[@]}"; do
        for c in "${connections[@]}"; do
            echo "framework,MiniWeb /$route c$c,${rps[MiniWebHello,$route,$c]}"
            echo "framework,Hummingbird /$route c$c,${rps[HummingbirdHello,$route,$c]}"
        done
    done
    echo "login,SampleApp,${login_rps[SampleApp]}"
    echo "login,Flask,${login_rps[Flask]}"
} > "$work/results.csv"
.venv/bin/python load/chart.py "$work/results.csv" load/results.png
