"""Draws Benchmarks/load/results.png from run.sh's CSV: requests per second, side by side."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = list(csv.DictReader(open(sys.argv[1])))
framework = [r for r in rows if r["kind"] == "framework"]
login = [r for r in rows if r["kind"] == "login"]

fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [4, 1]})
labels = [r["name"].replace("MiniWeb ", "").replace("Hummingbird ", "") for r in framework[::2]]
mini = [float(r["value"]) for r in framework[0::2]]
hb = [float(r["value"]) for r in framework[1::2]]
x = range(len(labels))
left.bar([i - 0.2 for i in x], mini, width=0.4, label="MiniWeb")
left.bar([i + 0.2 for i in x], hb, width=0.4, label="Hummingbird 2")
left.set_xticks(list(x))
left.set_xticklabels(labels, rotation=30, ha="right")
left.set_ylabel("requests / s (server on one core)")
left.set_title("Framework routes")
left.legend()
right.bar([r["name"] for r in login], [float(r["value"]) for r in login], color=["#1f77b4", "#d62728"])
right.set_title("POST /user/wxlogin")
right.set_ylabel("logins / s")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)
