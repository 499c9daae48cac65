#!/usr/bin/env python3
"""Lets two server processes take turns on one core: only one of them runs at any moment.

    turns.py SLICE_MS SECONDS PIDS_A PIDS_B

PIDS_A and PIDS_B: a process id, or several separated by commas (a server of several processes,
such as gunicorn's master and workers). For SECONDS, A runs for SLICE_MS while B is stopped (SIGSTOP), then B while A is stopped, and so
on; at the end (or on SIGTERM or SIGINT) both are left running. run.sh loads both servers at once
with a wrk each and reads their CPU time per request: each server then runs alone on its core,
as in a measurement of its own, and the two share every change in the speed of that core
(on the VMs these benchmarks ran on it drifted by 20-40% within minutes, and by 15% between two
runs seconds apart), which two measurements taken in turn do not. A turn of 100 ms holds
thousands of requests, so refilling the caches after a switch costs next to nothing.

Hand-written because no tool in Debian's packages alternates SIGSTOP and SIGCONT on a schedule.
"""
import os
import signal
import sys
import time


def main() -> None:
    slice_ms, seconds = float(sys.argv[1]), float(sys.argv[2])
    running = [int(pid) for pid in sys.argv[3].split(",") if pid]
    stopped = [int(pid) for pid in sys.argv[4].split(",") if pid]

    def send(pids: list[int], sig: signal.Signals) -> None:
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def finish(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    try:
        send(stopped, signal.SIGSTOP)
        send(running, signal.SIGCONT)
        # Turns are scheduled from the start, not from the last switch: late wake-ups do not add up.
        start = time.monotonic()
        turn = 0
        while True:
            turn += 1
            wake = start + turn * slice_ms / 1000
            if wake > start + seconds:
                break
            time.sleep(max(0.0, wake - time.monotonic()))
            send(running, signal.SIGSTOP)
            send(stopped, signal.SIGCONT)
            running, stopped = stopped, running
    finally:
        send(running + stopped, signal.SIGCONT)


if __name__ == "__main__":
    main()
