"""Published survey results for everyone: headline figures, trends, tables by district, open data.

Only a wave's live publication is shown, and only as `for_publication` leaves it: suppressed
figures are blank, there are no per-answer respondent counts and there is never free text. The
staff results pages build their headlines, charts and tables with the helpers here, so staff see
the figures laid out as the public will.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Response, abort, current_app, render_template
from sqlalchemy import select

from engage.auth.permissions import Action, requires
from engage.core.admin_views import LONDON
from engage.core.charts import LineChart, Point, Series, bar_chart, line_chart
from engage.extensions import db
from engage.surveys.analysis import ALL_RESPONDENTS
from engage.surveys.blueprint import blueprint
from engage.surveys.exports import ALL_GROUP, to_csv
from engage.surveys.headlines import Headline, WaveFigures, headlines, trend
from engage.surveys.models import Wave
from engage.surveys.open_data import FIELDS, SCHEMA_VERSION, open_data_json, open_data_rows
from engage.surveys.result_models import ResultSet
from engage.surveys.result_services import (
    benchmarks_of,
    live_publication,
    published_series,
    published_waves,
)
from engage.surveys.results import for_publication

RESULTS = "/results"


# Building the pages (shared with the staff results pages) ----------------------------------


@dataclass(frozen=True)
class IndicatorFigures:
    """A headline indicator as a results page shows it: the figures and sentences, its trend."""

    headline: Headline
    chart: LineChart


def indicator_figures(series: Sequence[WaveFigures], payload: dict) -> list[IndicatorFigures]:
    """Each indicator's headline for the latest wave in `series`, and its trend across them."""
    found = []
    for headline in headlines(series, benchmarks_of(payload)):
        benchmark = headline.benchmark
        points = [
            Point(row["title"], row["value"], row["low"], row["high"])
            for row in trend(series, headline.code, ALL_GROUP)
        ]
        chart = line_chart(
            headline.label,
            "The percentage in each wave, with its 95% confidence interval"
            + (", and the national benchmark." if benchmark else "."),
            [Series(ALL_RESPONDENTS, points)],
            benchmark=(f"National ({benchmark.period})", benchmark.value) if benchmark else None,
            decimals=1,
            label_heading="Wave",
        )
        found.append(IndicatorFigures(headline, chart))
    return found


def question_of(payload: dict, code: str) -> dict:
    """The question's table in the payload, or 404."""
    found = next((item for item in payload["questions"] if item["code"] == code), None)
    if found is None:
        abort(404)
    return found


def rows_of(question: dict, group: str = ALL_GROUP) -> list[dict]:
    """A group's rows of a question's table, each with its answer's label."""
    labels = {answer["code"]: answer["label"] for answer in question.get("answers", ())}
    return [
        {**row, "label": labels.get(row["answer"], row["answer"])}
        for row in question["rows"]
        if row["group"] == group
    ]


def group_tables(payload: dict, question: dict) -> list[tuple[str, list[dict]]]:
    """(caption, rows) tables of a question for all respondents, then each district: a table a
    group for a choice question, one table with a row a group for a mean."""
    groups = [(ALL_GROUP, ALL_RESPONDENTS)] + [
        (g["code"], g["label"]) for g in payload.get("groups", ())
    ]
    tables = [(label, rows_of(question, code)) for code, label in groups]
    tables = [(label, rows) for label, rows in tables if rows]
    if question["kind"] == "mean":
        return [("Average by district", [{**rows[0], "label": label} for label, rows in tables])]
    return tables


def answers_chart(payload: dict, question: dict):
    """Bars with intervals, and their table: the share giving each answer (all respondents),
    or for a number question the average of all respondents and of each district."""
    if question["kind"] == "mean":
        rows = group_tables(payload, question)[0][1]
        title = "Average answer, by district"
        description = "Weighted average answer with its 95% confidence interval, by district."
    else:
        rows = rows_of(question)
        title = "Answers of all respondents"
        description = (
            "Weighted percentage of all respondents giving each answer, with 95% confidence "
            "intervals."
        )
    mean = question["kind"] == "mean"
    return bar_chart(
        title,
        description,
        [Point(row["label"], row.get("weighted"), row.get("low"), row.get("high")) for row in rows],
        unit="" if mean else "%",
        horizontal=True,
        decimals=2 if mean else 1,
        label_heading="Group" if mean else "Answer",
        value_heading="Weighted mean" if mean else "Weighted %",
    )


def file_response(content: bytes, name: str, mimetype: str) -> Response:
    """A download named `name` (made safe for a header)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


# The public pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """A wave's live publication, as the public may see it."""

    wave: Wave
    results: ResultSet
    payload: dict


def _publication(wave_code: str) -> Publication:
    """The wave's published results, emptied for publication; 404 while none are live."""
    wave = db.session.scalar(select(Wave).where(Wave.code == wave_code))
    live = live_publication(wave.id) if wave is not None else None
    if live is None:
        abort(404)
    return Publication(wave, live, for_publication(live.payload))


@blueprint.get(f"{RESULTS}/")
@requires(Action.VIEW_PUBLIC)
def published_results_index():
    """Every wave with published results, by survey, newest first."""
    surveys: dict = {}
    for wave, results in reversed(published_waves()):
        surveys.setdefault(wave.survey, []).append((wave, results))
    return render_template(
        "surveys/results/public_index.html",
        surveys=sorted(surveys.items(), key=lambda item: item[0].title),
    )


@blueprint.get(f"{RESULTS}/<wave_code>/")
@requires(Action.VIEW_PUBLIC)
def published_results(wave_code: str):
    """A wave's published results: headlines, trends, every question, how they were made."""
    shown = _publication(wave_code)
    return render_template(
        "surveys/results/public_wave.html",
        wave=shown.wave,
        results=shown.results,
        payload=shown.payload,
        published_on=shown.results.published_at.astimezone(LONDON).date(),
        indicators=indicator_figures(published_series(shown.wave), shown.payload),
        rows_of=rows_of,
        fields=FIELDS,
        schema_version=SCHEMA_VERSION,
    )


@blueprint.get(f"{RESULTS}/<wave_code>/questions/<question_code>")
@requires(Action.VIEW_PUBLIC)
def published_question(wave_code: str, question_code: str):
    """One question's published figures for all respondents and by district."""
    shown = _publication(wave_code)
    question = question_of(shown.payload, question_code)
    return render_template(
        "surveys/results/public_question.html",
        wave=shown.wave,
        payload=shown.payload,
        question=question,
        chart=answers_chart(shown.payload, question),
        tables=group_tables(shown.payload, question),
    )


def _open_data_meta(shown: Publication) -> dict:
    wave, survey = shown.wave, shown.wave.survey
    return {
        "publisher": current_app.config["ENGAGE_OFFICE_NAME"],
        "survey": {"code": survey.code, "title": survey.title},
        "wave": {
            "code": wave.code,
            "title": wave.title,
            "fieldwork_start": wave.opens_on,
            "fieldwork_end": wave.closes_on,
        },
        "published_at": shown.results.published_at,
        "methods": shown.payload.get("methods", {}),
    }


@blueprint.get(f"{RESULTS}/<wave_code>/data.<any(csv, json):fmt>")
@requires(Action.VIEW_PUBLIC)
def open_data(wave_code: str, fmt: str):
    """The published tables as open data (schema documented on the results page)."""
    shown = _publication(wave_code)
    meta = _open_data_meta(shown)
    if fmt == "json":
        document = json.dumps(open_data_json(shown.payload, meta), ensure_ascii=False, indent=1)
        return Response(document, mimetype="application/json")
    content = to_csv(open_data_rows(shown.payload, meta))
    return file_response(content, f"{shown.wave.code}-results.csv", "text/csv")
