"""The routing backtests on the shared data: category prediction on the Teddy messages (Chinese, 一级分类)
and on Boston 311 (English, service_name; once as published, once with the city's form questions
stripped), and the duplicate finder on the Boston duplicate closures.

    python -m bench.routing_backtest [DATA_DIR] [--only teddy|boston|boston-stripped|duplicates]

Each run is the `massline` command a centre would type (printed first); the figures go to
bench/results/routing_backtest.json.
"""

import json
import subprocess
import sys
import time

from bench.common import ROOT, write_result

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def runs(data):
    teddy = data / "teddy2020c" / "attachment2_labelled_sample.csv"
    requests = data / "boston311_open311" / "requests_2008_2017.csv.gz"
    gold = data / "boston311_open311" / "duplicate_closures_2008_2017.csv.gz"
    boston = ["routing", "backtest", str(requests), "--text", "description", "--label", "service_name"]
    return {
        "teddy": [
            "routing",
            "backtest",
            str(teddy),
            "--text",
            "留言主题,留言详情",
            "--label",
            "一级分类",
            "--time",
            "留言时间",
        ],
        "boston": [*boston, "--time", "requested_datetime"],
        "boston-stripped": [*boston, "--time", "requested_datetime", "--strip-form-questions"],
        "duplicates": ["duplicates", "backtest", str(requests), "--gold", str(gold)],
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    only = None
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    data = ROOT / argv[0] if argv else DEFAULT_DATA
    massline = ROOT / ".venv" / "bin" / "massline"
    results = {}
    for name, args in runs(data).items():
        if only and name != only:
            continue
        command = [str(massline), *args, "--json"]
        print("$ massline " + " ".join(args) + " --json", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env={"DEBUG": "true", **_env()})  # noqa: S603
        if done.returncode:
            print(done.stderr.strip(), flush=True)
            results[name] = {"error": done.stderr.strip()[-500:]}
            continue
        result = json.loads(done.stdout)
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        results[name] = result
        print(
            json.dumps(
                {k: v for k, v in result.items() if k not in ("confidence_bands",)}, ensure_ascii=False
            )
        )
    write_result("routing_backtest" + (f"_{only}" if only else ""), results)


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "DEBUG"}


if __name__ == "__main__":
    main()
