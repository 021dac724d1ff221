"""Services that schedule waves, change them, and count their responses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from engage.surveys import services
from engage.surveys.builder import details
from engage.surveys.builder.details import WaveDraft
from engage.surveys.builder.rules import Problem
from engage.surveys.builder.versions import SurveyProblems, commit, get, refuse
from engage.surveys.models import (
    Invitation,
    Response,
    ResponseMode,
    ResponseStatus,
    Survey,
    SurveyVersion,
    Wave,
)


def _version(survey: Survey, version_id: int | None, problems: list[Problem]):
    version = db.session.get(SurveyVersion, version_id) if version_id else None
    if version is None or version.survey_id != survey.id:
        problems.append(("version", "Choose which version of the questions the wave asks"))
        return None
    if not version.questions:
        problems.append(("version", f"Version {version.number} has no questions yet"))
    return version


def _code_taken(code: str, wave_id: int | None = None) -> bool:
    query = select(Wave.id).where(Wave.code == code, Wave.id != (wave_id or 0))
    return db.session.scalar(query) is not None


def schedule_wave(survey_id: int, draft: WaveDraft) -> Wave:
    """A new wave of the survey; the version it asks is locked from now on."""
    survey = get(Survey, survey_id)
    problems = details.wave_problems(draft)
    version = _version(survey, draft.version_id, problems)
    if _code_taken(draft.code):
        problems.append(("code", f"There is already a wave with the code {draft.code}"))
    refuse(problems)
    try:
        return services.create_wave(
            survey,
            code=draft.code,
            title=draft.title.strip(),
            opens_on=draft.opens_on,
            closes_on=draft.closes_on,
            open_link=draft.open_link,
            version=version,
        )
    except IntegrityError:
        db.session.rollback()
        taken = f"There is already a wave with the code {draft.code}"
        raise SurveyProblems([("code", taken)]) from None


def has_responses(wave: Wave) -> bool:
    """Whether anyone has started answering the wave, online, on paper or by import."""
    found = select(Response.id).where(Response.wave_id == wave.id).limit(1)
    return db.session.scalar(found) is not None


def code_fixed(wave: Wave) -> bool:
    """Whether the wave's code is in use: invitation letters or answers carry it."""
    issued = select(Invitation.id).where(Invitation.wave_id == wave.id).limit(1)
    return has_responses(wave) or db.session.scalar(issued) is not None


def update_wave(wave_id: int, draft: WaveDraft) -> Wave:
    """Change a wave; its code and version stay once fieldwork has used them.

    A version no wave asks any more is unlocked again, since nobody has answered it.
    """
    wave = get(Wave, wave_id)
    problems = details.wave_problems(draft)
    version = _version(wave.survey, draft.version_id, problems)
    if draft.code != wave.code and code_fixed(wave):
        problems.append(("code", "The code cannot change: invitations or answers use it"))
    elif _code_taken(draft.code, wave.id):
        problems.append(("code", f"There is already a wave with the code {draft.code}"))
    if version is not None and version is not wave.version and has_responses(wave):
        problems.append(("version", "The version cannot change: the wave has responses"))
    refuse(problems)
    previous = wave.version
    wave.code, wave.title, wave.open_link = draft.code, draft.title.strip(), draft.open_link
    wave.opens_on, wave.closes_on = draft.opens_on, draft.closes_on
    wave.version = version
    version.locked = True
    if previous is not version:
        db.session.flush()
        still_used = select(Wave.id).where(Wave.version_id == previous.id).limit(1)
        previous.locked = db.session.scalar(still_used) is not None
    commit(("code", f"There is already a wave with the code {draft.code}"))
    return wave


def response_counts(wave_ids: Sequence[int]) -> dict[int, Counter]:
    """For each wave, its responses counted by (mode, status)."""
    counts: dict[int, Counter] = {wave_id: Counter() for wave_id in wave_ids}
    if not wave_ids:
        return counts
    rows = db.session.execute(
        select(Response.wave_id, Response.mode, Response.status, func.count())
        .where(Response.wave_id.in_(wave_ids))
        .group_by(Response.wave_id, Response.mode, Response.status)
    )
    for wave_id, mode, status, number in rows:
        counts[wave_id][ResponseMode(mode), ResponseStatus(status)] += number
    return counts
