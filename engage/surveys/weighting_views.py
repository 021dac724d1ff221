"""Staff pages for weighting a wave: variables and categories, rule and cap, targets, and runs.

The overview shows the wave's weighting as it stands and the latest run's diagnostics; it asks
result_services for the wave's outcome, which recomputes the weights when anything they depend
on changed since the last run.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.auth.permissions import Action, requires
from engage.core.admin_views import local_time
from engage.core.charts import Point, bar_chart
from engage.core.form_fields import put_error
from engage.extensions import db
from engage.surveys import weighting_services
from engage.surveys.blueprint import blueprint, form_page
from engage.surveys.models import Wave
from engage.surveys.public_results_views import file_response
from engage.surveys.questions import QuestionSpec
from engage.surveys.result_models import WeightingScheme
from engage.surveys.result_services import NOT_KNOWN_RULES, WaveOutcome, wave_outcome
from engage.surveys.services import SurveyError, specs_of
from engage.surveys.targets import TargetsError
from engage.surveys.weighting_forms import (
    AddVariableForm,
    CopyTargetsForm,
    SettingsForm,
    TargetsUploadForm,
    mapping_form,
    rule_hints,
)
from engage.surveys.weighting_inputs import NOT_KNOWN, WeightingVariable, variable_problems
from engage.surveys.weighting_services import (
    expected_categories,
    scheme_of,
    targets_of,
    variables_of,
)

WEIGHTING = "/manage/waves/<int:wave_id>/weighting"
TARGETS_LIMIT = 1024 * 1024  # bytes: a targets file has a row per category, a few kilobytes


@dataclass
class VariableRow:
    """A weighting variable as the overview lists it: which answers are in which category."""

    code: str
    text: str
    categories: list[tuple[str, list[str]]]  # category name, labels of the answers in it
    not_known: list[str]  # labels of the answers that say nothing
    problems: list[str]


@dataclass
class TargetRow:
    """A population total and its share of its variable's population."""

    variable: str
    category: str
    total: float
    share: float


def _wave(wave_id: int) -> Wave:
    return db.get_or_404(Wave, wave_id)


def _overview(wave_id: int) -> Response:
    return redirect(url_for(".weighting", wave_id=wave_id))


def _variable_rows(wave: Wave, scheme: WeightingScheme) -> list[VariableRow]:
    specs = {spec.code: spec for spec in specs_of(wave.version)}
    rows = []
    for variable in variables_of(scheme):
        spec = specs.get(variable.question)
        options = spec.options if spec else ()
        groups: dict[str, list[str]] = {name: [] for name in variable.category_names()}
        not_known = []
        for option in options:
            name = variable.categories.get(option.code)
            if name is None:
                not_known.append(option.label)
            else:
                groups.setdefault(name, []).append(option.label)
        rows.append(
            VariableRow(
                variable.question,
                spec.text if spec else "",
                list(groups.items()),
                not_known,
                variable_problems(variable, spec),
            )
        )
    return rows


def _target_rows(scheme: WeightingScheme) -> list[TargetRow]:
    rows = []
    for variable, totals in targets_of(scheme).items():
        population = sum(totals.values())
        rows.extend(
            TargetRow(variable, category, total, total / population if population else 0.0)
            for category, total in totals.items()
        )
    return rows


def _unmatched_targets(scheme: WeightingScheme) -> list[str]:
    """Variables whose targets are missing or name other categories than the answers map to."""
    given = {variable: list(totals) for variable, totals in targets_of(scheme).items()}
    return [
        variable
        for variable, categories in expected_categories(scheme).items()
        if given.get(variable) != categories
    ]


def _distribution_chart(diagnostics: dict):
    return bar_chart(
        "How the weights are spread",
        "Respondents by the size of their weight, in multiples of the mean weight.",
        [Point(band["label"], band["respondents"]) for band in diagnostics["distribution"]],
        label_heading="Weight, times the mean weight",
        value_heading="Respondents",
    )


def _overview_page(
    wave: Wave,
    add_form: AddVariableForm | None = None,
    copy_form: CopyTargetsForm | None = None,
):
    """The overview, with either form as sent when it was refused (then with status 400)."""
    outcome: WaveOutcome = wave_outcome(wave.id)
    scheme = scheme_of(wave)
    used = {variable.question for variable in variables_of(scheme)}
    add_form = add_form or AddVariableForm(formdata=None)
    add_form.offer(
        [spec for spec in weighting_services.weighting_questions(wave) if spec.code not in used]
    )
    copy_form = copy_form or CopyTargetsForm(formdata=None)
    copy_form.offer(weighting_services.waves_to_copy_from(wave))
    diagnostics = outcome.run.diagnostics if not outcome.problem else None
    refused = bool(add_form.errors or copy_form.errors)
    page = render_template(
        "surveys/weighting/overview.html",
        wave=wave,
        scheme=scheme,
        variables=_variable_rows(wave, scheme),
        add_form=add_form,
        copy_form=copy_form,
        rule_explained=NOT_KNOWN_RULES[scheme.not_known_rule],
        targets=_target_rows(scheme),
        unmatched=_unmatched_targets(scheme),
        run=outcome.run,
        diagnostics=diagnostics,
        chart=_distribution_chart(diagnostics) if diagnostics else None,
        not_known_name=NOT_KNOWN,
        local_time=local_time,
        refused=refused,
    )
    return page, 400 if refused else 200


@blueprint.get(WEIGHTING)
@requires(Action.RUN_SURVEYS)
def weighting(wave_id: int):
    """The wave's weighting: variables, settings, targets, and the latest run's diagnostics."""
    return _overview_page(_wave(wave_id))


@blueprint.post(f"{WEIGHTING}/run")
@requires(Action.RUN_SURVEYS)
def weighting_run(wave_id: int):
    """Weight the wave now, and store the weights and diagnostics."""
    wave = _wave(wave_id)
    outcome = wave_outcome(wave.id, actor_id=current_user.id, rerun=True)
    diagnostics = outcome.run.diagnostics or {}
    if outcome.problem:
        flash(f"The wave could not be weighted: {outcome.problem}.")
    elif not diagnostics.get("converged", True):
        flash(f"The weights are made but do not meet the targets: {diagnostics.get('message')}.")
    else:
        flash(
            f"The wave is weighted: {diagnostics.get('respondents', 0):,} respondents.", "success"
        )
    return _overview(wave.id)


# Variables and their categories ------------------------------------------------------------


@blueprint.post(f"{WEIGHTING}/variables")
@requires(Action.RUN_SURVEYS)
def weighting_add_variable(wave_id: int):
    """Weight by one more question, each answer its own category to begin with."""
    wave = _wave(wave_id)
    form = AddVariableForm()
    if form.validate_on_submit():
        try:
            variable = weighting_services.add_variable(wave.id, form.question.data or "")
        except SurveyError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="question")
        else:
            flash(
                f"The wave is weighted by {variable.question} too. Check its categories, then "
                "upload targets that include it.",
                "success",
            )
            return _overview(wave.id)
    return _overview_page(wave, add_form=form)


def _weighting_variable(wave: Wave, question_code: str) -> tuple[WeightingVariable, QuestionSpec]:
    """The variable and its question, or 404 when the wave is not weighted by that question."""
    variable = next(
        (one for one in variables_of(scheme_of(wave)) if one.question == question_code), None
    )
    spec = next((one for one in specs_of(wave.version) if one.code == question_code), None)
    if variable is None or spec is None:
        abort(404)
    return variable, spec


@blueprint.route(f"{WEIGHTING}/variables/<question_code>", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def weighting_variable(wave_id: int, question_code: str):
    """Put each answer of a weighting question in a category, or in not known."""
    wave = _wave(wave_id)
    variable, spec = _weighting_variable(wave, question_code)
    form = mapping_form(spec, variable)
    if form.validate_on_submit():
        try:
            weighting_services.save_mapping(wave.id, spec.code, form.categories())
        except SurveyError as error:
            db.session.rollback()
            put_error(form, None, str(error), fallback=form.answer_fields[0][1].name)
        else:
            message = f"The categories of {spec.code} are saved."
            if spec.code in _unmatched_targets(scheme_of(wave)):
                message += (
                    " Upload targets for its categories: the targets in use do not give them."
                )
            flash(message, "success")
            return _overview(wave.id)
    return form_page("surveys/weighting/variable.html", form, wave=wave, spec=spec)


@blueprint.post(f"{WEIGHTING}/variables/<question_code>/remove")
@requires(Action.RUN_SURVEYS)
def weighting_remove_variable(wave_id: int, question_code: str):
    """Stop weighting by a question, and drop its targets."""
    wave = _wave(wave_id)
    try:
        weighting_services.remove_variable(wave.id, question_code)
    except LookupError:
        abort(404)
    flash(f"The wave is no longer weighted by {question_code}; its targets are removed.", "success")
    return _overview(wave.id)


@blueprint.route(f"{WEIGHTING}/settings", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def weighting_settings(wave_id: int):
    """The rule for residents who did not give a weighting answer, and the weight cap."""
    wave = _wave(wave_id)
    form = SettingsForm()
    if not form.is_submitted():
        scheme = scheme_of(wave)
        form.fill(scheme.not_known_rule, scheme.cap)
    elif form.validate_on_submit():
        try:
            weighting_services.save_settings(wave.id, form.chosen_rule(), form.chosen_cap())
        except SurveyError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="cap")
        else:
            flash("The weighting settings are saved.", "success")
            return _overview(wave.id)
    return form_page(
        "surveys/weighting/settings.html", form, wave=wave, hints=rule_hints(NOT_KNOWN_RULES)
    )


# Population targets ------------------------------------------------------------------------


@blueprint.route(f"{WEIGHTING}/targets", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def weighting_targets(wave_id: int):
    """Upload the population totals of every category, with their source."""
    wave = _wave(wave_id)
    form = TargetsUploadForm()
    problems = []
    if form.validate_on_submit():
        content = form.file.data.read(TARGETS_LIMIT + 1)
        if len(content) > TARGETS_LIMIT:
            form.file.errors.append(
                f"The file is larger than {_size(TARGETS_LIMIT)}: a targets file has a row per "
                "category. Check it is the right file"
            )
        else:
            try:
                count = weighting_services.upload_targets(wave.id, content, form.source.data)
            except TargetsError as error:
                db.session.rollback()
                problems = [(problem.row, _without_row(problem)) for problem in error.problems]
                form.file.errors.append(
                    f"The file has {_count(len(problems), 'problem')}, listed below: nothing was "
                    "changed. Correct the file, then choose it again"
                )
            except SurveyError as error:
                db.session.rollback()
                put_error(form, error.field, str(error), fallback="file")
            else:
                flash(
                    f"The targets are saved: {_count(count, 'category', 'categories')}.", "success"
                )
                return _overview(wave.id)
    elif form.is_submitted() and form.file.data and not form.file.errors:
        form.file.errors.append("Choose the file again: files are not kept when a form is refused")
    scheme = scheme_of(wave)
    return form_page(
        "surveys/weighting/targets.html",
        form,
        wave=wave,
        scheme=scheme,
        expected=expected_categories(scheme),
        problems=problems,
        limit=_size(TARGETS_LIMIT),
    )


def _without_row(problem) -> str:
    """A problem's words without the 'Row 3: ' the table's row column already shows."""
    prefix = f"Row {problem.row}: "
    if problem.row is not None and problem.message.startswith(prefix):
        rest = problem.message[len(prefix) :]
        return rest[:1].upper() + rest[1:]
    return problem.message


def _size(limit: int) -> str:
    """A number of bytes in words, like '1 MB' or '10 KB'."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit // 1024:,} KB"


def _count(number: int, word: str, plural: str | None = None) -> str:
    return f"{number:,} {word if number == 1 else plural or word + 's'}"


@blueprint.get(f"{WEIGHTING}/targets.csv")
@requires(Action.RUN_SURVEYS)
def weighting_targets_csv(wave_id: int):
    """A targets file to fill in: a row per category, with the totals in use where known."""
    wave = _wave(wave_id)
    return file_response(
        weighting_services.targets_template(wave.id),
        f"{wave.code}-population-targets.csv",
        "text/csv",
    )


@blueprint.post(f"{WEIGHTING}/targets/copy")
@requires(Action.RUN_SURVEYS)
def weighting_copy_targets(wave_id: int):
    """Use an earlier wave's targets and their source."""
    wave = _wave(wave_id)
    form = CopyTargetsForm()
    if form.validate_on_submit():
        from_wave = form.wave_id()
        try:
            if from_wave is None:
                raise LookupError
            count = weighting_services.copy_targets(wave.id, from_wave)
        except LookupError:
            db.session.rollback()
            form.from_wave.errors = ["Choose a wave of this survey that has targets"]
        except SurveyError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="from_wave")
        else:
            flash(f"The targets are copied: {_count(count, 'category', 'categories')}.", "success")
            return _overview(wave.id)
    return _overview_page(wave, copy_form=form)
