"""Text that looks like personal data, flagged for staff to redact before anything is published.

Pure: a string in, flags out; no Flask, no database. The patterns lean towards flagging, since a
flag that staff dismiss costs a glance while a published phone number costs a resident's privacy.
They still pass over what concerns are full of (dates, times, amounts, speeds, years, road
numbers such as the A38 or M5 junction 11, and counts such as 2 roadshows) so that a flag stays
worth reading. Flagging helps staff; it does not replace their reading the text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


class Kind(enum.StrEnum):
    """What a flagged piece of text looks like; the words are shown to staff and in redactions."""

    EMAIL = "email address"
    PHONE = "phone number"
    VEHICLE = "vehicle registration"
    HOUSE = "house number and street"
    POSTCODE = "postcode"


@dataclass(frozen=True)
class Flag:
    """A piece of `text[start:end]` that looks like personal data of a kind."""

    kind: str
    start: int
    end: int
    text: str


_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])")

# UK numbers as people write them: 01452 123456, 0300 123 4567, (01242) 123456, 020 7946 0018,
# +44 7700 900123, +44 (0)1452 123456, 0044 7700 900123. After the trunk 0 (or +44) come nine
# or ten digits in groups; UK numbers never start 04 or 06. A run of digits that is longer (a
# reference number) or shorter (a time, an amount) is not a phone number.
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?: (?:\+|00)44[ -]?(?:\(0\)[ -]?)? | \(?0 )
    [1-35789]
    (?:\)?[ -]?\d){8,9}
    (?!\d)
    """,
    re.VERBOSE,
)

# Letters that DVLA marks use: I and Q never; Z not in an area code; O, U and Z not as a year
# letter. A current mark is written in capitals as on the plate (AB12 CDE), or as one run of
# letters and digits in any case (ab12cde): in lower case with a space, "at10 and" would match.
_CURRENT_AGE = r"(?:0[2-9]|[1-4]\d|5[1-9]|[6-9]\d)"
_CURRENT_MARK = re.compile(rf"(?<!\w)[A-HJ-PR-Y][A-HJ-PR-Y]{_CURRENT_AGE} ?[A-HJ-PR-Z]{{3}}(?!\w)")
_CURRENT_MARK_ONE_RUN = re.compile(
    rf"(?<!\w)[A-HJ-PR-Y][A-HJ-PR-Y]{_CURRENT_AGE}[A-HJ-PR-Z]{{3}}(?!\w)", re.IGNORECASE
)
_YEAR_LETTER = "A-HJ-NPR-TV-Y"
# 1963-1983 suffix marks (ABC 123D) and 1983-2001 prefix marks (D123 ABC), in capitals only.
# Prefix marks starting A, B or M are left out: they read as roads (the A38 BUS LANE).
_SUFFIX_MARK = re.compile(rf"(?<!\w)[A-HJ-PR-Z]{{3}} ?[1-9]\d{{0,2}}[{_YEAR_LETTER}](?!\w)")
_PREFIX_MARK = re.compile(r"(?<!\w)[C-HJ-LNPR-TV-Y][1-9]\d{0,2} ?[A-HJ-PR-Z]{3}(?!\w)")

# Outward code (GL1, GL50, SW1A) and inward code (2AB); the inward letters are never C, I, K, M,
# O or V, which keeps times such as "m5 3pm" out. Any case, because residents write "gl1 2ab".
_POSTCODE = re.compile(
    r"(?<!\w)[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")  # "the B4 2nd", in lower case, is not a postcode

_STREET_TYPES = (  # noqa: SIM905 (a list of words reads best as words)
    "Road Street Lane Avenue Close Drive Way Crescent Court Place Gardens Grove Terrace Hill Row "
    "Walk Mews Square Rise View Green Park Parade Vale Meadow Meadows Fields Croft Chase Orchard "
    "Gate Yard Wharf Quay Boulevard Pitch End Ridge Bank Hollow Wynd Approach Circus Broadway"
).split()
_STREET_ABBREVIATIONS = "Rd St Ln Ave Cl Dr Cres Ct Pl Gdns Gr Terr Ter Sq Pde".split()  # noqa: SIM905
# A house number (12, 23a, 12-14), perhaps after a flat, then one to three capitalised words of
# a street name and a street type: 12 Acacia Avenue, Flat 3, 14 High Street, 2 St Mary's Rd.
# Numbers of four digits are left out, so "In 2025 Church Road was resurfaced" is not flagged.
_HOUSE = re.compile(
    rf"""
    (?<![\w£$€:.,/-])
    (?: (?i:flat|apartment|apt\.?|unit) \s+ [1-9]\d{{0,2}}[A-Za-z]? ,? \s+ )?
    [1-9]\d{{0,2}}[A-Za-z]? (?: [-\u2013][1-9]\d{{0,2}}[A-Za-z]? )? ,? \s+
    (?: (?: St\.? | [A-Z][a-z]+ (?:[A-Z][a-z]+)? (?:['\u2019]s)? (?:-[A-Z][a-z]+)* ) \s+ ){{1,3}}
    (?: (?:{"|".join(_STREET_TYPES)}) | (?:{"|".join(_STREET_ABBREVIATIONS)})\.? )
    (?![\w'\u2019])
    """,
    re.VERBOSE,
)

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.EMAIL, _EMAIL),
    (Kind.PHONE, _PHONE),
    (Kind.VEHICLE, _CURRENT_MARK),
    (Kind.VEHICLE, _CURRENT_MARK_ONE_RUN),
    (Kind.VEHICLE, _SUFFIX_MARK),
    (Kind.VEHICLE, _PREFIX_MARK),
    (Kind.POSTCODE, _POSTCODE),
    (Kind.HOUSE, _HOUSE),
)


def flags(text: str) -> list[Flag]:
    """Pieces of `text` that look like personal data, in order and not overlapping.

    Where two patterns match overlapping text, the match that starts first wins, then the
    longer (so an e-mail address that starts with a phone number is one e-mail address).
    """
    found = sorted(_matches(text), key=lambda flag: (flag.start, -flag.end))
    kept: list[Flag] = []
    for flag in found:
        if not kept or flag.start >= kept[-1].end:
            kept.append(flag)
    return kept


def _matches(text: str) -> Iterator[Flag]:
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if kind is Kind.POSTCODE and _ORDINAL.fullmatch(match["inward"]):
                continue
            yield Flag(kind, match.start(), match.end(), match.group())


def redacted(text: str, flags: Sequence[Flag] | None = None) -> str:
    """`text` with each flagged piece replaced by "[removed: phone number]" and the like.

    `flags` defaults to every flag found; staff may pass fewer (a flag they judged harmless).
    Raises ValueError if a flag does not fit the text, say because the text changed since it
    was checked: redacting the wrong characters would publish what should have been removed.
    """
    chosen = _flags_found(text) if flags is None else sorted(flags, key=lambda f: f.start)
    pieces, position = [], 0
    for flag in chosen:
        if flag.start < position:
            raise ValueError(f'The flags for "{flag.text}" and the text before it overlap')
        if text[flag.start : flag.end] != flag.text:
            raise ValueError(
                f'The text has changed since it was checked: "{flag.text}" is no longer at '
                f"{flag.start}; check it again"
            )
        pieces += [text[position : flag.start], f"[removed: {flag.kind}]"]
        position = flag.end
    pieces.append(text[position:])
    return "".join(pieces)


_flags_found = flags  # redacted()'s parameter is named `flags`, after what it takes
