"""Demo survey data: a quarterly perception tracker, three closed waves and one open now.

The synthetic residents answer the way postal and online surveys are really answered: older
women over-represented, young men scarce, districts in proportions unlike the county's, so
weighting visibly matters. Answers depend on age, sex, district and being a victim, follow the
routing, and drift a little from wave to wave. A fixed seed gives the same answers every time.
Never loaded in production (the command refuses first).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from engage.core.columns import utcnow
from engage.extensions import db
from engage.surveys.import_services import answer_rows
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus, Survey, Wave
from engage.surveys.questions import AnswerValue
from engage.surveys.services import create_survey_from_bank, create_wave

SURVEY_CODE = "perception-tracker"
SURVEY_TITLE = "Your police, your say"
SURVEY_DESCRIPTION = (
    "The commissioner's quarterly survey of how safe residents feel and how they see policing "
    "where they live."
)
SEED = 20260401
RESPONSES_PER_CLOSED_WAVE = 1500
RESPONSES_IN_OPEN_WAVE = 40
CLOSED_WAVES = 3
_DAY = timedelta(days=1)

AGES = ("16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_PLUS")
AGE_MIDPOINTS = (20, 30, 40, 50, 60, 70, 82)
DISTRICTS = ("CHELTENHAM", "COTSWOLD", "FOREST_OF_DEAN", "GLOUCESTER", "STROUD", "TEWKESBURY")

# Who answers: shares of the sample by sex and age band (older women keenest, young men least).
SAMPLE_FEMALE = (0.030, 0.050, 0.070, 0.090, 0.120, 0.125, 0.095)
SAMPLE_MALE = (0.012, 0.028, 0.050, 0.070, 0.100, 0.095, 0.085)
SAMPLE_DISTRICT = (0.17, 0.19, 0.15, 0.12, 0.23, 0.14)

# The county's residents aged 16 and over, rounded from the 2021 census: what the sample should
# look like, for the fieldwork monitor (women 65+ are about 11% of adults, men 16-34 about 15%).
POPULATION_TARGETS = {
    "AGE_BAND": dict(zip(AGES, (0.13, 0.15, 0.145, 0.165, 0.165, 0.13, 0.115), strict=True)),
    "SEX": {"FEMALE": 0.51, "MALE": 0.49},
    "DISTRICT": dict(zip(DISTRICTS, (0.185, 0.14, 0.135, 0.205, 0.19, 0.145), strict=True)),
}

# How each district differs: feeling safe, anti-social behaviour, confidence, victimisation.
DISTRICT_SAFETY = dict(zip(DISTRICTS, (-0.15, 0.25, 0.0, -0.3, 0.1, 0.1), strict=True))
DISTRICT_ASB = dict(zip(DISTRICTS, (0.3, -0.35, 0.1, 0.5, -0.1, -0.2), strict=True))
DISTRICT_TRUST = dict(zip(DISTRICTS, (0.0, 0.2, -0.15, -0.2, 0.05, 0.1), strict=True))
DISTRICT_VICTIMS = dict(zip(DISTRICTS, (0.02, -0.03, 0.0, 0.04, -0.01, -0.01), strict=True))

AGREEMENT = ("STRONGLY_AGREE", "TEND_AGREE", "NEITHER", "TEND_DISAGREE", "STRONGLY_DISAGREE")
AGREEMENT_CUTS = (1.2, -0.45, -1.0, -1.7)
# How much more or less readily each statement is agreed with than confidence itself.
AGREEMENT_ITEMS = {
    "POLICE_RELY": -0.45,
    "POLICE_RESPECT": 0.5,
    "POLICE_FAIR": 0.05,
    "POLICE_DEAL": -0.3,
    "POLICE_UNDERSTAND": 0.0,
    "CONF_LOCAL": 0.0,
    "CONF_PARTNERS": -0.4,
}
SAFETY = ("VERY_SAFE", "FAIRLY_SAFE", "BIT_UNSAFE", "VERY_UNSAFE")
WORRY = ("VERY_WORRIED", "FAIRLY_WORRIED", "NOT_VERY", "NOT_AT_ALL")
WORRIES = {
    "WORRY_BURGLARY": 0.0,
    "WORRY_VEHICLE": -0.25,
    "WORRY_VIOLENCE": -0.35,
    "WORRY_FRAUD": 0.3,
    "WORRY_ONLINE": 0.2,
}
PRIORITIES = {
    "BURGLARY": 1.0,
    "VEHICLE": 0.5,
    "VIOLENCE": 0.9,
    "ASB": 1.1,
    "DRUGS": 1.0,
    "ROADS": 0.9,
    "FRAUD": 0.7,
    "RURAL": 0.4,
    "VAWG": 0.6,
}
COMMENTS = (
    "More visible patrols in the evenings would help.",
    "Speeding on the rural roads is my main worry.",
    "Thank you for asking for our views.",
    "It would help to know how to contact the local neighbourhood team.",
    "Parking near the school is a problem at pick-up time.",
)
TENURE = ("OWN_OUTRIGHT", "MORTGAGE", "SOCIAL_RENT", "PRIVATE_RENT", "OTHER")


@dataclass(frozen=True)
class Resident:
    """Who a synthetic resident is; `age` indexes AGES (what they say may be "prefer not")."""

    age: int
    female: bool
    district: str
    victim: bool


def load_survey_demo(today: date) -> int:
    """Create the demo tracker and its waves unless it exists; return how many responses."""
    if db.session.scalar(select(Survey.id).where(Survey.code == SURVEY_CODE)) is not None:
        return 0
    survey = create_survey_from_bank(SURVEY_CODE, SURVEY_TITLE, SURVEY_DESCRIPTION)
    question_ids = {question.code: question.id for question in survey.versions[-1].questions}
    rng = random.Random(SEED)
    quarters = list(quarters_up_to(today, CLOSED_WAVES + 1))
    created = 0
    for index, (opens_on, closes_on) in enumerate(quarters):
        wave = create_wave(
            survey,
            code=f"perception-{opens_on.year}-q{(opens_on.month - 1) // 3 + 1}",
            title=f"{opens_on:%B} to {closes_on:%B %Y}",
            opens_on=opens_on,
            closes_on=closes_on,
        )
        wave.sample_targets = POPULATION_TARGETS
        is_open = index == CLOSED_WAVES
        count = RESPONSES_IN_OPEN_WAVE if is_open else RESPONSES_PER_CLOSED_WAVE
        last_day = min(closes_on, today)
        created += _store(rng, wave, question_ids, count, index, last_day)
    db.session.commit()
    return created


def quarters_up_to(today: date, count: int) -> Iterator[tuple[date, date]]:
    """The first and last days of the `count` calendar quarters ending with today's, oldest first."""
    quarter = today.year * 4 + (today.month - 1) // 3  # quarters since year 0
    for number in range(quarter - count + 1, quarter + 1):
        year, index = divmod(number, 4)
        next_year, next_index = divmod(number + 1, 4)
        yield date(year, index * 3 + 1, 1), date(next_year, next_index * 3 + 1, 1) - _DAY


def _store(
    rng: random.Random,
    wave: Wave,
    question_ids: dict[str, int],
    count: int,
    wave_index: int,
    last_day: date,
) -> int:
    """Insert `count` complete responses to `wave` in two bulk statements."""
    days = (last_day - wave.opens_on).days
    residents = [synthetic_answers(rng, wave_index) for _ in range(count)]
    response_rows = []
    for _answers, mode in residents:
        started_on = wave.opens_on + timedelta(days=rng.randint(0, days))
        moment = time(rng.randint(8, 21), rng.randint(0, 59), tzinfo=UTC)
        response_rows.append(
            {
                "wave_id": wave.id,
                "mode": mode,
                "status": ResponseStatus.COMPLETE,
                "token": secrets.token_urlsafe(32),
                "started_on": started_on,
                "submitted_at": min(datetime.combine(started_on, moment), utcnow()),
            }
        )
    ids = db.session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True), response_rows
    ).all()
    rows = [
        row
        for response_id, (answers, _mode) in zip(ids, residents, strict=True)
        for code, value in answers.items()
        for row in answer_rows(response_id, question_ids[code], value)
    ]
    # Into the table itself: one executemany, without the ORM's bookkeeping for each row.
    db.session.execute(insert(Answer.__table__), rows)
    return count


def synthetic_answers(
    rng: random.Random, wave_index: int
) -> tuple[dict[str, AnswerValue], ResponseMode]:
    """One synthetic resident's complete answers (by question code), and how they answered."""
    resident = _draw_resident(rng)
    answers: dict[str, AnswerValue] = {}
    answers.update(_safety(rng, resident, wave_index))
    answers.update(_worries(rng, resident, wave_index))
    answers.update(_police(rng, resident, wave_index))
    answers.update(_victim(rng, resident, wave_index))
    answers.update(_commissioner(rng, resident))
    answers.update(_about_you(rng, resident))
    online = (0.9, 0.88, 0.85, 0.8, 0.72, 0.6, 0.45)[resident.age]
    draw = rng.random()
    if draw < online:
        mode = ResponseMode.ONLINE
    elif draw < online + (1 - online) * 0.8:
        mode = ResponseMode.PAPER
    else:
        mode = ResponseMode.PHONE
    return answers, mode


def _draw_resident(rng: random.Random) -> Resident:
    cells = [(True, age) for age in range(7)] + [(False, age) for age in range(7)]
    female, age = rng.choices(cells, weights=SAMPLE_FEMALE + SAMPLE_MALE)[0]
    district = rng.choices(DISTRICTS, weights=SAMPLE_DISTRICT)[0]
    chance = (0.28, 0.25, 0.22, 0.19, 0.16, 0.13, 0.11)[age] + DISTRICT_VICTIMS[district]
    return Resident(age, female, district, victim=rng.random() < chance)


def _one(codes: Sequence[str], cuts: Sequence[float], score: float) -> tuple[str]:
    """The code of the band `score` falls in: above cuts[0] is codes[0], and so on down."""
    for code, cut in zip(codes, cuts, strict=False):
        if score > cut:
            return (code,)
    return (codes[-1],)


def _safety(rng: random.Random, who: Resident, wave: int) -> dict[str, AnswerValue]:
    age_effect = (0.1, 0.1, 0.1, 0.05, 0.0, -0.15, -0.45)[who.age]
    feeling = 1.05 + age_effect - 0.45 * who.female + DISTRICT_SAFETY[who.district]
    feeling += 0.02 * wave - 0.35 * who.victim + rng.gauss(0, 0.5)
    answers: dict[str, AnswerValue] = {}
    never_out = (0.01, 0.01, 0.01, 0.02, 0.03, 0.07, 0.18)[who.age] + 0.02 * who.female
    for code, shift, never in (("SAFE_DARK", 0.0, never_out), ("SAFE_DAY", 1.5, never_out / 6)):
        if rng.random() < never:
            answers[code] = ("NEVER_OUT",)
        elif rng.random() < 0.005:
            answers[code] = ("DONT_KNOW",)
        else:
            answers[code] = _one(SAFETY, (1.3, 0.0, -1.0), feeling + shift + rng.gauss(0, 0.85))
    return answers


def _worries(rng: random.Random, who: Resident, wave: int) -> dict[str, AnswerValue]:
    anxiety = 0.25 * who.female + 0.4 * who.victim + rng.gauss(0, 0.6)
    answers: dict[str, AnswerValue] = {}
    for code, shift in WORRIES.items():
        if code == "WORRY_FRAUD":
            shift += 0.08 * (who.age - 3)
        elif code == "WORRY_ONLINE":
            shift -= 0.05 * abs(who.age - 3)
        if rng.random() < 0.01:
            answers[code] = ("DONT_KNOW",)
        else:
            score = anxiety + shift + rng.gauss(0, 0.8)
            answers[code] = _one(WORRY, (1.6, 0.6, -0.8), score)
    if rng.random() < 0.03:
        answers["ASB_PROBLEM"] = ("DONT_KNOW",)
    else:
        score = DISTRICT_ASB[who.district] - 0.04 * wave - 0.05 * (who.age - 3) + rng.gauss(0, 1)
        answers["ASB_PROBLEM"] = _one(
            ("VERY_BIG", "FAIRLY_BIG", "NOT_VERY_BIG", "NOT_A_PROBLEM"), (1.9, 0.9, -0.5), score
        )
    return answers


def _trust(rng: random.Random, who: Resident, wave: int) -> float:
    """How well a resident thinks of the local police: higher young and old, lower if a victim."""
    age_effect = (0.15, 0.0, -0.1, -0.1, 0.0, 0.1, 0.2)[who.age]
    return (
        age_effect + DISTRICT_TRUST[who.district] - 0.35 * who.victim + 0.12 * wave - 0.06
    ) + rng.gauss(0, 0.8)


def _police(rng: random.Random, who: Resident, wave: int) -> dict[str, AnswerValue]:
    trust = _trust(rng, who, wave)
    answers: dict[str, AnswerValue] = {}
    if rng.random() < 0.05:
        answers["POLICE_JOB"] = ("DONT_KNOW",)
    else:
        answers["POLICE_JOB"] = _one(
            ("EXCELLENT", "GOOD", "FAIR", "POOR", "VERY_POOR"),
            (1.6, 0.0, -1.0, -1.8),
            trust + rng.gauss(0, 0.6),
        )
    for code, shift in AGREEMENT_ITEMS.items():
        if rng.random() < 0.04:
            answers[code] = ("DONT_KNOW",)
        else:
            answers[code] = _one(AGREEMENT, AGREEMENT_CUTS, trust + shift + rng.gauss(0, 0.6))
    rating = round(6.3 + 1.9 * (trust + rng.gauss(0, 0.4)))
    answers["POLICE_RATING"] = float(min(10, max(0, rating)))
    return answers


def _victim(rng: random.Random, who: Resident, wave: int) -> dict[str, AnswerValue]:
    if rng.random() < 0.02:
        return {"VICTIM_12M": ("PREFER_NOT",)}
    if not who.victim:
        return {"VICTIM_12M": ("NO",)}
    reported = rng.choices(("YES", "NO", "DONT_KNOW"), weights=(0.6, 0.35, 0.05))[0]
    answers: dict[str, AnswerValue] = {"VICTIM_12M": ("YES",), "VICTIM_REPORTED": (reported,)}
    if reported == "YES":
        score = 0.25 + 0.04 * wave + 0.3 * (who.age - 3) / 3 + rng.gauss(0, 1)
        answers["VICTIM_SATISFIED"] = _one(
            (
                "VERY_SATISFIED",
                "FAIRLY_SATISFIED",
                "NEITHER",
                "FAIRLY_DISSATISFIED",
                "VERY_DISSATISFIED",
            ),
            (1.1, 0.1, -0.45, -1.15),
            score,
        )
    return answers


def _commissioner(rng: random.Random, who: Resident) -> dict[str, AnswerValue]:
    named = 0.05 + 0.025 * who.age
    draw = rng.random()
    if draw < named:
        aware = "YES_NAME"
    elif draw < named + 0.35 + 0.02 * who.age:
        aware = "YES_NO_NAME"
    else:
        aware = "NO"
    if rng.random() < 0.03:
        return {"PCC_AWARE": (aware,), "PRIORITY_CRIMES": ("NONE",)}
    weights = dict(PRIORITIES)
    if who.district in ("COTSWOLD", "FOREST_OF_DEAN"):
        weights["RURAL"] *= 3
    if who.district == "GLOUCESTER":
        weights["DRUGS"] *= 1.5
        weights["ASB"] *= 1.3
    if who.female:
        weights["VAWG"] *= 1.8
    if who.age >= 5:
        weights["ROADS"] *= 1.3
        weights["FRAUD"] *= 1.4
    chosen: set[str] = set()
    for _ in range(rng.choices((1, 2, 3), weights=(0.15, 0.25, 0.6))[0]):
        left = [code for code in weights if code not in chosen]
        chosen.add(rng.choices(left, weights=[weights[code] for code in left])[0])
    return {
        "PCC_AWARE": (aware,),
        "PRIORITY_CRIMES": tuple(code for code in PRIORITIES if code in chosen),
    }


def _about_you(rng: random.Random, who: Resident) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {}
    if rng.random() < 0.92:
        answers["YEARS_IN_AREA"] = float(int(rng.random() * (AGE_MIDPOINTS[who.age] - 12)))
    if rng.random() < 0.04:
        answers["COMMENTS"] = rng.choice(COMMENTS)
    answers["AGE_BAND"] = ("PREFER_NOT",) if rng.random() < 0.015 else (AGES[who.age],)
    sex = "FEMALE" if who.female else "MALE"
    answers["SEX"] = ("PREFER_NOT",) if rng.random() < 0.015 else (sex,)
    answers["DISTRICT"] = ("PREFER_NOT",) if rng.random() < 0.01 else (who.district,)
    diverse = 2.5 if who.district in ("GLOUCESTER", "CHELTENHAM") else 1.0
    answers["ETHNIC_GROUP"] = (
        rng.choices(
            ("WHITE", "MIXED", "ASIAN", "BLACK", "OTHER", "PREFER_NOT"),
            weights=(0.95, 0.012 * diverse, 0.02 * diverse, 0.008 * diverse, 0.005, 0.01),
        )[0],
    )
    disabled = 0.12 + 0.05 * who.age
    answers["DISABILITY"] = (
        rng.choices(("YES", "NO", "PREFER_NOT"), weights=(disabled, 0.98 - disabled, 0.02))[0],
    )
    owned = min(0.85, 0.05 + 0.13 * who.age)
    mortgage = (0.12, 0.35, 0.55, 0.55, 0.35, 0.08, 0.02)[who.age]
    renting = max(0.05, 1 - owned - mortgage)
    answers["TENURE"] = (
        rng.choices(
            (*TENURE, "PREFER_NOT"),
            weights=(owned, mortgage, renting * 0.35, renting * 0.45, renting * 0.2, 0.02),
        )[0],
    )
    return answers
