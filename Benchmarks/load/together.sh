#!/usr/bin/env bash
# Two servers loaded at the same time, sharing core 0: the ratio of their CPU time per request,
# with the VM's drift taken out.
#
#   Benchmarks/load/together.sh ROUNDS SECONDS CONNECTIONS A B
#   A and B: KIND:PATH[:BINARY], KIND hello (MiniWebHello), app (SampleApp serve, GET PATH with
#   a login's token) or login (SampleApp serve, POST /user/wxlogin with a fresh code per request,
#   through load/login.lua; PATH is ignored)
#
#   Benchmarks/load/together.sh 4 3 256 hello:/plaintext app:/user/me
#   Benchmarks/load/together.sh 4 3 256 app:/user/me:/tmp/SampleApp.before app:/user/me
#   Benchmarks/load/together.sh 4 5 32 login::/tmp/SampleApp.before login:
#
# The binaries default to the release builds (`swift build -c release --product SampleApp` at
# the top, `swift build -c release --product MiniWebHello` here). Both servers run on core 0;
# each round starts one wrk (1 thread, CONNECTIONS connections) per server on core 1 at the same
# moment, and reads each server's CPU time (user and system ticks) and requests over the round.
# It prints every round's CPU time per request and B's ÷ A's, and their median.
#
# Why: on this VM the speed of a core drifts by 20-40% from minute to minute, so figures taken
# in turn (me-vs-plaintext.sh, ab-hello.sh) differ by more than the changes they are meant to
# show. Two servers that share a core at the same moment share its drift as well. The rounds of
# one invocation agree to about ±2% (the same SampleApp build against itself: 0.99-1.02), and
# separate invocations to about ±3% (the placement of the processes in memory and caches
# changes with each start): compare medians of a few invocations, and swap A and B once.
#
# With TURNS_MS set (e.g. TURNS_MS=100), load/turns.py lets only one of the two run at a time,
# in turns of that many milliseconds: each then runs alone on core 0 while both still share the
# drift (run.sh's part 3 measures this way), e.g. two instances of one build against each other:
#   TURNS_MS=100 Benchmarks/load/together.sh 4 4 256 hello:/plaintext hello:/plaintext
#
# Without it, it is not run.sh's figure: with two servers sharing one core request by request,
# a /plaintext request cost 33-49 µs of CPU time on this VM, against 22-34 µs alone. It tells
# which of two builds or routes costs more and by about how much, not whether a target is met. Two login servers share
# one WeChat emulator on core 1 with the two wrk: core 1 may then be the bottleneck, which
# changes logins/s but not much the servers' CPU time per login.
set -euo pipefail
rounds=${1:?rounds}
seconds=${2:?seconds}
connections=${3:?connections}
[ $# -eq 5 ] || { echo "usage: $0 ROUNDS SECONDS CONNECTIONS KIND:PATH[:BINARY] KIND:PATH[:BINARY]" >&2; exit 2; }
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

app_id=wxbenchmark0000001
secret=benchmark-app-secret-0123456789
emulator_port=18930
work=$(mktemp -d)
# SIGCONT first: with TURNS_MS a server is stopped half of the time.
trap 'kill -CONT $(jobs -p) 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for() { for _ in $(seq 600); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "$1 did not come up" >&2; exit 1; }

default_app=../.build/release/SampleApp
emulator_started=false
pids=()
urls=()
scripts=()  # a wrk script per server (login.lua for logins), or none
tokens=()
port=18931
for spec in "$4" "$5"; do
    IFS=: read -r kind path binary <<< "$spec"
    case "$kind" in
        hello)
            binary=$(realpath "${binary:-.build/release/MiniWebHello}")
            taskset -c 0 "$binary" --port $port >/dev/null 2>&1 &
            pids+=($!)
            wait_for "http://127.0.0.1:$port/plaintext"
            tokens+=(none)
            ;;
        app | login)
            binary=$(realpath "${binary:-$default_app}")
            if ! $emulator_started; then
                taskset -c 1 "$binary" emulator --port $emulator_port --app-id $app_id --app-secret $secret --benchmark-users 1000 >/dev/null 2>&1 &
                wait_for "http://127.0.0.1:$emulator_port/emulator/calls"
                curl -sf "http://127.0.0.1:$emulator_port/emulator/benchmark/payloads.lua?appid=$app_id" > "$work/payloads.lua"
                export PAYLOADS="$work/payloads.lua"
                emulator_started=true
            fi
            mkdir "$work/$port"
            env WX_APP_ID=$app_id WX_APP_SECRET=$secret SESSION_SECRET=benchmark-session-secret-0123456789abcdef \
                WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/$port/s.sqlite" LOG_LEVEL=warning \
                taskset -c 0 "$binary" serve --port $port --login-rate 1000000 --login-burst 1000000 >/dev/null 2>&1 &
            pids+=($!)
            wait_for "http://127.0.0.1:$port/healthz"
            device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
            tokens+=("$(curl -s -X POST "http://127.0.0.1:$port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')")
            ;;
        *) echo "KIND is hello, app or login: $spec" >&2; exit 2 ;;
    esac
    if [ "$kind" = login ]; then
        urls+=("http://127.0.0.1:$port")
        scripts+=(load/login.lua)
    else
        urls+=("http://127.0.0.1:$port$path")
        scripts+=("")
    fi
    port=$((port + 1))
done
# Every request carries the same token: a hello server ignores it but still reads it, so that
# both servers read requests of the same size (a SampleApp token is about 320 bytes).
for index in 0 1; do
    [ "${tokens[$index]}" != none ] || tokens[$index]=${tokens[$((1 - index))]}
done
# load INDEX RUN_ID wrk-options...: one wrk on core 1 against server INDEX.
load() {
    local index=$1 run=$2
    shift 2
    local script=()
    [ -z "${scripts[$index]}" ] || script=(-s "${scripts[$index]}")
    RUN_ID=$run taskset -c 1 wrk "$@" "${script[@]}" -H "Authorization: Bearer ${tokens[$index]}" "${urls[$index]}"
}
for index in 0 1; do
    load $index "warmup-$index" -t2 -c64 -d1s >/dev/null
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ratios=()
for round in $(seq "$rounds"); do
    a_before=$(cpu_ticks "${pids[0]}")
    b_before=$(cpu_ticks "${pids[1]}")
    load 0 "round-$round-a" -t1 -c"$connections" -d"${seconds}s" > "$work/a" &
    a_wrk=$!
    load 1 "round-$round-b" -t1 -c"$connections" -d"${seconds}s" > "$work/b" &
    b_wrk=$!
    if [ -n "${TURNS_MS:-}" ]; then
        taskset -c 1 python3 load/turns.py "$TURNS_MS" "$seconds" "${pids[0]}" "${pids[1]}" &
        wait $!
    fi
    wait $a_wrk $b_wrk
    a_ticks=$(( $(cpu_ticks "${pids[0]}") - a_before ))
    b_ticks=$(( $(cpu_ticks "${pids[1]}") - b_before ))
    for file in a b; do
        if grep -q "Non-2xx\|Socket errors" "$work/$file"; then echo "round $round, $file: $(grep "Non-2xx\|Socket errors" "$work/$file")" >&2; fi
    done
    line=$(awk -v at="$a_ticks" -v bt="$b_ticks" -v hz="$(getconf CLK_TCK)" \
        -v an="$(awk '/requests in/ {print $1}' "$work/a")" -v bn="$(awk '/requests in/ {print $1}' "$work/b")" \
        'BEGIN { a = at / hz * 1e6 / an; b = bt / hz * 1e6 / bn; printf "%.1f %d %.1f %d %.3f", a, an, b, bn, b / a }')
    read -r a_us a_n b_us b_n ratio <<< "$line"
    ratios+=("$ratio")
    echo "round $round: A $a_us µs per request ($a_n requests), B $b_us µs ($b_n requests), B/A $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "B/A CPU time per request, c=$connections: median $median (rounds: ${ratios[*]}); A ${urls[0]}, B ${urls[1]}"
