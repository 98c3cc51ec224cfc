"""Time from `python main.py` to the login window shown (target < 0.6 s, DESIGN.md section 9).

    python bench/startup.py [--runs N] [--db PATH]

Each run starts a new process with ASIAKASREKISTERI_BENCH_STARTUP set to the wall-clock time
just before the start; the app prints the elapsed time when the login window has been shown
(after the first pass of the event loop) and quits. Offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db")
    args = parser.parse_args()
    db = args.db
    if not db:
        sys.path.insert(0, str(ROOT))
        from core.db import open_database

        db = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
        open_database(db).dispose()  # the schema is enough to reach the login window
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    times = []
    for _ in range(args.runs):
        env["ASIAKASREKISTERI_BENCH_STARTUP"] = repr(time.time())
        out = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", db],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        line = next(
            (x for x in out.stdout.splitlines() if x.startswith("login window shown")), None
        )
        if line is None:
            print(out.stdout, out.stderr, file=sys.stderr)
            return 1
        times.append(float(line.split()[3]))
    median = statistics.median(times)
    print(
        f"startup_to_login {median:.3f} s target {TARGET:g} {'ok' if median < TARGET else 'MISS'}"
        f" (median of {len(times)} runs; best {min(times):.3f} s, worst {max(times):.3f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
