#!/usr/bin/env python3
"""Summarises the records of bench/run.sh: medians per contender, ratios, goals; writes JSON.

usage: report.py RECORDS.jsonl RESULT.json --tables N --items M --runs K --latency-ms L
                 [--concurrency C] [--seed-seconds S] [--cpus N] [--baseline EARLIER.json]
"""

import argparse
import json
import statistics
import sys

ORDER = [
    "ferrometa-rest",
    "ferrometa-embedded",
    "ferrometa-profile",
    "upstream",
    "floor",
    "ferrometa-rest-rerun",
    "ferrometa-embedded-rerun",
]
SAMPLE_ITEMS = 1000  # ferrometa's default sampleItems, the per-table budget


def median(values):
    return statistics.median(values) if values else None


def summarise(records):
    groups = {}
    for r in records:
        groups.setdefault(r["name"], []).append(r)
    out = {}
    for name, all_runs in groups.items():
        # Run 0 is the counted run before timed runs that went to the emulator directly.
        rs = [r for r in all_runs if r["run"] > 0] or all_runs
        counted = [r["dynamodb"] for r in all_runs if r.get("dynamodb")]
        status = [r["status"] for r in rs if r.get("status")]
        out[name] = {
            "runs": len(rs),
            "failedRuns": sum(1 for r in all_runs if r["exit"] != 0),
            "wall": median([r["wall"] for r in rs]),
            "wallAll": [r["wall"] for r in rs],
            "cpu": median([r["cpu"] for r in rs]),
            "rssMB": median([r["rssMB"] for r in rs]),
            "rssMaxMB": max(r["rssMB"] for r in rs),
            "counted": bool(counted),
        }
        if counted:
            out[name].update({
                "requests": counted[0]["requests"],
                "totalRequests": median([c["totalRequests"] for c in counted]),
                "errors": counted[0]["errors"],
                "throttled": max(c["throttled"] for c in counted),
                "scanItems": median([c["scanItems"] for c in counted]),
                "readCapacity": median([c["readCapacity"] for c in counted]),
                "tablesScanned": counted[0]["tablesScanned"],
                "maxItemsPerTable": max(c["maxItemsPerTable"] for c in counted),
                "maxScansPerTable": max(c["maxScansPerTable"] for c in counted),
            })
        if status:
            out[name]["catalogWrites"] = median(
                [s["sinkRecords"] + s["sinkUpdated"] + s["deleted"] for s in status]
            )
            out[name]["unchanged"] = median([s["unchanged"] or 0 for s in status])
            out[name]["workflowSeconds"] = median([s["workflowSeconds"] for s in status])
            out[name]["reportedReadCapacity"] = median([s["readCapacity"] for s in status])
    return out


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def main():
    p = argparse.ArgumentParser()
    p.add_argument("records")
    p.add_argument("result")
    p.add_argument("--tables", type=int, required=True)
    p.add_argument("--items", type=int, required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--profile-rcu", type=float, help="the profiler's sampleReadCapacity per table")
    p.add_argument("--seed-seconds", type=float)
    p.add_argument("--cpus", type=int)
    p.add_argument("--load", help="the machine's load average when the run started")
    p.add_argument("--baseline", help="an earlier result at fewer tables, for the scaling goal")
    a = p.parse_args()

    with open(a.records) as f:
        records = [json.loads(line) for line in f if line.strip()]
    s = summarise(records)
    fm = s.get("ferrometa-rest", {})
    emb = s.get("ferrometa-embedded", {})
    up = s.get("upstream", {})
    fl = s.get("floor", {})
    prof = s.get("ferrometa-profile", {})

    ratios = {
        "restWallVsUpstream": ratio(fm.get("wall"), up.get("wall")),
        "upstreamOverRestWall": ratio(up.get("wall"), fm.get("wall")),
        "upstreamOverEmbeddedWall": ratio(up.get("wall"), emb.get("wall")),
        "restWallVsFloor": ratio(fm.get("wall"), fl.get("wall")),
        "embeddedWallVsFloor": ratio(emb.get("wall"), fl.get("wall")),
        "restCpuVsUpstream": ratio(fm.get("cpu"), up.get("cpu")),
        "restCpuVsFloor": ratio(fm.get("cpu"), fl.get("cpu")),
        "restRssVsUpstream": ratio(fm.get("rssMB"), up.get("rssMB")),
        "profileWallVsEmbedded": ratio(prof.get("wall"), emb.get("wall")),
    }

    goals = {}
    speedup_goal = 50 if a.latency_ms > 0 else 30
    if up:
        goals[f"faster than upstream ≥ {speedup_goal}× (wall)"] = (
            ratios["upstreamOverRestWall"] is not None
            and ratios["upstreamOverRestWall"] >= speedup_goal
        )
    if fl:
        goals["within 1.5× of the floor (wall)"] = (
            ratios["restWallVsFloor"] is not None and ratios["restWallVsFloor"] <= 1.5
        )
    if fm:
        # The metadata runs' goal; the profiler holds samples and sketches, reported apart.
        goals["peak RSS ≤ 40 MB (every ferrometa metadata run)"] = (
            max(
                c["rssMaxMB"]
                for n, c in s.items()
                if n.startswith("ferrometa") and n != "ferrometa-profile"
            )
            <= 40
        )
        goals["no throttling"] = fm["throttled"] == 0 and emb.get("throttled", 0) == 0
        goals[f"sampled items per table ≤ budget ({SAMPLE_ITEMS})"] = (
            fm["maxItemsPerTable"] <= SAMPLE_ITEMS
        )
    if prof and emb:
        goals["profiler wall ≤ 2× the metadata run's (embedded)"] = (
            ratios["profileWallVsEmbedded"] is not None and ratios["profileWallVsEmbedded"] <= 2
        )
    if prof and prof.get("counted") and a.profile_rcu:
        # The budget may be passed by at most one Scan page (1 MB, 128 RCU eventually
        # consistent) per segment; the profiler's default is 4 segments.
        bound = a.tables * (a.profile_rcu + 4 * 128)
        goals[f"profiler RCU within the budget ({a.profile_rcu:g}/table + a page per segment)"] = (
            prof["readCapacity"] <= bound
        )
    for rerun in ("ferrometa-rest-rerun", "ferrometa-embedded-rerun"):
        if rerun in s and "catalogWrites" in s[rerun]:
            goals[f"{rerun}: 0 catalog writes"] = s[rerun]["catalogWrites"] == 0

    baseline = None
    if a.baseline:
        with open(a.baseline) as f:
            baseline = json.load(f)
        b_wall = baseline["contenders"]["ferrometa-rest"]["wall"]
        scale = a.tables / baseline["config"]["tables"]
        ratios["restWallVsBaseline"] = ratio(fm.get("wall"), b_wall)
        goals[f"{a.tables} tables in ≤ {1.1 * scale:g}× the {baseline['config']['tables']}-table time"] = (
            ratios["restWallVsBaseline"] is not None and ratios["restWallVsBaseline"] <= 1.1 * scale
        )
        b_rss = baseline["contenders"]["ferrometa-rest"]["rssMaxMB"]
        ratios["restRssVsBaseline"] = ratio(fm.get("rssMaxMB"), b_rss)
        goals["RSS flat vs baseline (≤ 1.25× and ≤ 40 MB)"] = (
            fm.get("rssMaxMB", 1e9) <= 40 and ratios["restRssVsBaseline"] <= 1.25
        )

    result = {
        "config": {
            "tables": a.tables,
            "items": a.items,
            "runs": a.runs,
            "latencyMs": a.latency_ms,
            "concurrency": a.concurrency,
            "profileReadCapacity": a.profile_rcu,
            "seedSeconds": a.seed_seconds,
            "cpus": a.cpus,
            "baseline": a.baseline,
            "loadAverage": a.load,
        },
        "contenders": s,
        "ratios": ratios,
        "goals": goals,
        "records": records,
    }
    with open(a.result, "w") as f:
        json.dump(result, f, indent=2)

    def fmt(v, spec=".2f"):
        return "—" if v is None else format(v, spec)

    print(
        f"\n{a.tables} tables × {a.items} items, {a.runs} run(s), latency {a.latency_ms:g} ms, "
        f"concurrency {a.concurrency}, {a.cpus} CPUs, load {a.load} at start (medians)"
    )
    header = f"{'contender':<25}{'wall s':>9}{'cpu s':>9}{'rss MB':>8}{'requests':>10}{'List':>6}{'Desc':>7}{'Scan':>7}{'other':>7}{'items':>9}{'RCU':>9}{'max/tbl':>8}{'writes':>8}"
    print(header)
    print("-" * len(header))
    for name in ORDER + sorted(set(s) - set(ORDER)):
        if name not in s:
            continue
        c = s[name]
        line = f"{name:<25}{fmt(c['wall']):>9}{fmt(c['cpu']):>9}{fmt(c['rssMB'], '.1f'):>8}"
        if c["counted"]:
            req = c["requests"]
            other = sum(
                v for k, v in req.items() if k not in ("ListTables", "DescribeTable", "Scan")
            )
            line += (
                f"{c['totalRequests']:>10.0f}{req.get('ListTables', 0):>6}"
                f"{req.get('DescribeTable', 0):>7}{req.get('Scan', 0):>7}{other:>7}"
                f"{c['scanItems']:>9.0f}{c['readCapacity']:>9.1f}{c['maxItemsPerTable']:>8}"
            )
        else:
            line += f"{'(not counted)':>62}"
        print(line + f"{fmt(c.get('catalogWrites'), '.0f'):>8}")
        if c["failedRuns"]:
            print(f"{'':<25}!! {c['failedRuns']} failed run(s)")
    print()
    print(f"upstream / ferrometa-rest wall:     {fmt(ratios['upstreamOverRestWall'], '.1f')}×")
    print(f"upstream / ferrometa-embedded wall: {fmt(ratios['upstreamOverEmbeddedWall'], '.1f')}×")
    print(f"ferrometa-rest / floor wall:        {fmt(ratios['restWallVsFloor'])}")
    print(f"ferrometa-embedded / floor wall:    {fmt(ratios['embeddedWallVsFloor'])}")
    print(f"ferrometa-rest / upstream cpu:      {fmt(ratios['restCpuVsUpstream'], '.3f')}")
    print(f"ferrometa-profile / embedded wall:  {fmt(ratios['profileWallVsEmbedded'])}")
    if "restWallVsBaseline" in ratios:
        print(f"ferrometa-rest wall / baseline:     {fmt(ratios['restWallVsBaseline'])}")
    print()
    for goal, ok in goals.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
