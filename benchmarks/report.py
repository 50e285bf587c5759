#!/usr/bin/env python3
"""Turns JMH JSON results of Latchkey's suite into a markdown table and checks the targets of issue #6.

    python3 benchmarks/report.py benchmarks/results/quick.json [benchmarks/results/quick-machine.txt]

Standard library only. Reads benchmark and parameter names as the suite defines them (they are stable);
a target whose benchmarks are missing from the JSON is reported as "not measured".
"""
import json
import sys

PKG = "dev.latchkey.benchmarks."
TO_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def short(name):
    return name[len(PKG):] if name.startswith(PKG) else name


def key(entry):
    params = entry.get("params") or {}
    return (short(entry["benchmark"]), tuple(sorted(params.items())))


def fmt(x):
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return x
    if x != x:  # NaN
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


class Results:
    def __init__(self, entries):
        self.by_key = {key(e): e for e in entries}

    def find(self, bench, **params):
        want = tuple(sorted((k, str(v)) for k, v in params.items()))
        for (b, p), e in self.by_key.items():
            if b == bench and all(item in p for item in want):
                return e
        return None

    def ns(self, bench, **params):
        """Average time in ns/op, or None."""
        e = self.find(bench, **params)
        if e is None:
            return None
        m = e["primaryMetric"]
        unit = m["scoreUnit"]
        if unit in TO_NS:
            return m["score"] * TO_NS[unit]
        if unit == "ops/s":
            return 1e9 / m["score"]
        raise ValueError(f"unknown unit {unit}")

    def ops(self, bench, **params):
        """Throughput in ops/s, or None."""
        e = self.find(bench, **params)
        if e is None:
            return None
        m = e["primaryMetric"]
        if m["scoreUnit"] == "ops/s":
            return m["score"]
        return 1e9 / self.ns(bench, **params)


def table(entries):
    rows = ["| Benchmark | Parameters | Mode | Score | ± Error (99.9%) | Unit |",
            "| --- | --- | --- | ---: | ---: | --- |"]
    for e in entries:
        params = ", ".join(f"{k}={v}" for k, v in (e.get("params") or {}).items())
        m = e["primaryMetric"]
        threads = e.get("threads", 1)
        mode = e["mode"] + (f", {threads} threads" if threads != 1 else "")
        rows.append(f"| {short(e['benchmark'])} | {params} | {mode} | {fmt(m['score'])} | "
                    f"{fmt(m['scoreError'])} | {m['scoreUnit']} |")
    return "\n".join(rows)


def targets(r):
    out = ["| Target | Measured | Verdict |", "| --- | --- | --- |"]

    def row(target, measured, ok, detail=""):
        if measured is None:
            out.append(f"| {target} | not measured | - |")
            return
        verdict = "met" if ok else "**missed**"
        out.append(f"| {target} | {measured} | {verdict}{(' ' + detail) if detail else ''} |")

    engine = r.ns("core.HotPathBenchmark.engine")
    floor = r.ns("core.HotPathBenchmark.floor")
    if engine and floor:
        ratio = engine / floor
        row("hot path <= 2x floor", f"{fmt(engine)} ns vs {fmt(floor)} ns = {ratio:.2f}x", ratio <= 2,
            "" if ratio <= 2 else f"(by {ratio / 2:.2f}x: {fmt(engine - 2 * floor)} ns over)")
    else:
        row("hot path <= 2x floor", None, False)
    for rival, target in (("bcrypt", 10_000), ("argon2", None), ("pbkdf2", None)):
        t = r.ns(f"core.HotPathBenchmark.{rival}")
        if t and engine:
            ratio = t / engine
            if target:
                row(f"hot path >= {target:,}x faster than {rival}", f"{fmt(t / 1e3)} us vs {fmt(engine)} ns = "
                    f"{ratio:,.0f}x", ratio >= target)
            else:
                out.append(f"| (informative) hot path vs {rival} | {fmt(t / 1e3)} us = {ratio:,.0f}x slower | - |")
        elif target:
            row(f"hot path >= {target:,}x faster than {rival}", None, False)
    for g in ("garbageMadeUp", "garbageWrongChecksum"):
        t = r.ns(f"core.HotPathBenchmark.{g}")
        if t and engine:
            row(f"{g} faster than a valid hot-path verification (zero store calls: checked by "
                f"BenchmarkSetupTest)", f"{fmt(t)} ns vs {fmt(engine)} ns = {t / engine:.2f}x", t < engine)
        else:
            row(f"{g} faster than valid", None, False)
    for address in ("match", "miss"):
        t10 = r.ns("core.CidrBenchmark.trie", rules=10, address=address)
        t100k = r.ns("core.CidrBenchmark.trie", rules=100000, address=address)
        lin = r.ns("core.CidrBenchmark.linearScan", rules=100000, address=address)
        if t10 and t100k:
            ratio = t100k / t10
            row(f"CIDR ({address}) 100,000 rules <= 2x 10 rules", f"{fmt(t100k)} ns vs {fmt(t10)} ns = {ratio:.2f}x",
                ratio <= 2)
        else:
            row(f"CIDR ({address}) 100,000 rules <= 2x 10 rules", None, False)
        if t100k and lin:
            ratio = lin / t100k
            row(f"CIDR ({address}) 100,000 rules >= 100x faster than linear scan",
                f"{fmt(lin)} ns vs {fmt(t100k)} ns = {ratio:,.0f}x", ratio >= 100)
        else:
            row(f"CIDR ({address}) 100,000 rules >= 100x faster than linear scan", None, False)
    for db in ("h2", "postgresql"):
        t1k = r.ns("jdbc.ColdPathBenchmark.miss", tokens=1000, database=db)
        t1m = r.ns("jdbc.ColdPathBenchmark.miss", tokens=1000000, database=db)
        t100k = r.ns("jdbc.ColdPathBenchmark.miss", tokens=100000, database=db)
        label = f"{db} cold path 1,000,000 tokens <= 2x 1,000"
        if t1k and t1m:
            ratio = t1m / t1k
            extra = f" (100,000: {fmt(t100k / 1e3)} us)" if t100k else ""
            row(label, f"{fmt(t1m / 1e3)} us vs {fmt(t1k / 1e3)} us = {ratio:.2f}x{extra}", ratio <= 2,
                "" if ratio <= 2 else f"(by {ratio / 2:.2f}x)")
        elif db == "h2":
            row(label, None, False)
        if t1k and engine:
            out.append(f"| (informative) {db} cold path vs hot path, 1,000 tokens | {fmt(t1k / 1e3)} us = "
                       f"{t1k / engine:,.0f}x the hot path | - |")
    none = r.ops("servlet.HttpBenchmark.request", filter="none")
    lk = r.ops("servlet.HttpBenchmark.request", filter="latchkey")
    if none and lk:
        cost = 1 - lk / none
        row("filter costs <= 10% of the trivial endpoint's throughput",
            f"{fmt(lk)} vs {fmt(none)} req/s = {cost * 100:.1f}% fewer", cost <= 0.10,
            "" if cost <= 0.10 else f"(by {(cost - 0.10) * 100:.1f} points)")
    else:
        row("filter costs <= 10% of throughput", None, False)
    t1 = r.ops("core.ConcurrencyBenchmark.threads1")
    t2 = r.ops("core.ConcurrencyBenchmark.threads2")
    if t1 and t2:
        ratio = t2 / t1
        row("2 threads >= 1.6x the throughput of 1", f"{fmt(t2)} vs {fmt(t1)} ops/s = {ratio:.2f}x", ratio >= 1.6,
            "" if ratio >= 1.6 else f"(by {1.6 / ratio:.2f}x)")
    else:
        row("2 threads >= 1.6x the throughput of 1", None, False)
    return "\n".join(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    entries = load(argv[1])
    parts = []
    if len(argv) > 2:
        with open(argv[2], encoding="utf-8") as f:
            parts.append("```\n" + f.read().rstrip() + "\n```")
    parts.append("### Results\n\n" + table(entries))
    parts.append("### Targets\n\n" + targets(Results(entries)))
    print("\n\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
