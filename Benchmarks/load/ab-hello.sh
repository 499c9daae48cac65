#!/usr/bin/env bash
# Before/after of a framework build: two (or more) MiniWebHello (or HummingbirdHello) binaries,
# all running at once on core 0 and measured in turn with wrk on core 1.
#
#   Benchmarks/load/ab-hello.sh ROUNDS SECONDS CONNECTIONS ROUTE BINARY...
#
#   cp Benchmarks/.build/release/MiniWebHello /tmp/MiniWebHello.before   # build, copy, change, build
#   Benchmarks/load/ab-hello.sh 4 3 256 /plaintext /tmp/MiniWebHello.before Benchmarks/.build/release/MiniWebHello
#
# Prints, per binary, the median requests/s and every round's requests/s and p99 latency.
set -euo pipefail
rounds=${1:?rounds}
seconds=${2:?seconds}
connections=${3:?connections}
route=${4:?route}
shift 4
[ $# -ge 1 ] || { echo "usage: $0 rounds seconds connections route BINARY..." >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

base_port=18900
count=$#
index=0
for binary in "$@"; do
    taskset -c 0 "$binary" --port $((base_port + index)) >/dev/null 2>&1 &
    index=$((index + 1))
done
for ((i = 0; i < count; i++)); do
    tries=0
    until curl -sf "http://127.0.0.1:$((base_port + i))/plaintext" >/dev/null 2>&1; do
        sleep 0.05
        tries=$((tries + 1))
        [ "$tries" -lt 600 ] || { echo "server $i did not come up" >&2; exit 1; }
    done
    taskset -c 1 wrk -t2 -c"$connections" -d1s "http://127.0.0.1:$((base_port + i))$route" >/dev/null
done

declare -a rps p99
for ((r = 0; r < rounds; r++)); do
    for ((i = 0; i < count; i++)); do
        out=$(taskset -c 1 wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$((base_port + i))$route")
        rps[i]="${rps[i]:-} $(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')"
        p99[i]="${p99[i]:-} $(echo "$out" | awk '$1 == "99%" {print $2}')"
    done
done
index=0
for binary in "$@"; do
    median=$(echo ${rps[index]} | tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    echo "$binary  $route c=$connections  median $median req/s  rounds:${rps[index]}  p99:${p99[index]}"
    index=$((index + 1))
done
