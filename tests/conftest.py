"""Shared fixtures: small real indexes on disk, built from articles written here."""

import gzip
import json
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
