"""Screenshot the trends page on a real index, 1,280 px wide, into docs/.

Usage: python -m bench.trends_screenshot INDEX [OUTPUT]; the index is only read (served by
``fouille serve``). Uses Debian's chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "/tendances?q=coronavirus&q=grippe&par=mois"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def screenshot(index: Path, output: Path) -> Path:
    """Serve index, open the trends page at 1,280 px and save the whole page as output."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import served

    with served(index) as base, sync_playwright() as playwright:
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        tab = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
        tab.goto(base + PAGE, timeout=60_000)
        tab.screenshot(path=str(output), full_page=True)
        browser.close()
    return output


if __name__ == "__main__":
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "trends-36k.png"
    print(screenshot(Path(sys.argv[1]), out))
