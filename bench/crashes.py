"""Kill a real ``fouille index`` at random moments: what each kill loses, and the recovery.

Usage: python -m bench.crashes CORPUS [--kills 10] [--batch-size 1000] [--seed 1] [--work DIR]

Each round indexes CORPUS into a fresh index, kills it with SIGKILL after a random delay
(anywhere from the first batch to the end phase), then opens the index, counts what it kept,
and runs the same command again to completion. An article is lost by a kill when the progress
bar had counted it but no commit held it (docs/RELIABILITY.md).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from search import Archive, FouilleError

FOUILLE = Path(sys.executable).with_name("fouille")
_PROGRESS = re.compile(r"(\d+)/\d+ \[")


def one_round(corpus: Path, index: Path, batch: int, delay: float, log: Path) -> dict:
    """Index, kill after delay seconds, inspect, and complete; return what happened."""
    shutil.rmtree(index, ignore_errors=True)
    command = [FOUILLE, "index", corpus, "--index", index, "--batch-size", str(batch)]
    with log.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        time.sleep(delay)
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
    counted = [int(n) for n in _PROGRESS.findall(log.read_text(errors="replace"))]
    seen = max(counted, default=0)
    kept = _count(index)
    started = time.perf_counter()
    again = subprocess.run(command, capture_output=True, text=True)
    return {
        "killed_after_s": round(delay, 1),
        "finished_before_kill": finished,
        "progress_at_kill": seen,
        "kept": kept,
        "lost": max(seen - kept, 0) if kept is not None else None,
        "recovered": again.returncode == 0,
        "recovery_s": round(time.perf_counter() - started, 1),
        "after_recovery": _count(index),
    }


def _count(index: Path) -> int | None:
    """Return the articles the index holds (0 if none was created), None if it won't open."""
    if not any(index.glob("_MAIN_*.toc")):
        return 0
    try:
        archive = Archive(index)
    except FouilleError:
        return None
    try:
        return archive.count()
    finally:
        archive.close()


def main(argv: list[str] | None = None) -> None:
    """Run the rounds and print them, with the largest loss."""
    parser = argparse.ArgumentParser(prog="python -m bench.crashes")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--longest", type=float, default=60.0, help="latest kill, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(".bench-work/crashes"))
    options = parser.parse_args(argv)
    options.work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(options.seed)
    rounds = []
    for number in range(options.kills):
        delay = rng.uniform(1.0, options.longest)
        result = one_round(
            options.corpus,
            options.work / "ix",
            options.batch_size,
            delay,
            options.work / f"round-{number}.log",
        )
        rounds.append(result)
        print(json.dumps(result), file=sys.stderr)
    lost = [r["lost"] for r in rounds if r["lost"] is not None]
    summary = {
        "rounds": rounds,
        "max_lost": max(lost, default=None),
        "all_recovered": all(r["recovered"] for r in rounds),
        "opened_after_every_kill": all(r["kept"] is not None for r in rounds),
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
