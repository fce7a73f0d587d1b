#!/usr/bin/python3
"""Prints the accuracy tables of docs/accuracy.md from a validation report, so that the document
shows what the command printed:

    build/tilesim validate --dataset ncnn --data ../shared/validation-data --format json > ncnn.json
    scripts/accuracy_tables.py ncnn.json

One row per device (and all rows together): tilesim beside the FLOP-proportional, roofline and
oracle FLOP baselines on the same rows (MAPE %, share within +-20 %, Spearman rho), then how many
devices tilesim's MAPE beats each baseline on. Run it with /usr/bin/python3.
"""
import argparse
import json

MODELS = [("tilesim", None), ("FLOP", "flops"), ("roofline", "roofline"), ("oracle FLOP", "oracle_flops")]


def metrics(summary, key):
    return summary["metrics"] if key is None else summary["baselines"][key]


def row(name, summary):
    cells = [name, str(summary["metrics"]["n"])]
    for _, key in MODELS:
        m = metrics(summary, key)
        cells += [f"{m['mape']:.1f}", f"{m['within_20pct']:.0f}", f"{m['spearman']:.3f}"]
    return "| " + " | ".join(cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", help="tilesim validate --format json output")
    args = parser.parse_args()
    with open(args.report) as f:
        report = json.load(f)
    header = ["rows", "n"]
    for name, _ in MODELS:
        header += [f"{name} MAPE", "±20 %", "ρ"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    print(row("**all**", report))
    devices = report["devices"]
    for name in sorted(devices):
        print(row(name, devices[name]))
    print()
    for label, key in MODELS[1:]:
        better = sum(1 for d in devices.values() if d["metrics"]["mape"] < metrics(d, key)["mape"])
        print(f"tilesim's MAPE is lower than the {label} baseline's on {better} of {len(devices)} devices.")


if __name__ == "__main__":
    main()
