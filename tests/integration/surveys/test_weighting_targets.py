"""Staff give a wave's population targets: the template, uploading a file and its problems,
and copying the targets of an earlier wave."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from engage.surveys import weighting_views
from engage.surveys.services import create_wave
from tests.factories import TARGET_TOTALS, closed_wave_with_responses
from tests.integration.surveys.test_weighting_pages import (
    GOOD,
    SOURCE,
    as_file,
    scheme,
    stored_targets,
    target_rows,
    upload,
    url,
)
from tests.reading import text_of

ROW = re.compile(r"<tr[^>]*>\s*<th[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*</tr>", re.DOTALL)


def problems_listed(response) -> list[tuple[str, str]]:
    """The (row, problem) pairs of the page's table of problems in the file."""
    page = response.get_data(as_text=True)
    table = page[page.index("Problems in the file") :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    return [
        (" ".join(html.unescape(re.sub("<[^>]+>", " ", row)).split()), html.unescape(problem))
        for row, problem in ROW.findall(table)
    ]


# The template to fill in ---------------------------------------------------------------------


def test_the_template_is_a_csv_attachment_named_for_the_wave_with_a_row_per_category(
    staff, new_wave
):
    response = staff.get(url(new_wave, "targets.csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="weighting-pages-population-targets.csv"'
    )
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "variable,category,total"
    assert "AGE_BAND,16_24," in lines and "SEX,MALE," in lines and "DISTRICT,STROUD," in lines
    assert len(lines) == 1 + 7 + 2 + 6  # "Prefer not to say" is not known, so has no row


# Uploading targets ---------------------------------------------------------------------------


def _replace(lines: list[str], line: int, text: str) -> list[str]:
    """The lines with spreadsheet line `line` (1 is the column names) replaced."""
    return [text if number == line else old for number, old in enumerate(lines, start=1)]


BAD_FILES = {
    "unknown category": (
        as_file(_replace(GOOD, 2, "AGE_BAND,16-24,60000")),
        "2",
        '"16-24" is not a category of AGE_BAND',
    ),
    "negative total": (
        as_file(_replace(GOOD, 3, "AGE_BAND,25_34,-70000")),
        "3",
        "The total for AGE_BAND 25_34 is -70000, below zero",
    ),
    "blank total": (
        as_file(_replace(GOOD, 4, "AGE_BAND,35_44,")),
        "4",
        "The total for AGE_BAND 35_44 is blank",
    ),
    "missing row": (
        as_file([line for line in GOOD if "75_PLUS" not in line]),
        "Whole file",
        "AGE_BAND has no row for category 75_PLUS",
    ),
    "not a number": (
        as_file(_replace(GOOD, 9, "SEX,FEMALE,lots")),
        "9",
        'The total for SEX FEMALE, "lots", is not a number',
    ),
    "duplicate": (
        as_file([*GOOD, GOOD[1]]),
        "17",
        "AGE_BAND 16_24 is given twice (first on row 2)",
    ),
    "wrong columns": (
        as_file(["variable,category,population", *GOOD[1:]]),
        "1",
        '"population" is not expected',
    ),
    "UTF-16": (as_file(GOOD, "utf-16"), "Whole file", "The file is not saved as UTF-8 text"),
    "cp1252 bytes": (
        as_file(_replace(GOOD, 5, "AGE_BAND,45_54,£80000"), "cp1252"),
        "Whole file",
        "line 5 has a character that cannot be read",
    ),
    "totals disagree": (
        as_file(_replace(GOOD, 10, "SEX,MALE,145000")),
        "Whole file",
        "The variables' totals disagree",
    ),
}


@pytest.mark.parametrize("content, row, problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_each_problem_in_a_targets_file_is_listed_by_row_and_nothing_is_saved(
    staff, new_wave, content, row, problem
):
    response = upload(staff, new_wave, content)

    assert response.status_code == 400
    listed = problems_listed(response)
    assert any(shown == row and problem in words for shown, words in listed), listed
    page = text_of(response)
    assert "There is a problem" in page
    assert "nothing was changed. Correct the file, then choose it again" in page
    assert f">{SOURCE}</textarea>" in response.get_data(as_text=True)
    assert stored_targets(new_wave) == {}


def test_several_bad_rows_are_all_listed_at_once(staff, new_wave):
    lines = _replace(_replace(GOOD, 3, "AGE_BAND,25_34,-1"), 12, "DISTRICT,COTSWOLD,x")

    listed = problems_listed(upload(staff, new_wave, as_file(lines)))

    assert [row for row, _ in listed] == ["3", "12"]
    assert "The file has 2 problems" in text_of(upload(staff, new_wave, as_file(lines)))


def test_a_good_file_replaces_the_targets_and_the_overview_shows_them(staff, new_wave):
    assert upload(staff, new_wave, as_file(GOOD), source="An older census").status_code == 302
    doubled = {v: {c: 2 * t for c, t in totals.items()} for v, totals in TARGET_TOTALS.items()}

    response = upload(staff, new_wave, as_file(target_rows(doubled)))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(new_wave))
    assert stored_targets(new_wave)["SEX"] == {"FEMALE": 510000, "MALE": 490000}
    assert len(scheme(new_wave).targets) == 15
    page = text_of(staff.get(url(new_wave)))
    assert "The targets are saved: 15 categories." in page
    assert f"Source: {SOURCE}" in page
    assert "AGE_BAND 16_24 120,000 12.0%" in page
    assert "SEX FEMALE 510,000 51.0%" in page
    assert "There are no targets for the categories" not in page


def test_a_targets_file_needs_its_source_and_must_be_chosen_again(staff, new_wave):
    response = upload(staff, new_wave, as_file(GOOD), source="  ")

    assert response.status_code == 400
    page = text_of(response)
    assert "Say where the totals come from, for example ONS Census 2021" in page
    assert "Choose the file again: files are not kept when a form is refused" in page
    assert stored_targets(new_wave) == {}


def test_no_file_chosen_is_refused_and_the_source_kept(staff, new_wave):
    response = staff.submit(
        url(new_wave, "targets"), {"source": SOURCE}, content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "Choose the CSV file of population totals" in text_of(response)
    assert f">{SOURCE}</textarea>" in response.get_data(as_text=True)


def test_a_huge_targets_file_is_refused_by_its_size(staff, new_wave, monkeypatch):
    # A smaller limit: a body over 500 kB is spooled to a file the test client never closes.
    monkeypatch.setattr(weighting_views, "TARGETS_LIMIT", 10 * 1024)

    response = upload(staff, new_wave, as_file(GOOD) + b" " * (10 * 1024))

    assert response.status_code == 400
    assert "The file is larger than 10 KB" in text_of(response)
    assert stored_targets(new_wave) == {}


# Copying targets from an earlier wave --------------------------------------------------------


@pytest.fixture
def later_wave():
    """A second wave of a survey whose first wave has targets."""
    earlier = closed_wave_with_responses("weighting-earlier", responses=0)
    today = date.today()
    return create_wave(
        earlier.survey,
        code="weighting-later",
        title="Wave weighting-later",
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )


def test_targets_are_copied_from_an_earlier_wave_with_their_source(staff, later_wave):
    overview = staff.get(url(later_wave))
    assert "Or copy the targets of an earlier wave" in text_of(overview)
    earlier_id = later_wave.survey.waves[0].id

    response = staff.submit(
        url(later_wave, "targets/copy"), {"from_wave": earlier_id}, page=url(later_wave)
    )

    assert response.status_code == 302
    assert stored_targets(later_wave)["DISTRICT"]["STROUD"] == 95000
    page = text_of(staff.get(url(later_wave)))
    assert "The targets are copied: 15 categories." in page
    assert "Source: An invented census, for tests" in page


def test_targets_are_not_copied_when_the_categories_differ(staff, later_wave):
    staff.submit(url(later_wave, "variables/DISTRICT/remove"), {}, page=url(later_wave))
    earlier_id = later_wave.survey.waves[0].id

    response = staff.submit(
        url(later_wave, "targets/copy"), {"from_wave": earlier_id}, page=url(later_wave)
    )

    assert response.status_code == 400
    assert "is weighted by other variables or categories" in text_of(response)
    assert stored_targets(later_wave) == {}


@pytest.mark.parametrize("sent", ["", "abc", "999999999", "-1"])
def test_copying_from_no_such_wave_is_refused(staff, later_wave, sent):
    response = staff.submit(
        url(later_wave, "targets/copy"), {"from_wave": sent}, page=url(later_wave)
    )

    assert response.status_code == 400
    assert "Choose a wave of this survey that has targets" in text_of(response)
