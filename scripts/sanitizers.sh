#!/usr/bin/env bash
# Runs the whole test suite under ThreadSanitizer and AddressSanitizer, each in a build folder of
# its own (.build-tsan, .build-asan: everything, dependencies included, is rebuilt instrumented).
#
#   scripts/sanitizers.sh            # both
#   scripts/sanitizers.sh thread     # one
#
# Set MINIWEB_TEST_POSTGRES_URL to include the PostgreSQL tests (.ci/run does). A data race, a
# memory error or a failing test fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
[ $# -gt 0 ] || set -- thread address

for sanitizer in "$@"; do
    case "$sanitizer" in
        thread) scratch=.build-tsan; export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ;;
        address) scratch=.build-asan; export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1" ;;
        *) echo "unknown sanitizer $sanitizer (thread or address)" >&2; exit 2 ;;
    esac
    echo "sanitizers: swift test --sanitize=$sanitizer"
    start=$(date +%s)
    log="$scratch.log"
    if ! swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer" > "$log" 2>&1; then
        grep -E "error:" "$log" | head -n 20 >&2
        echo "sanitizers: the $sanitizer build failed (log: $log)" >&2
        exit 1
    fi
    status=0
    swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" > "$log" 2>&1 || status=$?
    grep -E "Test run with|✘|WARNING: ThreadSanitizer|ERROR: AddressSanitizer|SUMMARY:" "$log" | head -n 40 || true
    if grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log"; then
        echo "sanitizers: $sanitizer reported a problem (full log: $log)" >&2
        exit 1
    fi
    [ "$status" -eq 0 ] || { echo "sanitizers: tests failed under $sanitizer (log: $log)" >&2; exit 1; }
    echo "sanitizers: $sanitizer clean in $(( $(date +%s) - start )) s"
done
