"""Write the benchmark's tables (Markdown) and its plot (PNG) from its results."""

from __future__ import annotations

from pathlib import Path

import numpy

TABLES = "benchmark-tables.md"
# The archive size the serving table predicts figures for, from those measured.
PREDICTED = 1_000_000
PLOT = "benchmark-scale.png"

# Fouille in shards, written and searched by actors on a local Ray cluster (--shards).
SHARDED = "fouille-shards-ray"


def write_report(results: dict, out: Path) -> None:
    """Write the tables and the plot of results into the folder out."""
    out.mkdir(parents=True, exist_ok=True)
    (out / TABLES).write_text(tables(results), encoding="utf-8")
    plot(results, out / PLOT)


def tables(results: dict) -> str:
    """Return every table of results as Markdown."""
    options = results["options"]
    lines = [
        f"Run {results['date']} on {results['cores']} cores, {results['seconds'] / 60:.1f} min: "
        f"`python -m bench.run --sizes {' '.join(map(str, options['sizes']))} "
        f"--runs {options['runs']} --index-runs {options['index_runs']} "
        f"--sample {options['sample']} --http-seconds {options['http_seconds']:g}"
        + (f" --shards {options['shards']}" if options.get("shards") else "")
        + "`.",
        "Cells: median of the runs (lowest–highest).",
        "",
    ]
    for size, measured in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        lines += _indexing(int(size), measured["indexing"]) + [""]
        lines += _latency(int(size), measured["latency"]) + [""]
    lines += _serving(results) + [""]
    lines += _http(results["http"], results["http_size"], options["http_seconds"])
    return "\n".join(lines) + "\n"


def _cell(summary: dict, digits: int = 0) -> str:
    median, low, high = (f"{summary[k]:,.{digits}f}" for k in ("median", "low", "high"))
    return median if low == high else f"{median} ({low}–{high})"


def _indexing(size: int, rows: dict) -> list[str]:
    base = rows["fouille-all"]["docs_per_s"]["median"]
    lines = [
        f"**Indexing {size:,} documents** (`-1`: one process or thread; `-all`: every core; "
        f"`{SHARDED}`: in shards written by actors on a local Ray cluster, `--shards`)",
        "",
        "| engine | docs/s | docs per CPU-second | peak MB | index MB | docs/s ÷ Fouille-all |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        ratio = row["docs_per_s"]["median"] / base
        lines.append(
            f"| {name} | {_cell(row['docs_per_s'])} | {_cell(row['docs_per_cpu_s'])} | "
            f"{_cell(row['peak_mb'])} | {row['size_mb']:,.0f} | {ratio:,.1f}× |"
        )
    return lines + [""] + _phases(size, rows)


def _phases(size: int, rows: dict) -> list[str]:
    fts5 = rows.get("sqlite-fts5-1", {}).get("size_mb")
    lines = [
        f"**Fouille at {size:,} documents, phase by phase**: the topic fit ends the run; "
        "index MB counts Whoosh's table of contents and the segments, beside MB the files "
        "beside them (sources, duplicates, topics)",
        "",
        "| build | docs/s without the topic fit | topic fit s | duplicates s | "
        "peak MB without the fit | index MB | beside MB | index ÷ FTS5 table |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if "index_mb" not in row:
            continue
        ratio = f"{row['index_mb'] / fts5:.2f}" if fts5 else "—"
        lines.append(
            f"| {name} | {_cell(row['docs_per_s_without_topics'])} | "
            f"{_cell(row['topics_s'], 1)} | {_cell(row['duplicates_s'], 1)} | "
            f"{_cell(row['peak_mb_without_topics'])} | {row['index_mb']:,.0f} | "
            f"{row['beside_mb']:,.0f} | {ratio} |"
        )
    return lines


def _latency(size: int, table: dict) -> list[str]:
    lines = [
        f"**Query latency at {size:,} documents**, ms, top 10, one query at a time",
        "",
        "| query set | engine | p50 | p95 | Fouille p50 ÷ engine p50 |",
        "|---|---|---|---|---|",
    ]
    for set_name, engines in table.items():
        base = engines["fouille"]["p50"]["median"]
        for name, row in engines.items():
            ratio = base / row["p50"]["median"] if row["p50"]["median"] else float("inf")
            lines.append(
                f"| {set_name} | {name} | {_cell(row['p50'], 2)} | {_cell(row['p95'], 2)} | "
                f"{ratio:,.1f} |"
            )
    return lines


def _serving(results: dict) -> list[str]:
    lines = [
        "**Serving**, `fouille serve`: first search of a new worker and after a commit of "
        "20 articles (one worker); per worker after the load, MB: pages it alone wrote "
        "(private dirty), USS, PSS; the site's anonymous memory (2 workers and the master); "
        "views p95 ms; `fouille export` of every article matching *macron*",
        "",
        "| documents | first search ms | after a commit ms | private MB | USS MB | PSS MB | "
        "site anon MB | `/tendances` p95 | `/concordance` p95 | export rows | export s | "
        "export anon MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = {}
    for size, measured in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        if "serving" in measured:
            found = measured["serving"]
            worst = {k: max(w[k] for w in found["workers"]) for k in found["workers"][0]}
            export = found["export"]
            rows[int(size)] = [
                found["first_query_ms"],
                found["after_commit_ms"],
                worst["private_dirty_mb"],
                worst["uss_mb"],
                worst["pss_mb"],
                found["site_anon_mb"],
                found["trends_ms"]["p95"],
                found["concordance_ms"]["p95"],
                export["rows"],
                export["seconds"],
                export["peak_anon_mb"],
            ]
    for size, values in rows.items():
        lines.append(_serving_row(f"{size:,}", values))
    if len(rows) >= 3:
        # A straight line through the sizes measured: what grows with the archive, and how fast.
        sizes = list(rows)
        columns = zip(*rows.values(), strict=True)
        predicted = [numpy.polyval(numpy.polyfit(sizes, c, 1), PREDICTED) for c in columns]
        lines.append(_serving_row(f"{PREDICTED:,} (predicted)", predicted))
    return lines


def _serving_row(label: str, values: list[float]) -> str:
    *figures, rows, seconds, anon = values
    cells = [f"{value:,.0f}" for value in figures] + [f"{rows:,.0f}", f"{seconds:.1f}"]
    return f"| {label} | {' | '.join(cells)} | {anon:.0f} |"


def _http(table: dict, size: int, seconds: float) -> list[str]:
    lines = [
        f"**HTTP at {int(size):,} documents**, `fouille serve` (2 workers), {seconds:g} s per "
        "line, keyword and question queries alternating",
        "",
        "| path | clients | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, row in table.items():
        path, clients = key.rsplit(" ", 1)
        lines.append(
            f"| `{path}` | {clients} | {row['per_second']:.1f} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} |"
        )
    return lines


def plot(results: dict, path: Path) -> None:
    """Plot median latency, index size and a worker's memory against the number of documents."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    sizes = sorted(int(size) for size in results["sizes"])
    measured = [results["sizes"][_key(results, size)] for size in sizes]
    figure, (latency, disk, memory) = pyplot.subplots(1, 3, figsize=(15, 4.2))
    for engine in ("fouille", "sqlite-fts5", "tantivy"):
        for set_name, style in (("keywords", "-o"), ("questions", "--s")):
            values = [m["latency"][set_name][engine]["p50"]["median"] for m in measured]
            latency.plot(sizes, values, style, label=f"{engine}, {set_name}")
    for engine in ("fouille-all", "sqlite-fts5-1", "tantivy-all"):
        disk.plot(sizes, [m["indexing"][engine]["size_mb"] for m in measured], "-o", label=engine)
    if all("serving" in m for m in measured):
        for key, label in (("private_dirty_mb", "private"), ("uss_mb", "USS"), ("pss_mb", "PSS")):
            worst = [max(w[key] for w in m["serving"]["workers"]) for m in measured]
            memory.plot(sizes, worst, "-o", label=label)
    memory.set(xlabel="documents", ylabel="MB", title="A Fouille worker's memory")
    memory.legend(fontsize=8)
    latency.set(xlabel="documents", ylabel="p50 ms (log)", yscale="log", title="Query latency")
    disk.set(xlabel="documents", ylabel="MB", title="Index size")
    latency.legend(fontsize=7)
    disk.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)


def _key(results: dict, size: int):
    return size if size in results["sizes"] else str(size)
