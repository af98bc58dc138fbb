"""Shared fixtures: small real indexes on disk, built from articles written here."""

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from search import Archive, index_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

ARTICLES = [
    {
        "id": "cyber-1",
        "title": "Cybersécurité : les hôpitaux face aux rançongiciels",
        "summary": "Les établissements de santé renforcent leur défense.",
        "text": "La cybersécurité des hôpitaux est devenue une priorité. "
        "Jusqu’ici, les attaques visaient surtout les entreprises.",
        "author": "Claire Dubois",
        "source": "Exemple Presse",
        "section": "Cybersécurité",
        "tags": ["rançongiciel", "hôpitaux"],
        "published": "2021-03-12T08:30:00+01:00",
        "url": "https://www.exemple-presse.fr/cyber-1",
    },
    {
        "id": "cyber-2",
        "title": "Un plan pour la cyber-sécurité des communes",
        "text": "Les communes doivent former leurs agents à la cyber-sécurité.",
        "author": "Karim Haddad",
        "source": "Exemple Presse",
        "section": "cybersécurité",
        "tags": "collectivités, formation",
        "published": "2022-06-01",
    },
    {
        "id": "cyber-3",
        "title": "La cyber sécurité expliquée aux enfants",
        "text": "Un livre raconte la cyber sécurité avec des mots simples.",
        "author": "Claire Dubois",
        "source": "La Gazette numérique",
        "section": "Culture",
        "published": "2019-11-20",
    },
    {
        "id": "retraites-1",
        "title": "La réforme des retraites adoptée",
        "text": "Le Parlement a adopté la réforme des retraites après un long débat. "
        "Les retraités attendent les décrets.",
        "author": "AFP",
        "source": "Les Échos du Midi",
        "section": "Politique",
        "tags": ["retraites"],
        "published": "2023-03-20T18:00:00+01:00",
    },
    {
        "id": "retraites-2",
        "title": "Réforme de l’assurance chômage",
        "text": "Une autre réforme touche les chômeurs ; les retraites ne sont pas concernées.",
        "author": "AFP",
        "source": "Les Échos du Midi",
        "section": "Économie",
        "published": "2023-02-10",
    },
    {
        "id": "ete-1",
        "title": "L’été le plus chaud jamais mesuré",
        "text": "L'été 2022 a battu des records de chaleur en France.",
        "author": "Sophie Garnier",
        "source": "Exemple Presse",
        "section": "Sciences",
        "tags": ["climat"],
        "published": "2022-09-01",
    },
    {
        "id": "hostile-1",
        "title": "Un <script>alert('titre')</script> piégé",
        "text": "Le texte contient <script>alert('x')</script> et une balise <b>gras</b> "
        "autour du mot cybersécurité.",
        "author": "Rédaction",
        "section": "Numérique",
        "published": "2020-01-15",
    },
]


# Ids that real feeds use and that a URL path mangles if taken as they are.
AWKWARD_IDS = [
    "a/b",
    "..",
    ".",
    "a/../c",
    "50%",
    "quoi?",
    "x#y",
    "avec espace",
    "été-2022",
    "https://www.exemple.fr/a/b?c=1#d",
    "~tilde",
    "/début",
    "fin/",
    "a//b",
    "%2e%2e",
]


def write_jsonl(path: Path, records: list) -> Path:
    """Write records as JSON Lines (gzip-compressed when the name ends in .gz)."""
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """Return a real index of ARTICLES, built once for the session (tests only read it)."""
    folder = tmp_path_factory.mktemp("index")
    source = write_jsonl(folder.parent / "articles.jsonl", ARTICLES)
    index_files(folder, [source])
    return folder


@pytest.fixture
def archive(index_dir) -> Archive:
    archive = Archive(index_dir)
    yield archive
    archive.close()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """Return a real index of the sample corpus (data/), built once for the session."""
    folder = tmp_path_factory.mktemp("sample")
    index_files(folder, [ROOT / "data"])
    return folder


@pytest.fixture
def sample(sample_dir) -> Archive:
    archive = Archive(sample_dir)
    yield archive
    archive.close()


@contextmanager
def served(index: Path, workers: int = 2, **settings: str):
    """Serve index with `fouille serve` (gunicorn) on a free port; yield its base URL.

    settings are the site's, without their FOUILLE_ prefix (PER_PAGE="50").
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fouille = Path(sys.executable).with_name("fouille")
    server = subprocess.Popen(
        [fouille, "serve", "--index", index, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": ""}
        | {f"FOUILLE_{k}": v for k, v in settings.items()},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def awkward_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("awkward")
    records = [
        {"id": article_id, "title": f"Titre {n} sur le climat", "text": f"Climat, texte {n}."}
        for n, article_id in enumerate(AWKWARD_IDS)
    ]
    index_files(folder, [write_jsonl(folder.parent / "awkward.jsonl", records)])
    with served(folder, PER_PAGE="50") as base:
        yield base
