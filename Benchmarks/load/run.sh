#!/usr/bin/env bash
# MiniWeb vs Hummingbird 2, and SampleApp's login service vs the Flask tutorial, under load, side
# by side, on this machine.
#
#   Benchmarks/load/run.sh [seconds-per-run] [rounds] [me-rounds]   (defaults: 4 s, 5 rounds, 15)
#
# 1. Builds MiniWebHello and HummingbirdHello in release mode, pins both servers to core 0 and wrk
#    to core 1 (loopback only), and runs GET /plaintext, /json, /users/:id and /mw/plaintext
#    (three pass-through middlewares) at 32 and 256 connections, alternating the two servers.
# 2. Runs the WeChat emulator (SampleApp emulator, load-test mode) on core 1, then SampleApp serve
#    (SQLite) and the Flask tutorial's login (gunicorn, 4 workers, in Benchmarks/.venv) side by
#    side on core 0: POST /user/wxlogin with a fresh code per request, the two services in turn,
#    `rounds` times; then SampleApp's GET /user/me, each round next to a round of
#    MiniWebHello's /plaintext (which of the two goes first alternates).
# 3. Measures each ratio the targets are about (MiniWeb against Hummingbird 2 on every route,
#    the three middlewares' cost, /user/me against /plaintext, SampleApp's login against
#    Flask's) again with the pair's two servers loaded at once and running in turns of 100 ms
#    (load/turns.py), `rounds` times.
#
# Prints Markdown tables and writes them, with startup times, peak memory (VmHWM) and the
# emulator's CPU use, to Benchmarks/load/results.md, and a chart to Benchmarks/load/results.png.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-4}
rounds=${2:-5}
# /user/me and its /plaintext are compared to a few per cent, closer than any other figure: they
# get more rounds (of the same length).
me_rounds=${3:-15}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }

# build ARGS...: a quiet release build that shows SwiftPM's output (its errors are on stdout)
# when it fails.
build() {
    local output
    output=$(swift build -c release "$@" 2>&1) || { echo "$output" >&2; echo "swift build -c release $* failed" >&2; exit 1; }
}
build --product MiniWebHello
build --product HummingbirdHello
bin=$(swift build -c release --show-bin-path)
build --package-path .. --product SampleApp
sampleapp="$(swift build -c release --package-path .. --show-bin-path)/SampleApp"
if [ ! -x .venv/bin/gunicorn ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -r flask/requirements.txt
fi
work=$(mktemp -d)
# SIGCONT first: part 3 stops servers for a tenth of a second at a time.
trap 'kill -CONT $(jobs -p) 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# /mw/plaintext next to /plaintext: each round measures the routes in this order, and every
# other round in the reverse order (`in_round_order`).
routes=(plaintext mw/plaintext json users/42)
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

# The same for a process and its children (gunicorn's workers).
tree_cpu_ticks() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" 2>/dev/null); do
        total=$(( total + $(cpu_ticks "$pid" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

# Peak resident memory of a process and its children, in kB.
peak_kb() {
    local total=0 pid
    for pid in "$@" $(pgrep -P "$(echo "$@" | tr ' ' ',')" 2>/dev/null); do
        total=$(( total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

# The p99 latency of wrk's output (on stdin) in milliseconds, whatever unit wrk chose.
p99_ms() {
    awk '$1 == "99%" { v = $2; f = 1
        if (v ~ /us$/) { sub(/us$/, "", v); f = 0.001 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); f = 1000 }
        printf "%.2f", v * f }'
}

# measure NAME URL CONNECTIONS [wrk options]: one wrk run, kept in runs_rps[NAME,CONNECTIONS]
# and runs_p99[...]; settle turns every name's runs into their medians, rps[...] and p99[...].
# With MEASURED_PID set, the server's CPU time per request (user and system, over the run) goes
# into runs_cpu[...] and cpu[...] as well: on this VM, steadier than requests/s.
declare -A runs_rps runs_p99 runs_cpu cpu
measure() {
    local name=$1 url=$2 c=$3 result errors before after
    shift 3
    [ -z "${MEASURED_PID:-}" ] || before=$(cpu_ticks "$MEASURED_PID")
    result=$(taskset -c 1 wrk -t2 -c"$c" -d"${duration}s" --latency "$@" "$url")
    if [ -n "${MEASURED_PID:-}" ]; then
        after=$(cpu_ticks "$MEASURED_PID")
        runs_cpu[$name,$c]+="$(echo "$result" | awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ { printf "%.1f", t / hz * 1e6 / $1 }') "
    fi
    runs_rps[$name,$c]+="$(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}') "
    runs_p99[$name,$c]+="$(echo "$result" | p99_ms) "
    errors=$(echo "$result" | awk '/Non-2xx|Socket errors/ {print}')
    [ -z "$errors" ] || echo "$name c=$c: $errors" >&2
}
# ratio A B: A / B to two places. cost A B: how far A falls short of B, in per cent (negative
# when A is more); for CPU times per request, `cost FAST SLOW` is the throughput it costs.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cost() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * (1 - a / b) }'; }
median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# paired A-LIST B-LIST: the median of the rounds' A/B, to two places. The two lists hold rounds
# taken in turn, so each pair shares the VM's speed of the moment, which a ratio of two medians
# does not.
paired() {
    median "$(awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) printf "%.4f ", x[i] / y[i] }')" |
        awk '{ printf "%.2f", $1 }'
}
# paired_cost A-LIST B-LIST: how far A falls short of B in the median pair, in per cent.
paired_cost() { awk -v r="$(paired "$1" "$2")" 'BEGIN { printf "%.0f", 100 * (1 - r) }'; }
least() { printf '%s\n' $1 | sort -n | head -1; }
# in_round_order ROUND ITEM...: the items, reversed in even rounds. The two runs of a pair then
# take turns at going first, so a VM that slows down (or speeds up) over a few seconds does not
# always count against the same one of them.
in_round_order() {
    local round=$1; shift
    if (( round % 2 == 1 )); then
        printf '%s\n' "$@"
    else
        printf '%s\n' "$@" | tac
    fi
}
declare -A least_cpu
settle() {
    local key
    for key in "${!runs_rps[@]}"; do
        rps[$key]=$(median "${runs_rps[$key]}")
        p99[$key]="$(median "${runs_p99[$key]}")ms"
    done
    for key in "${!runs_cpu[@]}"; do
        cpu[$key]=$(median "${runs_cpu[$key]}")
        least_cpu[$key]=$(least "${runs_cpu[$key]}")
    done
}

# Both servers run side by side on core 0 (one started at a time, to time its startup). Each
# round measures every route of both in turn, /mw/plaintext next to /plaintext, and every other
# round in the reverse order; `rounds` rounds per connection count, and the tables give medians.
# This VM's speed drifts by up to 15% over minutes: alternating keeps each ratio's two figures
# (MiniWeb and Hummingbird on a route, a server's /plaintext and /mw/plaintext) within seconds of
# each other, and the median drops a round that caught a slow spell. Every run also records the
# server's CPU time per request.
declare -A server_port server_pid
for server in MiniWebHello HummingbirdHello; do
    port=$((port + 1))
    server_port[$server]=$port
    start=$(now_ms)
    taskset -c 0 "$bin/$server" --port "$port" >/dev/null 2>&1 &
    server_pid[$server]=$!
    until curl -sf "http://127.0.0.1:$port/plaintext" >/dev/null 2>&1; do
        sleep 0.005
        [ $(( $(now_ms) - start )) -lt 30000 ] || { echo "$server did not start" >&2; exit 1; }
    done
    startup[$server]=$(( $(now_ms) - start ))
    taskset -c 1 wrk -t2 -c64 -d2s "http://127.0.0.1:$port/plaintext" >/dev/null  # warm-up
done
for c in "${connections[@]}"; do
    for round in $(seq "$rounds"); do
        for route in $(in_round_order "$round" "${routes[@]}"); do
            for server in MiniWebHello HummingbirdHello; do
                MEASURED_PID=${server_pid[$server]} measure "$server,$route" "http://127.0.0.1:${server_port[$server]}/$route" "$c"
            done
        done
    done
done
for server in MiniWebHello HummingbirdHello; do
    hwm[$server]=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/${server_pid[$server]}/status")
done
# Both stay up, idle, for part 3 (and MiniWebHello for /user/me's comparison in part 2).

# ---- Part 2: the login flow ----
app_id=wxbenchmark0000001
secret=benchmark-app-secret-0123456789
emulator_port=$((port + 10))
taskset -c 1 "$sampleapp" emulator --port "$emulator_port" --app-id "$app_id" --app-secret "$secret" --benchmark-users 1000 >/dev/null 2>&1 &
emulator_pid=$!
wait_until_up "http://127.0.0.1:$emulator_port/emulator/calls" "$(now_ms)" >/dev/null
curl -sf "http://127.0.0.1:$emulator_port/emulator/benchmark/payloads.lua?appid=$app_id" > "$work/payloads.lua"
export PAYLOADS="$work/payloads.lua"
declare -A login_rps login_p99 login_errors login_startup login_hwm login_emulator_cpu login_cpu_us
declare -A login_runs_rps login_runs_p99 login_runs_cpu login_runs_emulator

# run_login NAME URL SERVER-PID ROUND: one login run of `duration` seconds, kept in the
# login_runs_* lists; the tables give their medians.
run_login() {
    local name=$1 url=$2 server=$3 round=$4 before after server_before server_after result total
    before=$(cpu_ticks "$emulator_pid")
    server_before=$(tree_cpu_ticks "$server")
    result=$(RUN_ID="$name-run-$round" taskset -c 1 wrk -t2 -c32 -d"${duration}s" --latency -s load/login.lua "$url")
    server_after=$(tree_cpu_ticks "$server")
    after=$(cpu_ticks "$emulator_pid")
    total=$(echo "$result" | awk '/requests in/ {print $1}')
    login_runs_rps[$name]+="$(echo "$result" | awk '/Requests\/sec/ {printf "%.0f", $2}') "
    login_runs_p99[$name]+="$(echo "$result" | p99_ms) "
    login_errors[$name]=$(( ${login_errors[$name]:-0} + $(echo "$result" | awk '/Non-2xx/ {n = $5} END {print n + 0}') ))
    login_runs_emulator[$name]+="$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$duration" 'BEGIN { printf "%.0f", 100 * t / hz / d }') "
    login_runs_cpu[$name]+="$(awk -v t=$((server_after - server_before)) -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }') "
}

# Both login services run side by side on core 0 (one started at a time, to time its startup)
# and are measured in turn, `rounds` times: a single run of each, a minute apart, was at the
# mercy of a VM whose speed drifts (on one host SampleApp's CPU per login was 166-235 µs from one
# run of this script to the next).
sample_port=$((port + 11))
start=$(now_ms)
env WX_APP_ID="$app_id" WX_APP_SECRET="$secret" SESSION_SECRET="benchmark-session-secret-0123456789abcdef" \
    WX_API_BASE_URL="http://127.0.0.1:$emulator_port" DATABASE_URL="sqlite://$work/sampleapp.sqlite" LOG_LEVEL=warning \
    taskset -c 0 "$sampleapp" serve --port "$sample_port" --login-rate 1000000 --login-burst 1000000 >/dev/null 2>&1 &
sample_pid=$!
login_startup[SampleApp]=$(wait_until_up "http://127.0.0.1:$sample_port/healthz" "$start")

flask_port=$((port + 12))
start=$(now_ms)
(cd flask && env WX_APP_ID="$app_id" WX_APP_SECRET="$secret" WX_API_BASE_URL="http://127.0.0.1:$emulator_port" \
    taskset -c 0 ../.venv/bin/gunicorn -w 4 -b "127.0.0.1:$flask_port" app:app >/dev/null 2>&1) &
flask_job=$!
sleep 0.1
flask_pid=$(pgrep -of "gunicorn -w 4 -b 127.0.0.1:$flask_port")
until curl -s -o /dev/null "http://127.0.0.1:$flask_port/user/wxlogin"; do sleep 0.01; done
login_startup[Flask]=$(( $(now_ms) - start ))

declare -A login_url=([SampleApp]="http://127.0.0.1:$sample_port" [Flask]="http://127.0.0.1:$flask_port")
declare -A login_pid=([SampleApp]=$sample_pid [Flask]=$flask_pid)
for name in SampleApp Flask; do
    RUN_ID="$name-warmup" taskset -c 1 wrk -t2 -c32 -d2s -s load/login.lua "${login_url[$name]}" >/dev/null
done
for round in $(seq "$rounds"); do
    for name in SampleApp Flask; do
        run_login "$name" "${login_url[$name]}" "${login_pid[$name]}" "$round"
    done
done
for name in SampleApp Flask; do
    login_rps[$name]=$(median "${login_runs_rps[$name]}")
    login_p99[$name]="$(median "${login_runs_p99[$name]}")ms"
    login_cpu_us[$name]=$(median "${login_runs_cpu[$name]}")
    login_emulator_cpu[$name]="$(median "${login_runs_emulator[$name]}")%"
done
login_hwm[Flask]=$(peak_kb "$flask_pid")
# Flask stays up, idle, for part 3.

device=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/device/login" -H 'content-type: application/json' -d "{\"appid\":\"$app_id\"}")
token=$(curl -s -X POST "http://127.0.0.1:$sample_port/user/wxlogin" -H 'content-type: application/json' -d "$device" | sed -E 's/.*"token":"([^"]+)".*/\1/')
# Warm-up, as the peers' routes get one: /user/me's first answers fill the user cache.
taskset -c 1 wrk -t2 -c64 -d2s -H "Authorization: Bearer $token" "http://127.0.0.1:$sample_port/user/me" >/dev/null
# /user/me and MiniWebHello's /plaintext in turn, so that their ratio compares figures taken
# within seconds of each other.
for c in "${connections[@]}"; do
    for round in $(seq "$me_rounds"); do
        for name in $(in_round_order "$round" plaintext-paired me); do
            if [ "$name" = me ]; then
                MEASURED_PID=$sample_pid measure "me" "http://127.0.0.1:$sample_port/user/me" "$c" -H "Authorization: Bearer $token"
            else
                MEASURED_PID=${server_pid[MiniWebHello]} measure "plaintext-paired" "http://127.0.0.1:${server_port[MiniWebHello]}/plaintext" "$c"
            fi
        done
    done
done

# ---- Part 3: each ratio with the two servers in turns ----
# The two servers of a pair are loaded at once, each by a wrk of one thread, while
# load/turns.py lets only one of them run at any moment, in turns of 100 ms. Each runs alone on
# core 0 as in parts 1 and 2, and both share whatever speed the VM has in those seconds: the
# ratio of their CPU times per request is the ratio of the throughputs they would have alone,
# without the drift between two runs taken in turn. A pair on one server (/plaintext and
# /mw/plaintext) is served by two instances of it, which swap routes every other round: an
# instance's placement in memory and caches can make it a few per cent faster than another.
declare -A turn_ratios
turn_runs=0
# group_cpu_ticks PID[,PID...]: CPU ticks of the processes together.
group_cpu_ticks() {
    local total=0 pid
    for pid in ${1//,/ }; do total=$(( total + $(cpu_ticks "$pid") )); done
    echo "$total"
}
# in_turns KEY CONNECTIONS A-PIDS A-URL B-PIDS B-URL [B's wrk options]: one round; appends B's
# CPU time per request over A's to turn_ratios[KEY,CONNECTIONS]. A server of several processes
# (gunicorn's master and workers) is given as PID,PID,...; with TURN_SCRIPT set, both wrk run
# that script (login.lua: each with its own RUN_ID, so that no code is used twice).
in_turns() {
    local key=$1 c=$2 a_pids=$3 a_url=$4 b_pids=$5 b_url=$6 a_before b_before a_ticks b_ticks a_wrk b_wrk turns file
    shift 6
    local script=()
    [ -z "${TURN_SCRIPT:-}" ] || script=(-s "$TURN_SCRIPT")
    turn_runs=$((turn_runs + 1))
    a_before=$(group_cpu_ticks "$a_pids")
    b_before=$(group_cpu_ticks "$b_pids")
    RUN_ID="turn-$turn_runs-a" taskset -c 1 wrk -t1 -c"$c" -d"${duration}s" "${script[@]}" "$a_url" > "$work/turn-a" &
    a_wrk=$!
    RUN_ID="turn-$turn_runs-b" taskset -c 1 wrk -t1 -c"$c" -d"${duration}s" "${script[@]}" "$@" "$b_url" > "$work/turn-b" &
    b_wrk=$!
    taskset -c 1 python3 load/turns.py 100 "$duration" "$a_pids" "$b_pids" &
    turns=$!
    wait "$a_wrk" "$b_wrk" "$turns"
    a_ticks=$(( $(group_cpu_ticks "$a_pids") - a_before ))
    b_ticks=$(( $(group_cpu_ticks "$b_pids") - b_before ))
    for file in turn-a turn-b; do
        if grep -q "Non-2xx\|Socket errors" "$work/$file"; then echo "$key c=$c, $file: $(grep "Non-2xx\|Socket errors" "$work/$file")" >&2; fi
    done
    turn_ratios[$key,$c]+="$(awk -v at="$a_ticks" -v bt="$b_ticks" \
        -v an="$(awk '/requests in/ {print $1}' "$work/turn-a")" -v bn="$(awk '/requests in/ {print $1}' "$work/turn-b")" \
        'BEGIN { printf "%.4f", (bt / bn) / (at / an) }') "
}
# A second instance of each framework server.
declare -A second_port second_pid first_url second_url
for server in MiniWebHello HummingbirdHello; do
    second_port[$server]=$((server_port[$server] + 20))
    first_url[$server]=http://127.0.0.1:${server_port[$server]}
    second_url[$server]=http://127.0.0.1:${second_port[$server]}
    taskset -c 0 "$bin/$server" --port "${second_port[$server]}" >/dev/null 2>&1 &
    second_pid[$server]=$!
    wait_until_up "${second_url[$server]}/plaintext" "$(now_ms)" >/dev/null
    taskset -c 1 wrk -t2 -c64 -d2s "${second_url[$server]}/plaintext" >/dev/null  # warm-up
done
# Odd rounds: each server's first instance serves the framework comparison and /plaintext, its
# second /mw/plaintext; even rounds the other way round.
declare -A main_pid main_url other_pid other_url
for round in $(seq "$rounds"); do
    for server in MiniWebHello HummingbirdHello; do
        if (( round % 2 == 1 )); then
            main_pid[$server]=${server_pid[$server]} main_url[$server]=${first_url[$server]}
            other_pid[$server]=${second_pid[$server]} other_url[$server]=${second_url[$server]}
        else
            main_pid[$server]=${second_pid[$server]} main_url[$server]=${second_url[$server]}
            other_pid[$server]=${server_pid[$server]} other_url[$server]=${first_url[$server]}
        fi
    done
    for c in "${connections[@]}"; do
        for route in "${routes[@]}"; do
            in_turns "framework,$route" "$c" "${main_pid[MiniWebHello]}" "${main_url[MiniWebHello]}/$route" \
                "${main_pid[HummingbirdHello]}" "${main_url[HummingbirdHello]}/$route"
        done
        for server in MiniWebHello HummingbirdHello; do
            in_turns "mw,$server" "$c" "${main_pid[$server]}" "${main_url[$server]}/plaintext" \
                "${other_pid[$server]}" "${other_url[$server]}/mw/plaintext"
        done
        in_turns "me" "$c" "${server_pid[MiniWebHello]}" "${first_url[MiniWebHello]}/plaintext" \
            "$sample_pid" "http://127.0.0.1:$sample_port/user/me" -H "Authorization: Bearer $token"
    done
    TURN_SCRIPT=load/login.lua in_turns "login" 32 "$sample_pid" "${login_url[SampleApp]}" \
        "$(pgrep -P "$flask_pid" | paste -sd, -),$flask_pid" "${login_url[Flask]}"
done
# turn_figure KEY CONNECTIONS KIND: the median over the rounds and the range of a round's B/A
# (KIND ratio), of A/B (inverse) or of the throughput B costs against A (cost, in per cent), e.g.
# "1.21x (1.19x to 1.24x)".
turn_figure() {
    printf '%s\n' ${turn_ratios[$1,$2]} |
        awk -v kind="$3" '{ print kind == "inverse" ? 1 / $1 : kind == "cost" ? 100 * (1 - 1 / $1) : $1 }' | sort -g |
        awk -v kind="$3" '{ v[NR] = $1 } END {
            unit = kind == "cost" ? "%%" : "x"; form = kind == "cost" ? "%.1f" : "%.2f"
            printf form unit " (" form unit " to " form unit ")", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

settle
login_hwm[SampleApp]=$(peak_kb "$sample_pid")
kill -TERM "$sample_pid"; wait "$sample_pid" 2>/dev/null || true

kill -TERM "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true
kill -TERM "$flask_pid"; wait "$flask_job" 2>/dev/null || true
for pid in "${server_pid[@]}" "${second_pid[@]}"; do
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done

{
    echo "| route | connections | MiniWeb req/s | p99 | Hummingbird 2 req/s | p99 | MiniWeb / Hummingbird | server CPU per request: MiniWeb, Hummingbird | CPU ratio |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for route in "${routes[@]}"; do
        for c in "${connections[@]}"; do
            m=${rps[MiniWebHello,$route,$c]}
            h=${rps[HummingbirdHello,$route,$c]}
            mc=${cpu[MiniWebHello,$route,$c]}
            hc=${cpu[HummingbirdHello,$route,$c]}
            echo "| /$route | $c | $m | ${p99[MiniWebHello,$route,$c]} | $h | ${p99[HummingbirdHello,$route,$c]} | $(ratio "$m" "$h")x | $mc µs, $hc µs | $(ratio "$hc" "$mc")x |"
        done
    done
    echo
    # The cost of three pass-through middlewares: /mw/plaintext against /plaintext of the same
    # server, each round's two runs seconds apart.
    echo "| three middlewares | connections | /plaintext req/s | /mw/plaintext req/s | throughput cost | server CPU per request: /plaintext, /mw/plaintext | CPU cost | cost in the median round: req/s, CPU | least CPU per request | least CPU cost |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for server in MiniWebHello HummingbirdHello; do
        for c in "${connections[@]}"; do
            pk=$server,plaintext,$c mk=$server,mw/plaintext,$c
            pr=${rps[$pk]} mr=${rps[$mk]} pc=${cpu[$pk]} mc=${cpu[$mk]} pl=${least_cpu[$pk]} ml=${least_cpu[$mk]}
            echo "| $server | $c | $pr | $mr | $(cost "$mr" "$pr")% | $pc µs, $mc µs | $(cost "$pc" "$mc")% | $(paired_cost "${runs_rps[$mk]}" "${runs_rps[$pk]}")%, $(paired_cost "${runs_cpu[$pk]}" "${runs_cpu[$mk]}")% | $pl µs, $ml µs | $(cost "$pl" "$ml")% |"
        done
    done
    echo
    echo "Costs: how much less /mw/plaintext serves than /plaintext (from CPU times, in the throughput they would allow). The median round's is the median of the rounds' own ratios, each round's two runs seconds apart."
    echo
    echo "| server | startup to first response | peak memory (VmHWM) |"
    echo "|---|---|---|"
    for server in MiniWebHello HummingbirdHello; do
        echo "| $server | ${startup[$server]} ms | ${hwm[$server]} |"
    done
    echo
    echo "| login service | POST /user/wxlogin logins/s (32 conns) | p99 | non-2xx | server CPU per login | emulator CPU | startup | peak memory |"
    echo "|---|---|---|---|---|---|---|---|"
    for name in SampleApp Flask; do
        echo "| $name | ${login_rps[$name]} | ${login_p99[$name]} | ${login_errors[$name]:-0} | ${login_cpu_us[$name]} µs | ${login_emulator_cpu[$name]} | ${login_startup[$name]} ms | ${login_hwm[$name]} kB |"
    done
    echo
    echo "SampleApp / Flask logins: $(awk -v s="${login_rps[SampleApp]}" -v f="${login_rps[Flask]}" 'BEGIN { printf "%.1f", s / f }')x (CPU time per login: $(awk -v s="${login_cpu_us[SampleApp]}" -v f="${login_cpu_us[Flask]}" 'BEGIN { printf "%.1f", f / s }')x). Medians of ${rounds} runs of ${duration} s each, the two services in turn."
    echo
    echo "| SampleApp GET /user/me | connections | req/s | p99 | MiniWeb /plaintext in the same rounds | ratio | server CPU per request: /user/me, /plaintext | CPU ratio | ratio in the median round: req/s, CPU | least CPU per request: /user/me, /plaintext | least CPU ratio |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for c in "${connections[@]}"; do
        echo "| token verified, user cached | $c | ${rps[me,$c]} | ${p99[me,$c]} | ${rps[plaintext-paired,$c]} | $(ratio "${rps[me,$c]}" "${rps[plaintext-paired,$c]}")x | ${cpu[me,$c]} µs, ${cpu[plaintext-paired,$c]} µs | $(ratio "${cpu[plaintext-paired,$c]}" "${cpu[me,$c]}")x | $(paired "${runs_rps[me,$c]}" "${runs_rps[plaintext-paired,$c]}")x, $(paired "${runs_cpu[plaintext-paired,$c]}" "${runs_cpu[me,$c]}")x | ${least_cpu[me,$c]} µs, ${least_cpu[plaintext-paired,$c]} µs | $(ratio "${least_cpu[plaintext-paired,$c]}" "${least_cpu[me,$c]}")x |"
    done
    echo
    echo "Medians of ${me_rounds} rounds each; the median round's ratio is the median of the rounds' own ratios, each round's /user/me next to its /plaintext (first in every other round). The least CPU time per request is each route's quietest round: this VM's neighbours only ever slow a round down."
    echo
    echo "| with the two servers in turns of 100 ms | connections | median of ${rounds} rounds (lowest to highest) | target |"
    echo "|---|---|---|---|"
    for route in "${routes[@]}"; do
        for c in "${connections[@]}"; do
            echo "| MiniWeb / Hummingbird 2, /$route | $c | $(turn_figure "framework,$route" "$c" ratio) | 1.10x or more |"
        done
    done
    for server in MiniWebHello HummingbirdHello; do
        target="5% or less"
        [ "$server" = MiniWebHello ] || target="(for comparison)"
        for c in "${connections[@]}"; do
            echo "| $server: three middlewares' cost | $c | $(turn_figure "mw,$server" "$c" cost) | $target |"
        done
    done
    for c in "${connections[@]}"; do
        echo "| SampleApp /user/me / MiniWebHello /plaintext | $c | $(turn_figure me "$c" inverse) | 0.85x or more |"
    done
    echo "| SampleApp / Flask, POST /user/wxlogin | 32 | $(turn_figure login 32 ratio) | 10x or more |"
    echo
    echo "Ratios of the throughputs the servers would have alone, from their CPU time per request (a ratio of CPU times, inverted), with both loaded at once and running in turns (load/turns.py): each round's two figures share the VM's speed of those seconds."
    echo
    echo "Every round of each figure, in the order run (req/s):"
    echo
    for key in $(printf '%s\n' "${!runs_rps[@]}" | sort); do
        name=${key%,*}
        echo "- ${name/,/ \/} c=${key##*,}: ${runs_rps[$key]}"
    done
    echo
    for name in SampleApp Flask; do
        echo "- login $name: ${login_runs_rps[$name]}"
    done
    echo
    echo "Server CPU time per request of every round (µs):"
    echo
    for key in $(printf '%s\n' "${!runs_cpu[@]}" | sort); do
        echo "- ${key%,*} c=${key##*,}: ${runs_cpu[$key]}"
    done
    for name in SampleApp Flask; do
        echo "- login $name (per login): ${login_runs_cpu[$name]}"
    done
    echo
    echo "B's CPU time per request over A's in turns, every round (A: MiniWebHello, its /plaintext, MiniWebHello /plaintext; B: HummingbirdHello, /mw/plaintext, SampleApp /user/me; and A SampleApp's login, B Flask's):"
    echo
    for key in $(printf '%s\n' "${!turn_ratios[@]}" | sort); do
        echo "- turns ${key%,*} c=${key##*,}: ${turn_ratios[$key]}"
    done
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}')), medians of ${rounds} rounds of ${duration} s (/user/me and its /plaintext: ${me_rounds} rounds), servers on core 0, wrk -t2 on core 1."
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
