"""`make bench`: run every benchmarks/bench_*.py in turn, each in its own process.

Each benchmark generates the full-scale data it needs (cached under $MOVIEBOT_BENCH_DIR, default
var/bench) and prints its own figures; this only runs them and says which failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    names = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))
    failed = []
    for name in names:
        print(f"\n=== {name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"])
        print(f"=== {name}: exit {code} after {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
