"""Time concordance pages on a large index and take a screenshot of one.

    python -m bench.concordance /work/fb/bench/35987/fouille-all docs/concordance-36k.png

Prints the p50 and p95 of page 1 and of a deep page (one request each at a time, with the
site's time budget), warm, then saves the page of ``retraites`` at 1,280 px.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from search import Archive, ConcordanceSort
from web import create_app

BUDGET = 0.8
RUNS = 20
PER_PAGE = 50


def time_pages(index: str, query: str, sort: ConcordanceSort, pages: list[int]) -> dict:
    """Return the first request's milliseconds, and p50 and p95 of each page over RUNS more."""
    archive = Archive(index, time_budget=BUDGET)
    archive.count()
    started = time.perf_counter()
    archive.concordance(query, sort=sort, per_page=PER_PAGE)
    found = {"first": (time.perf_counter() - started) * 1000}
    for number in pages:
        times, partial = [], False
        for _ in range(RUNS):
            started = time.perf_counter()
            page = archive.concordance(query, sort=sort, page=number, per_page=PER_PAGE)
            times.append((time.perf_counter() - started) * 1000)
            partial |= page.partial
        times.sort()
        found[number] = (statistics.median(times), times[int(0.95 * (RUNS - 1))], partial)
    return found


def screenshot(index: str, url: str, path: Path) -> None:
    """Serve index on a free port and save the page at url, 1,280 px wide."""
    from playwright.sync_api import sync_playwright

    app = create_app({"INDEX": index})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            tab = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
            tab.goto(f"http://127.0.0.1:{server.server_port}{url}")
            tab.screenshot(path=str(path))
            browser.close()
    finally:
        server.shutdown()


def main(index: str, image: str) -> None:
    for query in ("retraites", '"retraites"', "état"):
        total = Archive(index).concordance(query, per_page=PER_PAGE).total
        last = max(1, -(-total // PER_PAGE))
        for sort in (ConcordanceSort.DATE, ConcordanceSort.PREVIOUS_WORD):
            found = time_pages(index, query, sort, [1, last])
            print(f"{query} tri={sort.value}: first request {found.pop('first'):.0f} ms")
            for number, (p50, p95, partial) in found.items():
                note = " (partial)" if partial else ""
                print(f"  page {number}/{last}: p50 {p50:.0f} ms, p95 {p95:.0f} ms{note}")
    screenshot(index, "/concordance?q=retraites", Path(image))
    print(f"saved {image}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
