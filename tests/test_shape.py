"""What a query's shape says it asks for: a question or a few words, or a sentence."""

import pytest

from search.ranking.shape import asks_about, is_keywords, is_question


@pytest.mark.parametrize(
    "text",
    [
        "C'est quoi le FCC ?",
        "Comment gérer un fichier client",
        "Les médecins doivent-ils réaliser une analyse d'impact",
        "Qu’est-ce que le RGPD",
        "De quoi sont accusés les Acadiens",
        "Windows 10 quels sont les risques ?",
    ],
)
def test_questions_are_recognised_with_or_without_a_question_mark(text):
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "La victime est une femme d'une quarantaine d'années.",
        "Trois gardiens ont été blessés samedi, a-t-on appris auprès de la police",
        "La femme du PDG de Renault a écrit à l'ONG",
        "Le Black Friday revient. Comment consommer durablement ?",
    ],
)
def test_declarative_sentences_ask_for_the_text(text):
    assert not asks_about(text)


@pytest.mark.parametrize("text", ["réforme retraites", "Meurtre d'Angélique", "cybersécurité"])
def test_a_few_words_ask_what_an_article_is_about(text):
    assert is_keywords(text) and asks_about(text)
