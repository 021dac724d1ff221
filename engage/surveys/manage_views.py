"""Staff pages that build surveys and schedule their waves, under /surveys/manage/.

Each view reads the request, calls a builder service, flashes and redirects; a refusal shows the
page again with an error summary (400) and what was typed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.auth.permissions import Action, requires
from engage.core.dates import today
from engage.extensions import db
from engage.surveys.bank import question_bank
from engage.surveys.blueprint import blueprint, form_page
from engage.surveys.builder import details, rules, versions, waves
from engage.surveys.builder.rules import QuestionDraft
from engage.surveys.manage_forms import BankQuestionsForm, QuestionForm, SurveyForm, WaveForm
from engage.surveys.models import (
    Question,
    ResponseMode,
    ResponseStatus,
    Survey,
    SurveyVersion,
    Wave,
)
from engage.surveys.questions import QuestionSpec, QuestionType
from engage.surveys.respond_forms import AnswerField, answer_field
from engage.surveys.services import SurveyError, specs_of


def _show(form, error: SurveyError, fallback: str) -> None:
    """Put a refusal's problems on the form's fields (the page-wide ones on `fallback`)."""
    db.session.rollback()
    for field, message in versions.problems_of(error):
        target = form[field] if field and field in form else form[fallback]
        target.errors = [*target.errors, message]


def _bank_sections(specs: Sequence[QuestionSpec], ticked: Sequence[str]) -> list[tuple[str, list]]:
    """Bank questions grouped by section, as GOV.UK checkbox items."""
    sections: dict[str, list] = {}
    for spec in specs:
        sections.setdefault(spec.section or "Other questions", []).append(
            {
                "value": spec.code,
                "text": spec.text,
                "hint": {"text": f"{spec.code}: {rules.type_in_words(spec)}"},
                "checked": spec.code in ticked,
            }
        )
    return list(sections.items())


@blueprint.get("/manage/")
@requires(Action.RUN_SURVEYS)
def manage_index():
    """Every survey with its versions and waves, and how far each wave has got."""
    surveys = db.session.scalars(
        select(Survey)
        .order_by(Survey.title)
        .options(
            selectinload(Survey.versions).selectinload(SurveyVersion.questions),
            selectinload(Survey.waves).selectinload(Wave.version),
        )
    ).all()
    counts = waves.response_counts([wave.id for survey in surveys for wave in survey.waves])
    complete = {
        wave_id: sum(n for (_, status), n in found.items() if status is ResponseStatus.COMPLETE)
        for wave_id, found in counts.items()
    }
    return render_template(
        "surveys/manage/index.html",
        surveys=surveys,
        complete=complete,
        today=today(),
        wave_status=details.wave_status,
    )


@blueprint.route("/manage/new", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_new_survey():
    """Create a survey, starting from the question bank (all ticked) or with no questions."""
    form = SurveyForm()
    bank = question_bank()
    if not form.is_submitted():
        form.questions.data = [spec.code for spec in bank]
    if form.validate_on_submit():
        try:
            survey = versions.create_survey(
                form.code.data or "",
                form.title.data or "",
                form.description.data or "",
                form.questions.data or [],
            )
        except SurveyError as error:
            _show(form, error, fallback="code")
        else:
            flash(f"{survey.title} is created with version 1.", "success")
            return redirect(url_for("surveys.manage_version", version_id=survey.versions[0].id))
    sections = _bank_sections(bank, form.questions.data or [])
    return form_page("surveys/manage/survey_form.html", form, sections=sections)


def _version_or_404(version_id: int) -> SurveyVersion:
    """The version with its questions and their options, loaded in three queries, not one a
    question."""
    return db.get_or_404(
        SurveyVersion,
        version_id,
        options=[selectinload(SurveyVersion.questions).selectinload(Question.options)],
    )


def _version_page(version: SurveyVersion, problems: Sequence[str] = ()):
    """The version's questions in order, with any refusal of a button above them."""
    specs = specs_of(version)
    present = {spec.code for spec in specs}
    page = render_template(
        "surveys/manage/version.html",
        version=version,
        rows=list(zip(version.questions, specs, strict=True)),
        specs=specs,
        waves=[wave for wave in version.survey.waves if wave.version_id == version.id],
        bank_left=any(spec.code not in present for spec in question_bank()),
        bank_codes={spec.code for spec in question_bank()},
        rules=rules,
        problems=[{"text": message, "href": "#questions"} for message in problems],
    )
    return page, 400 if problems else 200


@blueprint.get("/manage/versions/<int:version_id>")
@requires(Action.RUN_SURVEYS)
def manage_version(version_id: int):
    """A version's questions, with links to add, change, move, delete and preview them."""
    return _version_page(_version_or_404(version_id))


@blueprint.post("/manage/versions/<int:version_id>/copy")
@requires(Action.RUN_SURVEYS)
def manage_copy_version(version_id: int):
    """Make a new, unlocked version from this one, with the same questions and codes."""
    version = db.get_or_404(SurveyVersion, version_id)
    copy = versions.copy_version(version.id)
    flash(
        f"Version {copy.number} is a copy of version {version.number}: change its questions, "
        "then schedule a wave with it.",
        "success",
    )
    return redirect(url_for("surveys.manage_version", version_id=copy.id))


@blueprint.get("/manage/versions/<int:version_id>/preview")
@requires(Action.RUN_SURVEYS)
def manage_preview(version_id: int):
    """Every question as residents will see it; nothing here can be answered or stored."""
    version = _version_or_404(version_id)
    specs = specs_of(version)
    return render_template(
        "surveys/manage/preview.html",
        version=version,
        questions=[(spec, _preview_field(spec)) for spec in specs],
        routing={spec.code: rules.routing_in_words(spec, specs) for spec in specs},
    )


def _preview_field(spec: QuestionSpec) -> AnswerField:
    """The resident's component for `spec`, renamed so that every question fits on one page.

    The inputs stay live, outside any form, so staff can try them (exclusive answers, say) and
    nothing can be sent. Disabled inputs would fail the contrast check: GOV.UK greys them out.
    """
    field = answer_field(spec, (), None)
    name = f"preview-{spec.code}"
    params = {**field.params, "name": name}
    params.update({key: name for key in ("id", "idPrefix") if key in params})
    if "fieldset" in params:
        params["fieldset"] = {"legend": {"text": spec.text, "classes": "govuk-fieldset__legend--m"}}
    else:
        params["label"] = {"text": spec.text, "classes": "govuk-label--m"}
    return replace(field, params=params)


def _locked(version: SurveyVersion):
    """Send staff back to a locked version's page, saying why it cannot change."""
    flash(versions.locked_message(version) + ".")
    return redirect(url_for("surveys.manage_version", version_id=version.id))


@blueprint.route("/manage/versions/<int:version_id>/questions/bank", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_bank_questions(version_id: int):
    """Add questions from the bank that the version does not ask yet."""
    version = db.get_or_404(SurveyVersion, version_id)
    form = BankQuestionsForm()
    if version.locked and not form.is_submitted():
        return _locked(version)
    present = {question.code for question in version.questions}
    left = [spec for spec in question_bank() if spec.code not in present]
    if form.validate_on_submit():
        try:
            added = versions.add_bank_questions(version.id, form.questions.data or [])
        except SurveyError as error:
            _show(form, error, fallback="questions")
        else:
            words = "1 question" if len(added) == 1 else f"{len(added)} questions"
            flash(f"{words} added: {', '.join(q.code for q in added)}.", "success")
            return redirect(url_for("surveys.manage_version", version_id=version.id))
    sections = _bank_sections(left, form.questions.data or [])
    return form_page("surveys/manage/bank_questions.html", form, version=version, sections=sections)


def _question_page(
    form: QuestionForm,
    version: SurveyVersion,
    specs: Sequence[QuestionSpec],
    question: Question | None,
):
    earlier = specs[: version.questions.index(question)] if question else specs
    return form_page(
        "surveys/manage/question_form.html",
        form,
        version=version,
        question=question,
        earlier=[spec for spec in earlier if spec.options],
        in_bank=question is not None and question.code in {spec.code for spec in question_bank()},
        sections=sorted({spec.section for spec in specs if spec.section}),
    )


@blueprint.route("/manage/versions/<int:version_id>/questions/new", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_new_question(version_id: int):
    """Add a question of the office's own at the end of the version."""
    version = _version_or_404(version_id)
    form = QuestionForm()
    if version.locked and not form.is_submitted():
        return _locked(version)
    specs = specs_of(version)
    form.set_routing_choices(specs)
    if not form.is_submitted():
        last = version.questions[-1].section if version.questions else ""
        form.fill(QuestionDraft(type=QuestionType.SINGLE.value, text="", section=last))
    elif form.validate_on_submit():
        try:
            question = versions.add_question(version.id, form.code.data or "", form.draft())
        except SurveyError as error:
            _show(form, error, fallback="code")
        else:
            flash(f"{question.code} is added at the end.", "success")
            return redirect(_question_anchor(question))
    return _question_page(form, version, specs, None)


def _question_anchor(question: Question) -> str:
    url = url_for("surveys.manage_version", version_id=question.version_id)
    return f"{url}#question-{question.code}"


@blueprint.route("/manage/questions/<int:question_id>", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_edit_question(question_id: int):
    """Change a question's wording, type, answers, settings and routing; not its code."""
    question = db.get_or_404(Question, question_id)
    version = _version_or_404(question.version_id)
    form = QuestionForm()
    if version.locked and not form.is_submitted():
        return _locked(version)
    del form.code
    specs = specs_of(version)
    index = version.questions.index(question)
    form.set_routing_choices(specs[:index])
    if not form.is_submitted():
        form.fill(QuestionDraft.of(specs[index]))
    elif form.validate_on_submit():
        try:
            versions.update_question(question.id, form.draft())
        except SurveyError as error:
            _show(form, error, fallback="text")
        else:
            flash(f"Your changes to {question.code} are saved.", "success")
            return redirect(_question_anchor(question))
    return _question_page(form, version, specs, question)


def _move(question_id: int, step: int):
    question = db.get_or_404(Question, question_id)
    try:
        versions.move_question(question.id, step)
    except SurveyError as error:
        db.session.rollback()
        return _version_page(question.version, [str(error)])
    return redirect(_question_anchor(question))


@blueprint.post("/manage/questions/<int:question_id>/up")
@requires(Action.RUN_SURVEYS)
def manage_move_up(question_id: int):
    """Ask a question one place earlier."""
    return _move(question_id, -1)


@blueprint.post("/manage/questions/<int:question_id>/down")
@requires(Action.RUN_SURVEYS)
def manage_move_down(question_id: int):
    """Ask a question one place later."""
    return _move(question_id, +1)


@blueprint.route("/manage/questions/<int:question_id>/delete", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_delete_question(question_id: int):
    """Ask to confirm, then delete a question from an unlocked version."""
    question = db.get_or_404(Question, question_id)
    version = question.version
    if request.method == "GET":
        if version.locked:
            return _locked(version)
        return render_template("surveys/manage/delete_question.html", question=question)
    try:
        code = versions.delete_question(question.id)
    except SurveyError as error:
        db.session.rollback()
        return _version_page(version, [str(error)])
    flash(f"{code} is deleted.", "success")
    return redirect(url_for("surveys.manage_version", version_id=version.id))


def _wave_form(survey: Survey, wave: Wave | None = None) -> WaveForm:
    form = WaveForm()
    form.set_versions(survey.versions)
    if wave is not None:
        if waves.code_fixed(wave):
            del form.code
        if waves.has_responses(wave):
            del form.version
        if not form.is_submitted():
            form.fill(wave)
    elif not form.is_submitted() and survey.versions:
        form.version.data = str(survey.versions[-1].id)
    return form


@blueprint.route("/manage/surveys/<int:survey_id>/waves/new", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_new_wave(survey_id: int):
    """Schedule a wave of a survey: its dates, who may answer and which version it asks."""
    survey = db.get_or_404(Survey, survey_id)
    form = _wave_form(survey)
    if form.validate_on_submit():
        try:
            wave = waves.schedule_wave(survey.id, form.draft())
        except SurveyError as error:
            _show(form, error, fallback="title")
        else:
            flash(f"{wave.title} is scheduled.", "success")
            return redirect(url_for("surveys.manage_wave", wave_id=wave.id))
    return form_page("surveys/manage/wave_form.html", form, survey=survey, wave=None)


@blueprint.route("/manage/waves/<int:wave_id>/edit", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def manage_edit_wave(wave_id: int):
    """Change a wave's title, dates and who may answer (its code and version while unused)."""
    wave = db.get_or_404(Wave, wave_id)
    form = _wave_form(wave.survey, wave)
    if form.validate_on_submit():
        try:
            waves.update_wave(wave.id, form.draft(wave))
        except SurveyError as error:
            _show(form, error, fallback="title")
        else:
            flash(f"Your changes to {wave.title} are saved.", "success")
            return redirect(url_for("surveys.manage_wave", wave_id=wave.id))
    return form_page("surveys/manage/wave_form.html", form, survey=wave.survey, wave=wave)


@blueprint.get("/manage/waves/<int:wave_id>")
@requires(Action.RUN_SURVEYS)
def manage_wave(wave_id: int):
    """A wave: dates, status, version, responses by mode, and its fieldwork pages."""
    wave = db.get_or_404(Wave, wave_id)
    counts = waves.response_counts([wave.id])[wave.id]
    totals = Counter()
    for (_, status), number in counts.items():
        totals[status] += number
    return render_template(
        "surveys/manage/wave.html",
        wave=wave,
        status=details.wave_status(wave.opens_on, wave.closes_on, today()),
        counts=counts,
        totals=totals,
        modes=list(ResponseMode),
        COMPLETE=ResponseStatus.COMPLETE,
        IN_PROGRESS=ResponseStatus.IN_PROGRESS,
    )
