"""One measured ``fouille index --rebuild`` build: its phases and peak memory.

``python -m bench.build CORPUS INDEX [--procs N]`` prints, as JSON, what ``make bench``'s
phase table gives for one build (docs/BENCHMARKS.md): articles a second and peak memory of
the process tree up to the topic fit, the fit's and the duplicates pass's seconds, sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from .measure import run_measured
from .run import phases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.build")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args(argv)
    fouille = str(Path(sys.executable).parent / "fouille")
    command = [fouille, "index", "--rebuild", str(options.corpus), "--index", str(options.index)]
    run = run_measured([*command, "--procs", str(options.procs)])
    size = int(re.search(r"^Indexed ([0-9,]+) articles", run.output, re.M)[1].replace(",", ""))
    found = phases([run], size, options.index)
    found |= {"articles": size, "seconds": run.seconds, "peak_mb": run.peak_mb}
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
