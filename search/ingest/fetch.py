"""Fetch a document given by URL, with a timeout and a message for each way it can fail."""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from ..errors import InputError

# Seconds without an answer (to connect, or between two reads) before giving up.
TIMEOUT = 10.0
MAX_BYTES = 20_000_000
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"


def is_url(text: str) -> bool:
    """Tell whether text is an http(s) address rather than a file path.

    >>> is_url("https://example.org/feed.xml"), is_url("feeds/example.xml")
    (True, False)
    """
    return urlsplit(text).scheme in ("http", "https") and bool(urlsplit(text).netloc)


def fetch(url: str) -> bytes:
    """Return the body that url serves.

    :raises InputError: naming the URL and what went wrong, for any network or HTTP failure.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "Fouille", "Accept": ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise _failed(url, f"the server answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise _failed(url, _reason(url, error.reason)) from None
    except (OSError, http.client.HTTPException) as error:
        raise _failed(url, _reason(url, error)) from None
    if len(data) > MAX_BYTES:
        raise _failed(url, f"the answer is over {MAX_BYTES // 1_000_000} MB; is it really a feed?")
    return data


def _reason(url: str, reason: object) -> str:
    host = urlsplit(url).hostname
    if isinstance(reason, socket.gaierror):
        return f"cannot find the host {host} ({reason.strerror}); check the address and network"
    if isinstance(reason, TimeoutError):
        return f"no answer from {host} within {TIMEOUT:g} s; try again later"
    if isinstance(reason, ConnectionRefusedError):
        return f"{host} refused the connection; check the address and port"
    return f"the connection to {host} failed ({reason})"


def _failed(url: str, message: str) -> InputError:
    return InputError(url, None, None, f"cannot fetch it: {message}")
