"""An operator's bad days: indexing killed at any moment, a full disk, two writers at once.

Each test runs the real ``fouille index`` in its own process, on articles generated from the
sample corpus (enough for several commits and for the topic space of the end phase).
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, write_jsonl
from search import Archive
from search.store.topics import load_topics

FOUILLE = Path(sys.executable).with_name("fouille")
BATCH = 1_000
ARTICLES = 3_000  # three commits of two segments each (two processes), then the end phase


def generated(count: int, seed: int = 7) -> list[dict]:
    """Return count articles mixing the sentences of the sample corpus, each its own."""
    lines = (ROOT / "data" / "articles.jsonl").read_text("utf-8").splitlines()
    sample = [json.loads(line) for line in lines]
    sentences = [s for a in sample for s in a["body"].split(". ") if len(s) > 40]
    rng = random.Random(seed)
    return [
        {
            "id": f"gen-{n:05d}",
            "title": rng.choice(sample)["title"] + f" ({n})",
            "text": ". ".join(rng.sample(sentences, 8)) + f". Dépêche numéro {n}.",
            "published": f"20{rng.randint(15, 23)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        }
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "gen.jsonl", generated(ARTICLES))


def index_command(source: Path, index: Path, batch: int = BATCH) -> list[str]:
    return [FOUILLE, "index", source, "--index", index, "--batch-size", str(batch)]


def run(command: list, **options) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONWARNINGS": ""}
    return subprocess.run(command, capture_output=True, text=True, env=environment, **options)


def count(index: Path) -> int:
    archive = Archive(index)
    try:
        return archive.count()
    finally:
        archive.close()


def kill_during(command: list, moment) -> list[int]:
    """Run command and kill -9 it as soon as moment(seconds since start) is true.

    Return the processes it had started by then (its workers).
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started, helpers = time.monotonic(), []
    while process.poll() is None:
        helpers = descendants(process.pid) or helpers
        if moment(time.monotonic() - started):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    return helpers


def descendants(pid: int) -> list[int]:
    """Return the processes below pid (Linux's /proc), empty where that cannot be read."""
    found, todo = [], [pid]
    while todo:
        children = Path(f"/proc/{todo.pop()}/task")
        for task in children.glob("*/children") if children.exists() else []:
            try:
                more = [int(child) for child in task.read_text().split()]
            except OSError:
                continue
            found += more
            todo += more
    return found


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        # A zombie has ended; only its parent's wait is missing.
        return stat.read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.parametrize(
    "when",
    [
        "early",  # while the first batches are written
        "random",  # any moment of the run
        "end phase",  # after the last commit, while duplicates and topics are brought up to date
    ],
)
def test_killed_indexing_keeps_every_committed_batch_and_the_next_run_completes(
    corpus, tmp_path, when
):
    index = tmp_path / "ix"
    seed = int(os.environ.get("FOUILLE_CRASH_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    at = {"early": rng.uniform(1.0, 3.0), "random": rng.uniform(0.5, 12.0)}.get(when)

    def moment(seconds: float) -> bool:
        if at is not None:
            return seconds >= at
        # The record of duplicates is written once the last batch is committed: the topic
        # space is being fitted.
        return (index / "fouille-duplicates.json").exists()

    helpers = kill_during(index_command(corpus, index), moment)
    # The worker processes end with the indexing process, never left running for nothing.
    deadline = time.monotonic() + 10
    while any(map(alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if alive(pid)]
    if any(index.glob("_MAIN_*.toc")):
        kept = count(index)
        # Whole batches only: a crash loses the open batch, nothing committed before it.
        assert kept % BATCH == 0 or kept == ARTICLES, f"seed {seed}: {kept} articles"
    leftovers = run(index_command(corpus, index))
    assert leftovers.returncode == 0, leftovers.stderr
    assert count(index) == ARTICLES
    assert load_topics(index) is not None
    # Nothing a write left half-done stays behind.
    assert not list(index.glob("MAIN.tmp")) and not list(index.glob(".fouille-*"))
    again = run(index_command(corpus, index))
    assert again.stdout.startswith(f"Nothing to index: {ARTICLES:,} articles from 1 file")


def test_second_writer_is_told_who_holds_the_index_and_the_first_completes(corpus, tmp_path):
    index = tmp_path / "ix"
    first = subprocess.Popen(
        index_command(corpus, index),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    lock = index / "fouille-write.lock"
    deadline = time.monotonic() + 30
    while not (lock.exists() and str(first.pid) in lock.read_text()):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = run(index_command(ROOT / "data", index))
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 0
    assert second.returncode == 1
    assert f"process {first.pid}" in second.stderr and "is writing to this index" in second.stderr
    assert "Traceback" not in second.stderr
    assert "Topics: fitted" in output and count(index) == ARTICLES
    assert run(index_command(ROOT / "data", index)).returncode == 0
    assert count(index) == ARTICLES + 72


def test_end_phase_waits_for_no_one_and_never_runs_beside_another_writer(corpus, tmp_path):
    index = tmp_path / "ix"
    assert run(index_command(corpus, index)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from search.store.lock import writing\n"
            "with writing(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)",
            str(index),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run([FOUILLE, "delete", "gen-00001", "--index", index])
        assert result.returncode == 1 and "is writing to this index" in result.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert count(index) == ARTICLES


@pytest.fixture
def small_disk(tmp_path):
    """Mount a 6 MB tmpfs (root only); yield its folder."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    mounted = run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", folder])
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield folder
    # Lazily: the test process still maps the index's segments (they stay open once read), and
    # a mount left behind would stop pytest from deleting its old temporary folders.
    unmounted = run(["umount", "--lazy", folder])
    assert unmounted.returncode == 0, unmounted.stderr


def test_full_disk_says_so_keeps_what_was_committed_and_leaves_nothing_behind(corpus, small_disk):
    index = small_disk / "ix"
    result = run(index_command(corpus, index, batch=100))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no space left on the disk of" in result.stderr
    assert "free some space and run the same command again" in result.stderr
    kept = count(index)
    assert kept % 100 == 0 and 0 < kept < ARTICLES
    names = {path.name for path in index.iterdir()}
    assert not {n for n in names if n.endswith(".tmp") or ".toc." in n or n.startswith(".")}
    run(["mount", "-o", "remount,size=200m", small_disk])
    assert run(index_command(corpus, index)).returncode == 0
    assert count(index) == ARTICLES
