#!/usr/bin/env bash
# Builds MiniWeb's libFuzzer targets with the fuzzer and address sanitizers and runs each for a
# bounded time, starting from the seed corpus in Fuzz/Corpus/<target>.
#
#   Fuzz/run.sh            # 60 s per target (what .ci/run does)
#   Fuzz/run.sh 600        # longer
#
# A crash, a sanitizer report or an input that takes longer than 10 s fails the run; libFuzzer
# writes the input to Fuzz/artifacts/<target>/ (reproduce: .build-fuzz/debug/<target> <file>).
set -euo pipefail
cd "$(dirname "$0")"
export PATH="/opt/swift/usr/bin:$PATH"
seconds=${1:-60}
targets=(FuzzHTTPRequest FuzzWxLogin)

# A build folder of its own: everything, dependencies included, is built with the sanitizers.
mkdir -p artifacts
if ! swift build --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address > artifacts/build.log 2>&1; then
    grep -E "error:" artifacts/build.log | head -n 20 >&2
    echo "fuzz: the build failed (log: Fuzz/artifacts/build.log)" >&2
    exit 1
fi
grep -E "Build complete" artifacts/build.log || true
bin="$(swift build --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address --show-bin-path)"

for target in "${targets[@]}"; do
    [ -x "$bin/$target" ] || { echo "fuzz: $target was not built" >&2; exit 1; }
    corpus=$(mktemp -d /tmp/miniweb-fuzz-corpus.XXXXXX)  # the seeds stay as committed
    cp Corpus/"$target"/* "$corpus"/
    mkdir -p artifacts/"$target"
    echo "fuzz: $target for $seconds s"
    # -rss_limit_mb: the default (2 GB) with ASan's overhead; -timeout: a hang is a finding.
    status=0
    "$bin/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix=artifacts/"$target"/ -print_final_stats=1 > "artifacts/$target/last-run.log" 2>&1 || status=$?
    grep -E "^#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Test unit written|Fatal error|deadly signal" \
        "artifacts/$target/last-run.log" || true
    rm -rf "$corpus"
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $target FAILED (exit $status); the input is in Fuzz/artifacts/$target/, the log in" \
            "Fuzz/artifacts/$target/last-run.log:" >&2
        grep -A 30 -E "ERROR|Fatal error|deadly signal" "artifacts/$target/last-run.log" | head -n 60 >&2
        exit 1
    fi
done
echo "fuzz: no crash in ${#targets[@]} targets"
