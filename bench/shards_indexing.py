"""Indexing time of one index against N shards, in one process and on a local Ray cluster.

``python -m bench.shards_indexing CORPUS --shards 4 [--out DIR] [--procs N]`` builds CORPUS
three times with ``fouille index --rebuild`` (one index; N shards written one after another
in the indexing process; N shards written by Ray actors with ``--cluster local``, the
cluster's start included) into DIR (default: a temporary folder, deleted after), and
prints, as JSON, each build's wall time, the seconds up to the last commit that the summary
gives, the duplicates pass's and topic fit's seconds and the peak memory of its processes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from .measure import run_measured
from .run import _seconds


def variants(shards: int) -> dict[str, list[str]]:
    """Return the options of each build measured, by name."""
    return {
        "one index": [],
        f"{shards} shards, in-process": ["--shards", str(shards)],
        f"{shards} shards, --cluster local": ["--shards", str(shards), "--cluster", "local"],
    }


def measure(corpus: Path, out: Path, shards: int, procs: int) -> dict[str, dict]:
    """Build corpus once per variant into out; return each build's figures by name."""
    fouille = str(Path(sys.executable).parent / "fouille")
    found = {}
    for number, (name, options) in enumerate(variants(shards).items()):
        target = out / f"build-{number}"
        command = [fouille, "index", "--rebuild", *options, "--index", str(target), str(corpus)]
        run = run_measured([*command, "--procs", str(procs)])
        written = re.search(r"^Indexed ([0-9,]+) articles .* in ([0-9.,]+) s", run.output, re.M)
        articles, seconds = int(written[1].replace(",", "")), float(written[2])
        found[name] = {
            "articles": articles,
            "seconds": round(run.seconds, 1),
            "written_s": seconds,
            "articles_per_s_written": round(articles / seconds),
            "duplicates_s": _seconds(run.output, "Duplicates:"),
            "topics_s": _seconds(run.output, "Topics: fitted"),
            "peak_mb": round(run.peak_mb),
        }
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shards_indexing")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--out", type=Path, help="Folder for the indexes (kept).")
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args(argv)
    if options.out is not None:
        options.out.mkdir(parents=True, exist_ok=True)
        found = measure(options.corpus, options.out, options.shards, options.procs)
    else:
        with tempfile.TemporaryDirectory() as out:
            found = measure(options.corpus, Path(out), options.shards, options.procs)
    print(json.dumps(found, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
