#!/usr/bin/python3
"""Plots a validation report: measured against simulated on log axes with the +-20 % band (and the
FLOP-proportional, roofline and oracle FLOP baselines on the same rows), and per-row bars of measured and
simulated time.

    build/tilesim validate --trace host.h5 --format json > report.json
    scripts/plot_validation.py report.json --out docs/img/host_resnet18

writes <out>_scatter.png and <out>_rows.png. Uses Debian's python3-matplotlib (scripts/setup.sh
installs it); run it with /usr/bin/python3.
"""
import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def scatter(report, path, title):
    rows = report["rows"]
    measured = [r["measured_ms"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 6))
    lo = min(min(measured), min(r["simulated_ms"] for r in rows)) * 0.5
    hi = max(max(measured), max(r["simulated_ms"] for r in rows)) * 2
    xs = [lo, hi]
    ax.fill_between(xs, [x * 0.8 for x in xs], [x * 1.2 for x in xs], color="tab:green", alpha=0.15,
                    label="within ±20 %")
    ax.plot(xs, xs, color="tab:green", lw=1)
    m = report["metrics"]
    b = report["baselines"]
    ax.scatter(measured, [r["flops_ms"] for r in rows], s=10, marker="x", color="tab:gray", alpha=0.6,
               label=f"FLOP-proportional (MAPE {b['flops']['mape']:.0f} %)")
    ax.scatter(measured, [r["roofline_ms"] for r in rows], s=10, marker="+", color="tab:orange", alpha=0.6,
               label=f"roofline (MAPE {b['roofline']['mape']:.0f} %)")
    if "oracle_flops" in b:  # rows whose run has no other row to fit on have no oracle prediction
        oracle = [(x, r["oracle_flops_ms"]) for x, r in zip(measured, rows) if r.get("oracle_flops_ms", 0) > 0]
        ax.scatter([x for x, _ in oracle], [y for _, y in oracle], s=10, marker="1", color="tab:purple", alpha=0.6,
                   label=f"oracle FLOP (MAPE {b['oracle_flops']['mape']:.0f} %)")
    ax.scatter(measured, [r["simulated_ms"] for r in rows], s=14, color="tab:blue",
               label=f"tilesim (MAPE {m['mape']:.0f} %, ρ {m['spearman']:.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("measured (ms)")
    ax.set_ylabel("predicted (ms)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(True, which="both", alpha=0.2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def bars(report, path, title, limit):
    rows = report["rows"][:limit]
    fig, ax = plt.subplots(figsize=(max(6, 0.22 * len(rows)), 4.5))
    x = range(len(rows))
    w = 0.4
    ax.bar([i - w / 2 for i in x], [r["measured_ms"] for r in rows], width=w, label="measured")
    ax.bar([i + w / 2 for i in x], [r["simulated_ms"] for r in rows], width=w, label="tilesim")
    ax.set_xticks(list(x))
    ax.set_xticklabels([r["name"][:28] for r in rows], rotation=90, fontsize=6)
    ax.set_ylabel("time (ms)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", help="JSON from `tilesim validate --format json` (- for stdin)")
    p.add_argument("--out", required=True, help="output path prefix")
    p.add_argument("--title", default="tilesim validation")
    p.add_argument("--max-rows", type=int, default=120, help="rows drawn as bars")
    a = p.parse_args()
    report = json.load(sys.stdin if a.report == "-" else open(a.report))
    if not report.get("rows"):
        sys.exit(f"{a.report}: no rows to plot")
    scatter(report, a.out + "_scatter.png", a.title)
    bars(report, a.out + "_rows.png", a.title, a.max_rows)
    print(a.out + "_scatter.png", a.out + "_rows.png")


if __name__ == "__main__":
    main()
