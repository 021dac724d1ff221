"""Text that looks like personal data is flagged for staff to redact; ordinary details are not."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.concerns.personal_data import Flag, Kind, flags, redacted


def flagged(text: str) -> list[tuple[str, str]]:
    return [(flag.kind, flag.text) for flag in flags(text)]


@pytest.mark.parametrize(
    "number",
    [
        "01452 123456",
        "01452 123 456",
        "01452-123456",
        "01452123456",
        "07700 900123",
        "07700 900 123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)1452 123456",
        "0044 7700 900123",
        "(01242) 123456",
        "0300 123 4567",
        "0800 123 4567",
        "020 7946 0018",
        "0117 496 0123",
        "01684 12345",
    ],
)
def test_uk_phone_numbers_in_their_written_forms_are_flagged(number):
    assert flagged(f"Please ring me on {number} after six.") == [("phone number", number)]


@pytest.mark.parametrize(
    "address",
    ["jo.bloggs@resident.example", "j_smith+police@mail.example.co.uk", "PARISH.CLERK@x.org"],
)
def test_email_addresses_are_flagged(address):
    assert flagged(f"Write to {address}.") == [("email address", address)]


@pytest.mark.parametrize(
    "mark",
    ["AB12 CDE", "AB12CDE", "ab12cde", "YX69 ZZA", "LV21 KLM", "ABC 123D", "XYZ 9A", "D123 ABC"],
)
def test_vehicle_registrations_are_flagged(mark):
    assert flagged(f"The van {mark} parks on the verge") == [("vehicle registration", mark)]


@pytest.mark.parametrize(
    "address",
    [
        "12 Acacia Avenue",
        "Flat 3, 14 High Street",
        "flat 3 14 High Street",
        "23a Mill Lane",
        "12-14 Station Road",
        "7 Church Rd",
        "7 Church Rd.",
        "9 St Mary's Close",
        "41 Upper Park Street",
        "5 The Green",
        "18 Cleeve Hill",
        "2 Orchard Mews",
    ],
)
def test_house_numbers_with_street_names_are_flagged(address):
    assert flagged(f"Outside {address} every night") == [("house number and street", address)]


@pytest.mark.parametrize("postcode", ["GL1 2AB", "GL50 1QW", "gl1 2ab", "GL12AB", "SW1A 1AA"])
def test_postcodes_are_flagged(postcode):
    assert flagged(f"near {postcode} at night") == [("postcode", postcode)]


@pytest.mark.parametrize(
    "text",
    [
        "The meeting on 12 May 2026 at 10:30 was well attended.",
        "They were fined £250 for fly-tipping, 2 roadshows ago.",
        "Cars do 50 mph in the 30 mph limit.",
        "Since 2019 the A38 has been worse, and 2025 was the worst year.",
        "Queues back to M5 junction 11 and the A417 every morning.",
        "In 2025 Church Road was resurfaced; the B4063 was not.",
        "Speeding on Church Road near the school between 8am and 9am.",
        "There were 3 cars on the road and 20 people at the Village Hall.",
        "Call 101, or 999 in an emergency; reference 0123456789012.",
        "Buses at 0930 and 1030, then the 2nd bus at 11:15.",
        "We met at10 and left at 11.",
        "The B4 2nd turning, m5 3pm, 5G masts, 4x4s.",
        "Year 7 pupils, 10 PCSOs walk the beat, COVID 19.",
        "",
    ],
)
def test_dates_times_amounts_speeds_years_roads_and_counts_are_not_flagged(text):
    assert flags(text) == []


def test_flags_are_in_order_with_the_positions_of_their_text():
    text = "Jo (jo@resident.example, 07700 900123) saw AB12 CDE at 12 Acacia Avenue, GL1 2AB."
    found = flags(text)
    assert [flag.kind for flag in found] == [
        "email address",
        "phone number",
        "vehicle registration",
        "house number and street",
        "postcode",
    ]
    assert all(text[flag.start : flag.end] == flag.text for flag in found)
    assert all(one.end <= two.start for one, two in itertools.pairwise(found))


def test_an_address_that_starts_like_a_phone_number_is_one_email_address():
    assert flagged("07700900123@texts.example") == [("email address", "07700900123@texts.example")]


def test_redaction_replaces_each_flag_with_what_it_was():
    text = "Ring 01452 123456 or write to jo@resident.example about 12 Acacia Avenue GL1 2AB."
    assert redacted(text) == (
        "Ring [removed: phone number] or write to [removed: email address] about "
        "[removed: house number and street] [removed: postcode]."
    )


def test_redaction_removes_only_the_flags_staff_keep():
    text = "Van AB12 CDE blocks 7 Church Rd daily"
    _, house = flags(text)
    assert house.kind == Kind.HOUSE
    assert redacted(text, [house]) == "Van AB12 CDE blocks [removed: house number and street] daily"
    assert redacted(text, []) == text


def test_redaction_refuses_flags_for_text_that_has_changed():
    text = "Ring 01452 123456 tonight"
    edited = "Please ring 01452 123456 tonight"
    with pytest.raises(ValueError, match="changed since it was checked"):
        redacted(edited, flags(text))


def test_redaction_refuses_overlapping_flags():
    text = "Ring 01452 123456"
    overlapping = [Flag("phone number", 5, 17, "01452 123456"), Flag("postcode", 6, 9, "145")]
    with pytest.raises(ValueError, match="overlap"):
        redacted(text, overlapping)


def test_kinds_read_as_plain_words():
    assert Flag(Kind.PHONE, 0, 1, "0") == Flag("phone number", 0, 1, "0")
    assert [str(kind) for kind in Kind] == [
        "email address",
        "phone number",
        "vehicle registration",
        "house number and street",
        "postcode",
    ]


NOISE = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


@given(before=NOISE, after=NOISE)
def test_a_redacted_text_keeps_no_flagged_phone_number(before, after):
    text = f"{before} 07700 900123 {after}"
    result = redacted(text)
    assert "07700 900123" not in result
    assert [flag for flag in flags(result) if flag.kind == Kind.PHONE] == []


@given(NOISE)
def test_flags_never_overlap_and_always_point_at_their_text(text):
    found = flags(text)
    assert all(text[flag.start : flag.end] == flag.text for flag in found)
    assert all(one.end <= two.start for one, two in itertools.pairwise(found))
