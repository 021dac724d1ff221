"""Open concerns like the one being logged, so that staff can spot a duplicate and merge it.

Pure: text in, scores out; no Flask, no database (the caller passes the open concerns of the
same area). Concerns are short and written by different people, so words are normalised first:
lower case, punctuation dropped, common words left out, plurals and -ing/-ed endings stripped,
and street abbreviations spelled out ("Church Rd" is "church road").

Scores are the cosine of TF-IDF vectors over the candidates and the new text, rather than the
Jaccard overlap of word sets: in one area many concerns share words such as "speeding" or
"parking", and Jaccard counts such a word as much as a rare one like a street's name. Inverse
document frequency weighs a word by how few of these concerns use it, so two concerns about the
same street near the same school score above two that merely share the area's usual topic.
The weights are smoothed (as in scikit-learn), so a word that every concern uses still counts a
little: with only one or two candidates there would otherwise be nothing left to compare.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even every few
    for from further get got had has have having he her here hers him his how i if in into is it
    its just me more most my near no nor not now of off on once only or other our ours out over
    own past same she should so some still such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
_ABBREVIATIONS = {
    "rd": "road",
    "ln": "lane",
    "ave": "avenue",
    "cres": "crescent",
    "gdns": "gardens",
    "sq": "square",
    "ct": "court",
}
_WORD = re.compile(r"[^\W_]+")
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")  # "tipp" from "tipping" is "tip"


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order, common words left out."""
    found = []
    for word in _WORD.findall(text.replace("'", "").replace("\u2019", "").lower()):
        word = _ABBREVIATIONS.get(word, word)
        if word not in STOP_WORDS:
            found.append(_stem(word))
    return found


def _stem(word: str) -> str:
    """Strip plural, -ing and -ed endings and a final e, so "speeding" and "speed" meet."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = _DOUBLED.sub(r"\1", word[:-3])
    elif len(word) > 5 and word.endswith("ed") and not word.endswith("eed"):
        word = _DOUBLED.sub(r"\1", word[:-2])
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


def similar(
    text: str,
    candidates: Sequence[tuple[int, str]],
    *,
    limit: int = 5,
    threshold: float = 0.2,
) -> list[tuple[int, float]]:
    """The candidates (id, text) most like `text`, as (id, score), best first, at most `limit`.

    Scores run from 0 (no word in common) to 1 (the same words in the same proportions); only
    those at or above `threshold` are returned. Ties go to the lower id, so the order is the
    same on every run.
    """
    if limit < 0:
        raise ValueError("The number of similar concerns to suggest cannot be negative")
    query = Counter(words(text))
    documents = [Counter(words(candidate)) for _, candidate in candidates]
    weights = _idf([query, *documents])
    query_vector = _weighted(query, weights)
    scored = [
        (concern_id, _cosine(query_vector, _weighted(document, weights)))
        for (concern_id, _), document in zip(candidates, documents, strict=True)
    ]
    chosen = [(concern_id, score) for concern_id, score in scored if score >= threshold]
    chosen.sort(key=lambda pair: (-pair[1], pair[0]))
    return chosen[:limit]


def _idf(documents: Sequence[Counter[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of every word: ln((1 + n) / (1 + df)) + 1."""
    frequency = Counter(word for document in documents for word in document)
    count = len(documents)
    return {word: math.log((1 + count) / (1 + df)) + 1 for word, df in frequency.items()}


def _weighted(document: Counter[str], weights: dict[str, float]) -> dict[str, float]:
    return {word: count * weights[word] for word, count in document.items()}


def _cosine(first: dict[str, float], second: dict[str, float]) -> float:
    """Cosine of two sparse vectors; fsum, so the score does not depend on the words' order."""
    dot = math.fsum(weight * second[word] for word, weight in first.items() if word in second)
    if dot == 0:
        return 0.0
    norms = math.sqrt(math.fsum(w * w for w in first.values())) * math.sqrt(
        math.fsum(w * w for w in second.values())
    )
    return min(1.0, dot / norms)
