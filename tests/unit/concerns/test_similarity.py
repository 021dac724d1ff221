"""Open concerns like the one being logged are suggested, best first, in a stable order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.concerns.similarity import similar, words

SPEEDING = "Speeding on Church Road near the school"


def test_the_same_complaint_in_other_words_is_suggested_above_an_unrelated_one():
    candidates = [
        (1, "fly-tipping in the woods"),
        (2, "cars speeding past the school on Church Rd"),
    ]
    suggestions = similar(SPEEDING, candidates, threshold=0)
    assert [concern_id for concern_id, _ in suggestions] == [2, 1]
    assert suggestions[0][1] > 0.5
    assert suggestions[1][1] == 0
    assert similar(SPEEDING, candidates) == suggestions[:1]  # the default threshold drops it


def test_words_are_lower_case_without_punctuation_common_words_or_endings():
    assert words("Cars SPEEDING past the school, on Church Rd!") == [
        "car",
        "speed",
        "school",
        "church",
        "road",
    ]
    assert words("Fly-tipping; lorries parked") == ["fly", "tip", "lorry", "park"]
    assert words("buses, benches, racing and the race") == ["bus", "bench", "rac", "rac"]
    assert words("St Mary's Gdns") == ["st", "mary", "garden"]
    assert words("the and of it") == []


def test_a_shared_street_counts_for_more_than_a_shared_common_topic():
    candidates = [
        (1, "speeding in the village"),
        (2, "parking on Church Road outside the school"),
        (3, "speeding through the village at night"),
        (4, "speeding lorries in the village"),
    ]
    [(first, _), *_] = similar(SPEEDING, candidates, threshold=0)
    assert first == 2


def test_equal_scores_are_ordered_by_id():
    candidates = [(9, "speeding on the A38"), (4, "speeding on the A38"), (6, "speeding")]
    ids = [concern_id for concern_id, _ in similar("speeding", candidates, threshold=0)]
    assert ids == [6, 4, 9]


def test_only_the_best_up_to_the_limit_are_suggested():
    candidates = [(n, f"speeding on Church Road {'again ' * n}") for n in range(1, 9)]
    suggestions = similar(SPEEDING, candidates, limit=3)
    assert [concern_id for concern_id, _ in suggestions] == [1, 2, 3]
    assert similar(SPEEDING, candidates, limit=0) == []
    with pytest.raises(ValueError, match="negative"):
        similar(SPEEDING, candidates, limit=-1)


def test_nothing_is_suggested_without_words_to_compare():
    assert similar("", [(1, "speeding")], threshold=0) == [(1, 0.0)]
    assert similar("the and of", [(1, "the and of")]) == []
    assert similar(SPEEDING, []) == []


def test_a_candidate_with_the_same_words_scores_one():
    [(concern_id, score)] = similar(SPEEDING, [(7, "the school: speeding, Church Road!")])
    assert concern_id == 7
    assert score == pytest.approx(1.0)


TEXTS = st.lists(
    st.sampled_from(
        [
            "speeding",
            "parking",
            "road",
            "school",
            "church",
            "lane",
            "litter",
            "dogs",
            "night",
            "the",
            "on",
        ]
    ),
    max_size=8,
).map(" ".join)


@given(text=TEXTS, texts=st.lists(TEXTS, max_size=8))
def test_scores_lie_between_zero_and_one_best_first_and_do_not_depend_on_the_candidates_order(
    text, texts
):
    candidates = list(enumerate(texts))
    suggestions = similar(text, candidates, limit=len(texts), threshold=0)
    assert all(0 <= score <= 1 for _, score in suggestions)
    assert suggestions == sorted(suggestions, key=lambda pair: (-pair[1], pair[0]))
    assert similar(text, candidates[::-1], limit=len(texts), threshold=0) == suggestions
