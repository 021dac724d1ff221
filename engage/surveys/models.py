"""Surveys, their versions and questions, fieldwork waves, invitations and responses.

A question's `code` means the same thing in every version and wave (SAFE_DARK is always feeling
safe after dark), so results line up wave after wave. Responses are anonymous: no name, email,
address, IP address or browser details are stored with them, they are not written to the audit
log, and a response is not linked to the invitation code that let it in.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.core.audit import Audited
from engage.core.columns import UTCDateTime, enum_type, utcnow
from engage.core.models import Area
from engage.extensions import db
from engage.surveys.questions import QuestionType


class ResponseMode(enum.StrEnum):
    """How a response reached us: the resident online, or staff keying or importing it."""

    ONLINE = "online"
    PAPER = "paper"
    PHONE = "telephone"
    IMPORT = "import"


class ResponseStatus(enum.StrEnum):
    """A response is complete once submitted; only complete responses are analysed."""

    IN_PROGRESS = "in progress"
    COMPLETE = "complete"


class Survey(Audited, db.Model):
    """An instrument run wave after wave, such as the quarterly perception tracker."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )
    waves: Mapped[list[Wave]] = relationship(back_populates="survey", order_by="Wave.opens_on")

    def __str__(self) -> str:
        return self.title


class SurveyVersion(Audited, db.Model):
    """One fixed set of questions. Locked once a wave has opened with it; change a copy."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    number: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.survey} version {self.number}"


class Question(Audited, db.Model):
    """A question in a version; `ask_if_*` routes it on an earlier answer."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType))
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(String(80), default="")
    required: Mapped[bool] = mapped_column(default=True)
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    max_choices: Mapped[int | None]
    ask_if_code: Mapped[str | None] = mapped_column(String(40))
    ask_if_answers: Mapped[list | None] = mapped_column(JSON)

    version: Mapped[SurveyVersion] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class QuestionOption(Audited, db.Model):
    """An answer a resident can choose; its code is what analysis and imports use."""

    __tablename__ = "question_options"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    exclusive: Mapped[bool] = mapped_column(default=False)  # "None of these", "Don't know"

    question: Mapped[Question] = relationship(back_populates="options")

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Wave(Audited, db.Model):
    """A fieldwork period of a survey, with its own responses, targets and results."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    open_link: Mapped[bool] = mapped_column(default=True)  # anyone may answer, not only invitees
    # Shares the sample should reach, for the fieldwork monitor: {variable: {category: share}}.
    sample_targets: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="waves")
    version: Mapped[SurveyVersion] = relationship()

    def is_open(self, today: date) -> bool:
        """Whether residents can answer on `today` (both dates included)."""
        return self.opens_on <= today <= self.closes_on

    def __str__(self) -> str:
        return f"{self.survey.title}: {self.title}"


class Invitation(Audited, db.Model):
    """A single-use code mailed to a drawn address; only whether it was used is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    batch: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    wave: Mapped[Wave] = relationship()
    district: Mapped[Area] = relationship()

    def __str__(self) -> str:
        return f"invitation {self.code}"


class ResponseImport(Audited, db.Model):
    """A file of responses collected elsewhere, imported all or nothing, once."""

    __tablename__ = "response_imports"
    __table_args__ = (UniqueConstraint("wave_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    filename: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file: the same file twice
    rows: Mapped[int]
    mapping: Mapped[dict] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    wave: Mapped[Wave] = relationship()

    def __str__(self) -> str:
        return f"import of {self.filename}"


class Response(db.Model):
    """One resident's answers to a wave. Deliberately not audited: it must stay anonymous."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    mode: Mapped[ResponseMode] = mapped_column(enum_type(ResponseMode))
    status: Mapped[ResponseStatus] = mapped_column(
        enum_type(ResponseStatus), default=ResponseStatus.IN_PROGRESS, index=True
    )
    # The secret in the resident's session cookie that names this response.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    resume_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The district of the invitation used, if any (the response is not linked to the code).
    invited_district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    started_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("response_imports.id"))
    import_row: Mapped[int | None]

    wave: Mapped[Wave] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """One answer: a chosen option (one row per option for multiple choice), a number or text."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "option_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    option_code: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
