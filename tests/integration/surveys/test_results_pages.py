"""Staff read a wave's weighted results, download them, publish them and set benchmarks."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from engage.surveys.answer_frames import load_wave_answers
from engage.surveys.indicator_services import indicators_of
from engage.surveys.result_services import live_publication, wave_outcome, weights_of
from tests.factories import FREE_TEXT, RESULT_QUESTIONS, closed_wave_with_responses, open_wave
from tests.reading import text_of


@pytest.fixture
def wave():
    wave = closed_wave_with_responses("staff-results", responses=300)
    assert wave_outcome(wave.id).results is not None
    return wave


def results_url(wave, path: str = "") -> str:
    return f"/surveys/manage/waves/{wave.id}/results{path}"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return text_of(response)


def payload_of(wave) -> dict:
    return wave_outcome(wave.id).results.payload


def download(client, url: str, mimetype: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.get_data()


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# The dashboard and question pages -----------------------------------------------------------


def test_the_dashboard_shows_each_headline_with_its_interval(staff, wave):
    payload = payload_of(wave)

    text = page(staff, results_url(wave))

    for indicator in payload["indicators"]:
        row = next(row for row in indicator["rows"] if row["group"] == "ALL")
        assert (
            f"{indicator['label']} {row['value']:.1f}% 95% confidence interval "
            f"{row['low']:.1f}% to {row['high']:.1f}%"
        ) in text
        assert f"Respondents {row['n']}" in text
    assert "The results are not published" in text
    assert "Publish these results" in text


def test_the_dashboard_lists_every_question_with_its_overall_figures(staff, wave):
    payload = payload_of(wave)
    safe = next(item for item in payload["questions"] if item["code"] == "SAFE_DARK")
    very = next(
        row for row in safe["rows"] if row["group"] == "ALL" and row["answer"] == "VERY_SAFE"
    )

    response = staff.get(results_url(wave))

    text = text_of(response)
    assert (
        f"Very safe {very['weighted']:.1f}% {very['low']:.1f}% to {very['high']:.1f}% "
        f"{very['unweighted']:.1f}% {very['respondents']} {very['base']}"
    ) in text
    html = response.get_data(as_text=True)
    assert f'href="{results_url(wave, "/questions/SAFE_DARK")}"' in html
    assert 'href="{}"'.format(results_url(wave, "/microdata.sav")) in html
    assert "COMMENTS" not in text


def test_a_wave_that_cannot_be_weighted_says_why_and_links_to_its_weighting(staff):
    wave = closed_wave_with_responses("staff-no-targets", responses=60, targets=False)

    response = staff.get(results_url(wave))

    assert response.status_code == 200
    assert wave_outcome(wave.id).problem in text_of(response)
    assert f'href="/surveys/manage/waves/{wave.id}/weighting"' in response.get_data(as_text=True)
    assert staff.get(results_url(wave, "/tables.csv")).status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/questions/SAFE_DARK", "/tables.xlsx", "/questions/SAFE_DARK.csv", "/microdata.sav",
     "/codebook.csv"],
)  # fmt: skip
def test_a_page_or_download_without_results_goes_back_to_the_dashboard_saying_why(staff, path):
    wave = closed_wave_with_responses("staff-no-targets", responses=60, targets=False)

    response = staff.get(results_url(wave, path))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(results_url(wave))
    problem = wave_outcome(wave.id).problem
    dashboard = page(staff, results_url(wave))
    assert f"There are no results for {wave.title} yet: {problem}." in dashboard


def test_a_question_page_shows_each_district_weighted_and_unweighted(staff, wave):
    payload = payload_of(wave)
    job = next(item for item in payload["questions"] if item["code"] == "POLICE_JOB")
    district = next(g for g in payload["groups"] if g["code"] == "STROUD")
    good = next(r for r in job["rows"] if r["group"] == "STROUD" and r["answer"] == "GOOD")

    text = page(staff, results_url(wave, "/questions/POLICE_JOB"))

    assert "Answers of all respondents" in text  # the chart, with its table
    assert (
        f"{district['label']} Answer Weighted % 95% confidence interval Unweighted % "
        "Respondents Base Note"
    ) in text
    assert (
        f"Good {good['weighted']:.1f}% {good['low']:.1f}% to {good['high']:.1f}% "
        f"{good['unweighted']:.1f}% {good['respondents']} {good['base']}"
    ) in text
    assert "Low base: treat with caution" in text  # 50 a district, under 50 answering
    page(staff, results_url(wave, "/questions/NOT_ASKED"), 404)


def test_a_number_question_shows_its_average_in_each_district(staff, wave):
    text = page(staff, results_url(wave, "/questions/YEARS_IN_AREA"))

    assert "Average by district District Weighted mean" in text
    assert re.search(r"Cheltenham \d+\.\d\d \d+\.\d\d to \d+\.\d\d \d+\.\d\d \d+", text)


# Downloads ------------------------------------------------------------------------------


def test_every_table_downloads_as_csv_with_a_row_per_figure(staff, wave):
    payload = payload_of(wave)

    rows = read_csv(download(staff, results_url(wave, "/tables.csv"), "text/csv"))

    assert len(rows) == sum(len(item["rows"]) for item in payload["questions"])
    assert {row["Question code"] for row in rows} == {item["code"] for item in payload["questions"]}
    first = payload["questions"][0]["rows"][0]
    assert rows[0]["Base (unweighted)"] == str(first["base"])
    assert float(rows[0]["Weighted % or mean"]) == round(first["weighted"], 1)


def test_every_table_downloads_as_a_workbook_with_a_sheet_per_question(staff, wave):
    content = download(
        staff,
        results_url(wave, "/tables.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "About"
    assert "SAFE_DARK" in book.sheetnames and "COMMENTS" not in book.sheetnames
    assert book["SAFE_DARK"]["A1"].value == "Question code"


def test_one_question_downloads_as_csv_and_as_a_workbook(staff, wave):
    job = next(item for item in payload_of(wave)["questions"] if item["code"] == "POLICE_JOB")

    rows = read_csv(download(staff, results_url(wave, "/questions/POLICE_JOB.csv"), "text/csv"))
    content = staff.get(results_url(wave, "/questions/POLICE_JOB.xlsx")).get_data()

    assert len(rows) == len(job["rows"]) and {row["Question code"] for row in rows} == {
        "POLICE_JOB"
    }
    sheet = openpyxl.load_workbook(io.BytesIO(content))["POLICE_JOB"]
    assert sheet.max_row == len(job["rows"]) + 1
    assert staff.get(results_url(wave, "/questions/NOT_ASKED.csv")).status_code == 404


def test_microdata_has_the_stored_weights_and_no_free_text_or_response_ids(staff, wave):
    content = download(staff, results_url(wave, "/microdata.csv"), "text/csv")

    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    weights = weights_of(wave.id)
    assert len(frame) == 300
    assert sorted(frame["serial"]) == list(range(1, 301))
    assert not {"COMMENTS", "response", "id", "token"} & set(frame.columns)
    assert FREE_TEXT not in content.decode("utf-8-sig")
    assert sorted(frame["weight"]) == pytest.approx(sorted(weights))
    in_order = load_wave_answers(wave).answers["YEARS_IN_AREA"]  # by response id
    assert list(frame["YEARS_IN_AREA"]) != list(in_order)  # rows are shuffled
    assert sorted(frame["YEARS_IN_AREA"]) == sorted(in_order)


def test_microdata_reads_back_from_spss_with_the_stored_weights(staff, wave, tmp_path):
    content = download(staff, results_url(wave, "/microdata.sav"), "application/x-spss-sav")

    path = tmp_path / "microdata.sav"
    path.write_bytes(content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert sorted(frame["weight"]) == pytest.approx(sorted(weights_of(wave.id)))
    assert "COMMENTS" not in frame.columns
    assert meta.column_names_to_labels["SAFE_DARK"].startswith("How safe do you feel")
    assert meta.variable_value_labels["SAFE_DARK"][1.0] == "Very safe"


def test_the_codebook_explains_every_column_of_the_microdata(staff, wave):
    microdata = pd.read_csv(
        io.BytesIO(staff.get(results_url(wave, "/microdata.csv")).get_data()), encoding="utf-8-sig"
    )

    rows = read_csv(download(staff, results_url(wave, "/codebook.csv"), "text/csv"))
    book = openpyxl.load_workbook(io.BytesIO(staff.get(results_url(wave, "/codebook.xlsx")).data))

    assert [row["variable"] for row in rows if row["label"]] == list(microdata.columns)
    assert {
        "variable": "SEX",
        "label": "",
        "type": "",
        "value": "FEMALE",
        "value label": "Female",
    } in rows
    assert book["Codebook"].max_row == len(rows) + 1


# Publishing -----------------------------------------------------------------------------


def test_publishing_and_withdrawing_are_recorded_in_the_history(staff, wave):
    staff.submit(results_url(wave, "/publish"), page=results_url(wave))

    text = page(staff, results_url(wave))
    assert "The results of Wave staff-results are published." in text
    assert "Published on" in text and "Live now" in text
    assert "Withdraw from the public page" in text
    assert live_publication(wave.id) is not None

    staff.submit(results_url(wave, "/withdraw"), page=results_url(wave))

    text = page(staff, results_url(wave))
    assert "withdrawn from the public page" in text
    assert "Live now" not in text and "Publication history" in text
    assert live_publication(wave.id) is None


def test_publishing_an_open_wave_is_refused_with_a_message(staff):
    wave = open_wave("staff-open", RESULT_QUESTIONS)

    response = staff.submit(results_url(wave, "/publish"), page="/surveys/")

    assert response.status_code == 302
    text = page(staff, results_url(wave))
    assert "The results are not published. Fieldwork runs until" in text
    assert live_publication(wave.id) is None


def test_withdrawing_results_that_are_not_published_says_so(staff, wave):
    staff.submit(results_url(wave, "/withdraw"), page=results_url(wave))

    assert "The results of this wave are not published." in page(staff, results_url(wave))


# Indicators and benchmarks -----------------------------------------------------------------


def benchmark_url(wave) -> str:
    safe = next(i for i in indicators_of(wave.survey_id) if i.code == "FEEL_SAFE_DARK")
    return f"/surveys/manage/indicators/{safe.id}/benchmark"


def test_a_benchmark_is_saved_and_compared_with_on_the_dashboard(staff, wave):
    response = staff.submit(
        benchmark_url(wave),
        {"value": "74.5", "source": "Crime Survey for England and Wales", "period": "2024 to 25"},
    )

    assert response.status_code == 302
    text = page(staff, f"/surveys/manage/surveys/{wave.survey_id}/indicators")
    assert "is saved" in text
    assert "74.5% Crime Survey for England and Wales, 2024 to 25" in text
    dashboard = page(staff, results_url(wave))
    assert "National benchmark 74.5% (Crime Survey for England and Wales, 2024 to 25)" in dashboard
    assert (
        "the national figure of 75% (Crime Survey for England and Wales, 2024 to 25)" in dashboard
    )
    assert re.search(
        r"Gap to the benchmark \d+\.\d percentage points (above|below): (not )?a significant",
        dashboard,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            {"value": "about 70", "source": "CSEW", "period": "2024"},
            "Enter the benchmark as a number",
        ),
        ({"value": "120", "source": "CSEW", "period": "2024"}, "a percentage from 0 to 100"),
        ({"value": "70", "source": "", "period": "2024"}, "Say where the benchmark comes from"),
    ],
)
def test_a_benchmark_that_cannot_be_used_is_refused_and_what_was_typed_is_kept(
    staff, wave, typed, message
):
    response = staff.submit(benchmark_url(wave), typed)

    assert response.status_code == 400
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    assert f'value="{typed["value"]}"' in html and 'value="2024"' in html
    safe = next(i for i in indicators_of(wave.survey_id) if i.code == "FEEL_SAFE_DARK")
    assert safe.benchmark_value is None


def test_a_blank_benchmark_clears_it(staff, wave):
    staff.submit(benchmark_url(wave), {"value": "70", "source": "CSEW", "period": "2024"})

    staff.submit(benchmark_url(wave), {"value": "", "source": "", "period": ""})

    text = page(staff, f"/surveys/manage/surveys/{wave.survey_id}/indicators")
    assert "is cleared" in text and "70.0%" not in text
