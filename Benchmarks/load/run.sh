#!/usr/bin/env bash
# MiniWeb vs Hummingbird 2 under load, side by side, on this machine.
#
#   Benchmarks/load/run.sh [seconds-per-run]      (default 10)
#
# Builds both peers in release mode, pins each server to core 0 and wrk to core 1 (loopback
# only), and runs GET /plaintext, /json, /users/:id and /mw/plaintext (three pass-through
# middlewares) at 32 and 256 connections. Prints one Markdown table and writes it, with the
# startup times and peak memory (VmHWM), to Benchmarks/load/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }

swift build -c release --product MiniWebHello >/dev/null
swift build -c release --product HummingbirdHello >/dev/null
bin=$(swift build -c release --show-bin-path)

routes=(plaintext json users/42 mw/plaintext)
connections=(32 256)
port=18400
out=load/results.md
declare -A rps p99 hwm startup

now_ms() { date +%s%3N; }

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
    echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), ${duration} s per run, server on core 0, wrk -t2 on core 1."
} | tee "$out"
