"""Staff pages for a wave's weighted results: the dashboard, each question, downloads,
publishing, and the survey's headline indicators with their benchmarks.

Staff see the current figures, recomputed whenever the responses or weighting change (see
result_services), suppressed groups included with their status; the public sees only the copy
staff last published.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from engage.auth.models import User
from engage.auth.permissions import Action, requires
from engage.core.admin_views import local_time
from engage.core.dates import today
from engage.extensions import db
from engage.surveys import result_services
from engage.surveys.answer_frames import load_wave_answers
from engage.surveys.blueprint import blueprint, form_page
from engage.surveys.exports import tables_frame, to_csv, to_xlsx
from engage.surveys.indicator_services import indicators_of, save_benchmark
from engage.surveys.microdata import codebook, microdata, shuffle_seed, to_sav
from engage.surveys.models import Survey, Wave
from engage.surveys.public_results_views import (
    answers_chart,
    file_response,
    group_tables,
    indicator_figures,
    question_of,
    rows_of,
)
from engage.surveys.result_models import Indicator
from engage.surveys.result_services import WaveOutcome
from engage.surveys.results_forms import BenchmarkForm
from engage.surveys.services import SurveyError

RESULTS = "/manage/waves/<int:wave_id>/results"
CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTRA_LABELS = {"mode": "How the response reached us: online, paper, telephone or import"}


def _outcome(wave_id: int) -> WaveOutcome:
    """The wave's current results, recomputed if anything they depend on changed."""
    wave = db.get_or_404(Wave, wave_id)
    return result_services.wave_outcome(wave.id, actor_id=current_user.id)


def _outcome_with_results(wave_id: int) -> WaveOutcome:
    """The wave's current results; if there are none, back to the dashboard, which says why
    and where to fix it."""
    outcome = _outcome(wave_id)
    if outcome.results is None:
        flash(f"There are no results for {outcome.wave.title} yet: {outcome.problem}.")
        abort(redirect(url_for(".results", wave_id=outcome.wave.id)))
    return outcome


def _about(outcome: WaveOutcome) -> list[tuple[str, str]]:
    """The lines of a workbook's About sheet."""
    wave, payload = outcome.wave, outcome.results.payload
    methods = payload.get("methods", {})
    low_base = payload.get("low_base", {})
    return [
        ("Survey", wave.survey.title),
        ("Wave", wave.title),
        ("Fieldwork", f"{wave.opens_on:%-d %B %Y} to {wave.closes_on:%-d %B %Y}"),
        ("Complete responses", f"{payload.get('respondents', 0):,}"),
        ("Weighted to", methods.get("targets_source") or "Not given"),
        ("Figures", "Weighted percentages (or means) with 95% confidence intervals."),
        (
            "Small groups",
            f"Figures for fewer than {low_base.get('suppress_below', 30)} respondents are "
            f"suppressed in published results; fewer than {low_base.get('flag_below', 50)} "
            "are flagged as a low base.",
        ),
        ("Computed", local_time(outcome.results.computed_at)),
    ]


def _tables_file(outcome: WaveOutcome, fmt: str, question: str | None = None):
    """One question's table or every table: a CSV, or a workbook with a sheet per question."""
    payload = outcome.results.payload
    wave = outcome.wave
    frame = tables_frame(payload, question)
    name = f"{wave.code}-{question or 'tables'}.{fmt}"
    if fmt == "csv":
        return file_response(to_csv(frame), name, CSV)
    if question is not None:
        sheets = {question: frame}
    else:
        sheets = {
            item["code"]: tables_frame(payload, item["code"]) for item in payload["questions"]
        }
    return file_response(to_xlsx(sheets, _about(outcome)), name, XLSX)


# The results dashboard and question pages ------------------------------------------------


@blueprint.get(RESULTS)
@requires(Action.RUN_SURVEYS)
def results(wave_id: int):
    """Headline indicators and their trends, every question's figures, publication, downloads."""
    outcome = _outcome(wave_id)
    wave = outcome.wave
    if outcome.results is None:
        return render_template("surveys/results/no_results.html", wave=wave, outcome=outcome)
    payload = outcome.results.payload
    history = result_services.publications(wave.id)
    publisher_ids = {item.published_by_id for item in history if item.published_by_id}
    publishers = {
        user.id: user for user in db.session.scalars(select(User).where(User.id.in_(publisher_ids)))
    }
    return render_template(
        "surveys/results/dashboard.html",
        wave=wave,
        results=outcome.results,
        payload=payload,
        indicators=indicator_figures(result_services.staff_series(wave), payload),
        rows_of=rows_of,
        live=result_services.live_publication(wave.id),
        history=history,
        publishers=publishers,
        closed=today() > wave.closes_on,
        local_time=local_time,
    )


@blueprint.get(f"{RESULTS}/questions/<question_code>")
@requires(Action.RUN_SURVEYS)
def results_question(wave_id: int, question_code: str):
    """One question by district: weighted and unweighted, with bases and low-base flags."""
    outcome = _outcome_with_results(wave_id)
    payload = outcome.results.payload
    question = question_of(payload, question_code)
    return render_template(
        "surveys/results/question.html",
        wave=outcome.wave,
        payload=payload,
        question=question,
        chart=answers_chart(payload, question),
        tables=group_tables(payload, question),
    )


# Downloads -------------------------------------------------------------------------------


@blueprint.get(f"{RESULTS}/tables.<any(csv, xlsx):fmt>")
@requires(Action.RUN_SURVEYS)
def results_tables(wave_id: int, fmt: str):
    """Every question's table, overall and by district, in one file."""
    return _tables_file(_outcome_with_results(wave_id), fmt)


@blueprint.get(f"{RESULTS}/questions/<question_code>.<any(csv, xlsx):fmt>")
@requires(Action.RUN_SURVEYS)
def results_question_table(wave_id: int, question_code: str, fmt: str):
    """One question's table, overall and by district."""
    outcome = _outcome_with_results(wave_id)
    question_of(outcome.results.payload, question_code)  # 404 for a question not tabulated
    return _tables_file(outcome, fmt, question_code)


def _microdata(outcome: WaveOutcome):
    """The wave's anonymised respondent data with weights, and the questions it holds."""
    wave = outcome.wave
    answers = load_wave_answers(wave)
    seed = shuffle_seed(current_app.config["SECRET_KEY"], f"microdata of wave {wave.id}")
    frame = microdata(
        answers.answers,
        answers.specs,
        result_services.weights_of(wave.id),
        extra={"mode": answers.mode},
        seed=seed,
    )
    return frame, answers.specs


@blueprint.get(f"{RESULTS}/microdata.<any(csv, sav):fmt>")
@requires(Action.RUN_SURVEYS)
def results_microdata(wave_id: int, fmt: str):
    """One row per complete response, in random order with serial numbers, and its weight;
    no response ids and no free text."""
    outcome = _outcome_with_results(wave_id)
    frame, specs = _microdata(outcome)
    name = f"{outcome.wave.code}-microdata.{fmt}"
    if fmt == "csv":
        return file_response(to_csv(frame), name, CSV)
    content = to_sav(frame, specs, EXTRA_LABELS, file_label=str(outcome.wave))
    return file_response(content, name, "application/x-spss-sav")


@blueprint.get(f"{RESULTS}/codebook.<any(csv, xlsx):fmt>")
@requires(Action.RUN_SURVEYS)
def results_codebook(wave_id: int, fmt: str):
    """What each column of the microdata holds, and what each code means."""
    outcome = _outcome_with_results(wave_id)
    frame, specs = _microdata(outcome)
    book = codebook(specs, frame, EXTRA_LABELS)
    name = f"{outcome.wave.code}-codebook.{fmt}"
    if fmt == "csv":
        return file_response(to_csv(book), name, CSV)
    return file_response(to_xlsx({"Codebook": book}, _about(outcome)), name, XLSX)


# Publishing ------------------------------------------------------------------------------


@blueprint.post(f"{RESULTS}/publish")
@requires(Action.RUN_SURVEYS)
def results_publish(wave_id: int):
    """Publish the current results to the public page, replacing any earlier copy."""
    wave = db.get_or_404(Wave, wave_id)
    try:
        result_services.publish(wave.id, current_user.id, today())
    except SurveyError as error:
        db.session.rollback()
        flash(f"The results are not published. {error}.")
    else:
        flash(f"The results of {wave.title} are published.", "success")
    return redirect(url_for(".results", wave_id=wave.id))


@blueprint.post(f"{RESULTS}/withdraw")
@requires(Action.RUN_SURVEYS)
def results_withdraw(wave_id: int):
    """Take the results off the public page; they stay in the publication history."""
    wave = db.get_or_404(Wave, wave_id)
    try:
        result_services.withdraw(wave.id)
    except SurveyError as error:
        db.session.rollback()
        flash(f"{error}.")
    else:
        flash(f"The results of {wave.title} are withdrawn from the public page.", "success")
    return redirect(url_for(".results", wave_id=wave.id))


# Indicators and benchmarks ---------------------------------------------------------------


@blueprint.get("/manage/surveys/<int:survey_id>/indicators")
@requires(Action.RUN_SURVEYS)
def indicators(survey_id: int):
    """The survey's headline indicators and the national figures they are compared with."""
    survey = db.get_or_404(Survey, survey_id)
    return render_template(
        "surveys/results/indicators.html", survey=survey, indicators=indicators_of(survey.id)
    )


@blueprint.route("/manage/indicators/<int:indicator_id>/benchmark", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def benchmark(indicator_id: int):
    """Set or clear the national figure an indicator is compared with."""
    indicator = db.get_or_404(Indicator, indicator_id)
    form = BenchmarkForm()
    if not form.is_submitted():
        form.fill(indicator)
    elif form.validate_on_submit():
        try:
            save_benchmark(
                indicator.id, form.percentage(), form.source.data or "", form.period.data or ""
            )
        except SurveyError as error:
            db.session.rollback()
            field = (
                form[error.field] if error.field in ("value", "source", "period") else form.value
            )
            field.errors = [*field.errors, str(error)]
        else:
            cleared = indicator.benchmark_value is None
            flash(
                f"The benchmark for “{indicator.label}” is {'cleared' if cleared else 'saved'}.",
                "success",
            )
            return redirect(url_for(".indicators", survey_id=indicator.survey_id))
    return form_page("surveys/results/benchmark.html", form, indicator=indicator)
