"""The survivor of a merge says how many raised the concern and where, in plain words."""

import pytest

from engage.concerns.raised_by import Raising, raised_by


def at(roadshow: str, residents: int = 1) -> list[Raising]:
    return [Raising("roadshow", roadshow=roadshow)] * residents


def council(name: str) -> Raising:
    return Raising("parish council", parish_council=name)


ONLINE, PHONE, EMAIL = Raising("online"), Raising("phone"), Raising("email")


@pytest.mark.parametrize(
    ("raisings", "words"),
    [
        ([ONLINE], "Raised by 1 resident online"),
        ([ONLINE, ONLINE], "Raised by 2 residents online"),
        ([PHONE], "Raised by 1 resident by phone"),
        ([EMAIL, EMAIL, EMAIL], "Raised by 3 residents by e-mail"),
        ([ONLINE, PHONE], "Raised by 2 residents by phone or online"),
        ([EMAIL, PHONE], "Raised by 2 residents by phone or e-mail"),
        ([EMAIL, ONLINE], "Raised by 2 residents by e-mail or online"),
        ([ONLINE, EMAIL, PHONE, PHONE], "Raised by 4 residents by phone, e-mail or online"),
        (at("Tewkesbury"), "Raised by 1 resident at 1 roadshow"),
        (at("Tewkesbury", 4), "Raised by 4 residents at 1 roadshow"),
        (at("Tewkesbury", 5) + at("Stroud", 2), "Raised by 7 residents at 2 roadshows"),
        ([council("Bishop's Cleeve")], "Raised by 1 parish council"),
        ([council("Bishop's Cleeve")] * 3, "Raised by 1 parish council"),
        ([council("Bishop's Cleeve"), council("Winchcombe")], "Raised by 2 parish councils"),
        (
            at("Tewkesbury", 5) + at("Stroud", 2) + [council("Painswick")],
            "Raised by 7 residents at 2 roadshows and by 1 parish council",
        ),
        (
            at("Stroud", 3)
            + [council("Painswick"), council("Bisley")]
            + [PHONE, EMAIL, ONLINE] * 2,
            "Raised by 3 residents at 1 roadshow, by 2 parish councils and by 6 residents "
            "by phone, e-mail or online",
        ),
        (
            [ONLINE, *at("Stroud"), ONLINE],
            "Raised by 1 resident at 1 roadshow and by 2 residents online",
        ),
        (
            [council("Painswick"), PHONE],
            "Raised by 1 parish council and by 1 resident by phone",
        ),
    ],
)
def test_raisings_are_counted_in_words_with_correct_plurals(raisings, words):
    assert raised_by(raisings) == words


def test_the_order_of_the_raisings_does_not_change_the_words():
    raisings = [ONLINE, council("Bisley"), *at("Stroud", 2), PHONE, *at("Cam")]
    assert raised_by(raisings) == raised_by(raisings[::-1])


def test_a_roadshow_raising_is_counted_once_for_the_roadshow_even_when_a_council_hosted_it():
    raisings = [Raising("roadshow", roadshow="Cam", parish_council="Cam Parish Council")]
    assert raised_by(raisings) == "Raised by 1 resident at 1 roadshow"


def test_a_concern_is_raised_at_least_once():
    with pytest.raises(ValueError, match="at least once"):
        raised_by([])


@pytest.mark.parametrize(
    ("source", "roadshow", "parish_council", "message"),
    [
        ("twitter", None, None, "not a source"),
        ("roadshow", None, None, "which roadshow"),
        ("roadshow", "", None, "which roadshow"),
        ("parish council", None, None, "which council"),
    ],
)
def test_a_raising_must_have_a_known_source_and_say_where(
    source, roadshow, parish_council, message
):
    with pytest.raises(ValueError, match=message):
        Raising(source, roadshow, parish_council)
