"""Fleet-scale benchmark of the real binary against the simulator over TLS (run by
scripts/bench.sh). Prints one line per scenario: wall time, CPU time, peak RSS, requests and the
ratio to the ideal, plus the bare YAML parse of the same files (yaml-cpp, bench/yaml_parse) as a
baseline. Optionally plots plan time and peak RSS against N with gnuplot.

Ideals: a plan is list pages x latency (reading the pages one after another, with no parsing or
planning at all); an apply at parallelism P is N / P x latency; a rate-limited apply is N / rate.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, HERE)

import fleet  # noqa: E402
import simulator  # noqa: E402

TOKEN = "bench-token"
LATENCY_MS = 20
RATE = 50


def timed(cmd, env=None, cwd=None):
    """Runs cmd under /usr/bin/time -v; returns (returncode, wall s, cpu s, peak RSS MiB, stdout, stderr)."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    wall = time.monotonic() - start
    err = proc.stderr
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    return proc.returncode, wall, user + system, rss_kb / 1024.0, proc.stdout, err


class Bench:
    def __init__(self, build, work, ca_dir):
        self.reconcile = os.path.join(build, "reconcile")
        self.sim_bin = os.path.join(build, "src", "sim", "mihu-sim")
        self.yaml_parse = os.path.join(build, "bench", "yaml_parse")
        self.work = work
        self.ca_dir = ca_dir
        self.rows = []
        self.fleets = {}

    def fleet(self, n, size, changed=None):
        key = (n, size, changed)
        if key not in self.fleets:
            d = os.path.join(self.work, f"fleet-{size}-{n}-{changed or 'same'}")
            kb = fleet.write_fleet(d, n, size, changed) / 1024
            self.fleets[key] = (d, kb)
        return self.fleets[key]

    def yaml_baseline(self, repo):
        _, wall, cpu, rss, out, _ = timed([self.yaml_parse, os.path.join(repo, "agents")])
        return wall

    def env(self, sim):
        e = {k: v for k, v in os.environ.items() if not k.startswith("MIHU_")}
        e["NO_COLOR"] = "1"
        if sim:
            e["MIHU_API_URL"] = sim.url
            e["MIHU_API_TOKEN"] = TOKEN
        return e

    def start_sim(self, seed_path, faults):
        with open(seed_path) as f:
            seed = json.load(f)
        sim = simulator.Simulator(self.sim_bin, seed, os.path.join(self.work, "sim"), token=TOKEN,
                                  ca_dir=self.ca_dir, start_timeout=120)
        sim.start()
        sim.set_faults(faults)
        sim.clear_requests()
        return sim

    def run(self, label, args, n, size, changed=None, faults=(), ideal=None, ideal_text="", sim_needed=True,
            after=None, repeat=1):
        """One scenario. With repeat > 1 (commands that change nothing), the command runs that many
        times against the same simulator and the run of median wall time is reported: a run of a
        few hundred milliseconds varies by tens of milliseconds on a shared machine."""
        d, kb = self.fleet(n, size, changed)
        repo = os.path.join(d, "repo")
        sim = self.start_sim(os.path.join(d, "seed.json"), list(faults)) if sim_needed else None
        try:
            cmd = [self.reconcile, "--repo", repo, *args]
            if sim:
                cmd += ["--ca-file", simulator.ca_file(self.ca_dir)]
            runs = []
            for _ in range(repeat):
                if sim:
                    sim.clear_requests()
                result = timed(cmd, env=self.env(sim))
                runs.append((result, sim.requests() if sim else []))
            runs.sort(key=lambda r: r[0][1])
            (rc, wall, cpu, rss, out, err), requests = runs[len(runs) // 2]
        finally:
            if sim:
                sim.stop()
        api = [r for r in requests if r["target"].startswith("/api/")]
        limited = sum(1 for r in api if r["status"] == 429)
        baseline = self.yaml_baseline(repo)
        row = {"scenario": label, "n": n, "kb": kb, "rc": rc, "wall": wall, "cpu": cpu, "rss": rss,
               "requests": len(api), "rate_limited": limited, "yaml": baseline,
               "ideal": ideal(len(api)) if callable(ideal) else ideal, "ideal_text": ideal_text}
        if after:
            after(row, api, out, err)
        self.rows.append(row)
        self.print_row(row)
        if rc not in (0, 2):
            print(f"    exit {rc}; stderr tail:\n" + "\n".join(err.splitlines()[-30:]), file=sys.stderr)
        return row

    @staticmethod
    def header():
        print(f"{'scenario':38} {'wall s':>7} {'cpu s':>6} {'RSS MiB':>8} {'req':>6} {'429':>4} "
              f"{'ideal s':>8} {'x ideal':>7} {'yaml s':>7} {'x yaml':>7}")

    @staticmethod
    def print_row(r):
        ideal = f"{r['ideal']:.2f}" if r["ideal"] else "-"
        ratio = f"{r['wall'] / r['ideal']:.2f}" if r["ideal"] else "-"
        print(f"{r['scenario']:38} {r['wall']:7.2f} {r['cpu']:6.2f} {r['rss']:8.1f} {r['requests']:6d} "
              f"{r['rate_limited']:4d} {ideal:>8} {ratio:>7} {r['yaml']:7.2f} {r['wall'] / r['yaml']:7.2f}",
              flush=True)
        if r.get("note"):
            print(f"    {r['note']}", flush=True)


def pages(n):
    return max(1, -(-n // 100))


def apply_window(row, api, out, err):
    """The apply phase alone: from the first PATCH the simulator received to the last."""
    at = [r["at_ms"] for r in api if r["method"] == "PATCH"]
    if at:
        span = (max(at) - min(at)) / 1000.0
        row["apply_span"] = span
        ideal = row["ideal"]
        row["note"] = (f"PATCH phase {span:.2f} s for {len(at)} PATCHes "
                       f"({len(at) / span if span else 0:.1f}/s, {span / ideal:.2f} x ideal); "
                       f"{row['rate_limited']} answered 429 ({100.0 * row['rate_limited'] / max(1, len(api)):.1f}%)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--quick", action="store_true", help="N = 1,000 instead of 10,000; plot up to 1,000")
    p.add_argument("--plot", help="write the plan scaling plot (svg) here")
    p.add_argument("--json", help="write the figures as JSON here")
    p.add_argument("--keep", action="store_true", help="keep the generated fleets")
    a = p.parse_args()

    work = tempfile.mkdtemp(prefix="reconcile-bench-")
    ca_dir = simulator.make_test_ca(os.path.join(work, "ca"))
    b = Bench(a.build, work, ca_dir)
    big = 1000 if a.quick else 10000
    latency = [{"method": "*", "path_prefix": "/api/v1", "action": "latency", "ms": LATENCY_MS}]
    rate = [{"method": "*", "path_prefix": "/api/v1", "action": "rate_limit", "per_second": RATE}]
    print(f"latency {LATENCY_MS} ms per API request; machine: {os.cpu_count()} CPUs")
    Bench.header()
    try:
        b.run(f"plan {big} x large", ["plan"], big, "large", faults=latency, ideal=pages(big) * LATENCY_MS / 1000)
        b.run(f"plan {big} x small", ["plan"], big, "small", faults=latency, ideal=pages(big) * LATENCY_MS / 1000)
        b.run(f"validate {big} x large", ["validate"], big, "large", sim_needed=False)
        plan_1k = b.run("plan 1000 x large (median of 5)", ["plan"], 1000, "large", faults=latency,
                        ideal=pages(1000) * LATENCY_MS / 1000, repeat=5)
        # The same files without the API: the parse time the plan is compared with.
        validate_1k = b.run("validate 1000 x large (median of 5)", ["validate"], 1000, "large", sim_needed=False,
                            repeat=5)
        beyond = plan_1k["wall"] - validate_1k["wall"]
        print(f"    plan 1000 beyond validate 1000: {beyond * 1000:.0f} ms = "
              f"{beyond * 1000 / LATENCY_MS:.1f} round trips of {LATENCY_MS} ms", flush=True)
        b.run("apply 1000 PATCH, parallelism 16", ["--parallelism", "16", "apply", "--auto-approve"], 1000, "large",
              changed="tone", faults=latency, ideal=1000 / 16 * LATENCY_MS / 1000, after=apply_window)
        b.run(f"apply 1000 PATCH, {RATE} req/s limit", ["--parallelism", "16", "apply", "--auto-approve"], 1000,
              "large", changed="tone", faults=rate + latency, ideal=1000 / RATE, after=apply_window)

        if a.plot:
            sizes = [100, 300, 1000] if a.quick else [100, 300, 1000, 3000, 10000]
            series = []
            print("\nplan x large against N (for the plot)")
            Bench.header()
            for n in sizes:
                r = next((r for r in b.rows if r["scenario"].startswith(f"plan {n} x large")), None)
                if r is None:
                    r = b.run(f"plan {n} x large", ["plan"], n, "large", faults=latency,
                              ideal=pages(n) * LATENCY_MS / 1000)
                series.append(r)
            dat = os.path.join(work, "scaling.dat")
            with open(dat, "w") as f:
                for r in series:
                    f.write(f"{r['n']} {r['wall']:.3f} {r['rss']:.1f} {r['yaml']:.3f}\n")
            script = f"""
set terminal svg size 800,420 dynamic font 'sans,12'
set output '{a.plot}'
set title 'reconcile plan, ~9.5 KB agents, {LATENCY_MS} ms latency'
set xlabel 'agents (N)'
set logscale x
set key left top
set ylabel 'wall time (s)'
set y2label 'peak RSS (MiB)'
set ytics nomirror
set y2tics
set grid
plot '{dat}' using 1:2 with linespoints title 'plan wall time (s)' axes x1y1, \\
     '{dat}' using 1:4 with linespoints title 'bare yaml-cpp parse (s)' axes x1y1, \\
     '{dat}' using 1:3 with linespoints title 'plan peak RSS (MiB)' axes x1y2
"""
            subprocess.run(["gnuplot"], input=script, text=True, check=True)
            print(f"\nplot written to {a.plot}")
        if a.json:
            with open(a.json, "w") as f:
                json.dump(b.rows, f, indent=2)
    finally:
        if a.keep:
            print(f"fleets kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
