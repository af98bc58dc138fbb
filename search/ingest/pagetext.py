"""Find an article page's lead and main text, leaving menus, teasers and banners behind.

trafilatura finds the main text; before it runs, the lead (chapô) is taken out of the page
so that it becomes the summary rather than the body's first paragraph, and bylines
("Orange avec AFP, publié le …") are dropped, since author and date come from the tags.
"""

from __future__ import annotations

import re

import trafilatura
from lxml.html import HtmlElement

LEAD_CLASS = re.compile(r"(?:^|[-_])(?:chapo|chapeau|lead|standfirst)(?:$|[-_])", re.I)
BYLINE_CLASS = re.compile(r"(?:^|[-_])(?:date|byline|dateline|signature)(?:$|[-_])", re.I)
BYLINE_MAX_CHARS = 200
# Only whole blocks: a <span class="date"> inside a sentence is part of the text.
BYLINE_TAGS = ("p", "div", "header", "footer", "section", "aside", "address", "ul", "ol", "li")
LEAD_MIN_CHARS = 40
ARTICLE = '//*[@itemprop="articleBody"] | //article'


def page_text(tree: HtmlElement) -> tuple[str, str]:
    """Return the page's lead (or "") and main text (or ""), consuming the tree."""
    container = next(iter(tree.xpath(ARTICLE)), tree.find("body"))
    if container is None:
        container = tree
    for heading in container.xpath(".//h1")[:1]:
        heading.drop_tree()  # the headline: already the title, it must not open the body
    _drop_bylines(container)
    lead = _take_lead(container)
    body = trafilatura.extract(
        tree,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        # Same body F1 on the measured pages, and a page of links then yields no text at all.
        favor_precision=True,
        fast=True,
    )
    lines = (line.strip() for line in (body or "").splitlines())
    return lead, "\n".join(line for line in lines if line)


def _drop_bylines(container: HtmlElement) -> None:
    for element in list(container.iter(*BYLINE_TAGS)):
        if element.getparent() is None:
            continue
        if _has_class(element, BYLINE_CLASS) and len(element.text_content()) <= BYLINE_MAX_CHARS:
            element.drop_tree()


def _take_lead(container: HtmlElement) -> str:
    """Remove the lead from the page and return its text: a chapô class, else a bold opening."""
    for element in container.iter():
        if isinstance(element.tag, str) and _has_class(element, LEAD_CLASS):
            return _remove(element)
    first = next((p for p in container.iter("p") if p.text_content().strip()), None)
    if first is None or (first.text or "").strip() or not len(first):
        return ""
    opening = first[0]
    if opening.tag in ("strong", "b") and len(opening.text_content().strip()) >= LEAD_MIN_CHARS:
        return _remove(opening)
    return ""


def _remove(element: HtmlElement) -> str:
    text = " ".join(element.text_content().split())
    element.drop_tree()
    return text


def _has_class(element: HtmlElement, pattern: re.Pattern) -> bool:
    return any(pattern.search(name) for name in (element.get("class") or "").split())
