"""Staff set up a wave's weighting (variables, categories, rule, cap, targets) and run it."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys import weighting_services, weighting_views
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus
from engage.surveys.result_models import ResponseWeight, WeightingRun, WeightingScheme
from engage.surveys.services import create_wave
from engage.surveys.weighting_inputs import NotKnownRule
from tests.factories import RESULT_QUESTIONS, TARGET_TOTALS, closed_wave_with_responses, open_wave
from tests.reading import text_of

SOURCE = "ONS Census 2021, table TS007A"
ROW = re.compile(r"<tr[^>]*>\s*<th[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>\s*</tr>", re.DOTALL)


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def wave():
    """A wave with no responses, weighted by age band, sex and district (the default)."""
    made = open_wave("weighting-pages", question_codes=RESULT_QUESTIONS)
    weighting_services.scheme_of(made)  # as the first visit to its weighting makes it
    db.session.commit()
    return made


def url(wave, page: str = "") -> str:
    return f"/surveys/manage/waves/{wave.id}/weighting" + (f"/{page}" if page else "")


def scheme(wave) -> WeightingScheme:
    return db.session.scalar(select(WeightingScheme).where(WeightingScheme.wave_id == wave.id))


def target_rows(totals: dict[str, dict[str, float]] = TARGET_TOTALS) -> list[str]:
    """The lines of a good targets file, in thousands: line 1 names the columns."""
    lines = ["variable,category,total"]
    for variable, categories in totals.items():
        lines += [f"{variable},{category},{1000 * total}" for category, total in categories.items()]
    return lines


def as_file(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(staff, wave, content: bytes, source: str = SOURCE, name: str = "targets.csv"):
    return staff.submit(
        url(wave, "targets"),
        {"file": (io.BytesIO(content), name), "source": source},
        content_type="multipart/form-data",
    )


def problems_listed(response) -> list[tuple[str, str]]:
    """The (row, problem) pairs of the page's table of problems in the file."""
    page = response.get_data(as_text=True)
    table = page[page.index("Problems in the file") :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    return [
        (" ".join(html.unescape(re.sub("<[^>]+>", " ", row)).split()), html.unescape(problem))
        for row, problem in ROW.findall(table)
    ]


def stored_targets(wave) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for target in scheme(wave).targets:
        found.setdefault(target.variable, {})[target.category] = target.total
    return found


def add_responses(wave, count: int, **answers: str) -> None:
    """`count` complete responses giving these answers (AGE_BAND="16_24", ...)."""
    questions = {question.code: question for question in wave.version.questions}
    for number in range(count):
        response = Response(
            wave=wave,
            mode=ResponseMode.PAPER,
            status=ResponseStatus.COMPLETE,
            token=f"{wave.code}-extra-{number}-{len(answers)}",
            started_on=wave.opens_on,
        )
        response.answers = [
            Answer(question=questions[code], option_code=option) for code, option in answers.items()
        ]
        db.session.add(response)
    db.session.commit()


# Every page renders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, heading",
    [
        ("", "Weighting"),
        ("targets", "Upload population targets"),
        ("variables/AGE_BAND", "Categories of AGE_BAND"),
        ("settings", "Weighting settings"),
    ],
)
def test_each_weighting_page_renders_for_staff(staff, wave, page, heading):
    response = staff.get(url(wave, page))

    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in shown
    assert f"<title>{heading} \N{EN DASH} {wave.title} \N{EN DASH} " in shown


def test_a_new_wave_is_weighted_by_age_sex_and_district_and_says_what_is_missing(staff, wave):
    page = text_of(staff.get(url(wave)))

    assert "AGE_BAND What is your age?" in page
    assert "16_24 : 16 to 24" in page
    assert "Not known : Prefer not to say" in page
    assert "There are no targets for the categories of AGE_BAND, SEX, DISTRICT" in page
    assert "No population targets are given yet." in page
    assert "The wave could not be weighted: Give the population targets to weight to." in page
    assert (
        "Residents who preferred not to say (or did not answer) a weighting question keep" in page
    )
    assert "Cap on the weights No cap" in page


def test_the_template_is_a_csv_attachment_named_for_the_wave_with_a_row_per_category(staff, wave):
    response = staff.get(url(wave, "targets.csv"))

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


GOOD = target_rows()
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
    staff, wave, content, row, problem
):
    response = upload(staff, wave, content)

    assert response.status_code == 400
    listed = problems_listed(response)
    assert any(shown == row and problem in words for shown, words in listed), listed
    page = text_of(response)
    assert "There is a problem" in page
    assert "nothing was changed. Correct the file, then choose it again" in page
    assert f">{SOURCE}</textarea>" in response.get_data(as_text=True)
    assert stored_targets(wave) == {}


def test_several_bad_rows_are_all_listed_at_once(staff, wave):
    lines = _replace(_replace(GOOD, 3, "AGE_BAND,25_34,-1"), 12, "DISTRICT,COTSWOLD,x")

    listed = problems_listed(upload(staff, wave, as_file(lines)))

    assert [row for row, _ in listed] == ["3", "12"]
    assert "The file has 2 problems" in text_of(upload(staff, wave, as_file(lines)))


def test_a_good_file_replaces_the_targets_and_the_overview_shows_them(staff, wave):
    assert upload(staff, wave, as_file(GOOD), source="An older census").status_code == 302
    doubled = {v: {c: 2 * t for c, t in totals.items()} for v, totals in TARGET_TOTALS.items()}

    response = upload(staff, wave, as_file(target_rows(doubled)))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(wave))
    assert stored_targets(wave)["SEX"] == {"FEMALE": 510000, "MALE": 490000}
    assert len(scheme(wave).targets) == 15
    page = text_of(staff.get(url(wave)))
    assert "The targets are saved: 15 categories." in page
    assert f"Source: {SOURCE}" in page
    assert "AGE_BAND 16_24 120,000 12.0%" in page
    assert "SEX FEMALE 510,000 51.0%" in page
    assert "There are no targets for the categories" not in page


def test_a_targets_file_needs_its_source_and_must_be_chosen_again(staff, wave):
    response = upload(staff, wave, as_file(GOOD), source="  ")

    assert response.status_code == 400
    page = text_of(response)
    assert "Say where the totals come from, for example ONS Census 2021" in page
    assert "Choose the file again: files are not kept when a form is refused" in page
    assert stored_targets(wave) == {}


def test_no_file_chosen_is_refused_and_the_source_kept(staff, wave):
    response = staff.submit(
        url(wave, "targets"), {"source": SOURCE}, content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "Choose the CSV file of population totals" in text_of(response)
    assert f">{SOURCE}</textarea>" in response.get_data(as_text=True)


def test_a_huge_targets_file_is_refused_by_its_size(staff, wave, monkeypatch):
    # A smaller limit: a body over 500 kB is spooled to a file the test client never closes.
    monkeypatch.setattr(weighting_views, "TARGETS_LIMIT", 10 * 1024)

    response = upload(staff, wave, as_file(GOOD) + b" " * (10 * 1024))

    assert response.status_code == 400
    assert "The file is larger than 10 KB" in text_of(response)
    assert stored_targets(wave) == {}


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


# Variables and their categories --------------------------------------------------------------


def test_two_answers_in_one_category_change_the_categories_the_template_expects(staff, wave):
    typed = {f"answer_{index}": code for index, code in enumerate(TARGET_TOTALS["AGE_BAND"])}
    typed |= {"answer_5": "65_PLUS", "answer_6": "65_PLUS", "answer_7": ""}

    response = staff.submit(url(wave, "variables/AGE_BAND"), typed)

    assert response.status_code == 302
    template = staff.get(url(wave, "targets.csv")).get_data(as_text=True).splitlines()
    assert "AGE_BAND,65_PLUS," in template
    assert "AGE_BAND,65_74," not in template and "AGE_BAND,75_PLUS," not in template
    page = text_of(staff.get(url(wave)))
    assert "The categories of AGE_BAND are saved. Upload targets for its categories" in page
    assert "65_PLUS : 65 to 74, 75 or over" in page


def test_the_categories_form_shows_the_mapping_in_use(staff, wave):
    page = staff.get(url(wave, "variables/SEX")).get_data(as_text=True)

    assert re.search(r'name="answer_0"[^>]*value="FEMALE"', page)
    assert re.search(r'name="answer_2"[^>]*value=""', page)
    assert "Answer code PREFER_NOT" in page


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"answer_0": "women!"}, "The category for “Female” must be 1 to 40 letters"),
        ({"answer_0": "NOT_KNOWN"}, "“NOT_KNOWN” is kept for residents whose answer is not known"),
        ({"answer_0": "", "answer_1": ""}, "puts every answer in not known"),
        ({"answer_0": "both", "answer_1": "BOTH"}, "differ only in capital letters"),
    ],
)
def test_bad_categories_are_refused_and_what_was_typed_is_kept(staff, wave, typed, message):
    sent = {"answer_0": "FEMALE", "answer_1": "MALE", "answer_2": ""} | typed

    response = staff.submit(url(wave, "variables/SEX"), sent)

    assert response.status_code == 400
    assert message in text_of(response)
    for name, value in sent.items():
        assert re.search(
            rf'name="{name}"[^>]*value="{re.escape(value)}"', response.get_data(as_text=True)
        )
    assert scheme(wave).variables[1]["categories"]["FEMALE"] == "FEMALE"


@pytest.mark.parametrize("code", ["SAFE_DARK", "NO_SUCH_QUESTION"])
def test_the_categories_of_a_question_the_wave_is_not_weighted_by_are_not_found(staff, wave, code):
    assert staff.get(url(wave, f"variables/{code}")).status_code == 404


def test_a_variable_is_added_with_each_answer_its_own_category(staff, wave):
    response = staff.submit(url(wave, "variables"), {"question": "SAFE_DARK"}, page=url(wave))

    assert response.status_code == 302
    added = scheme(wave).variables[-1]
    assert added["question"] == "SAFE_DARK"
    assert added["categories"]["VERY_SAFE"] == "VERY_SAFE"
    assert added["categories"]["DONT_KNOW"] is None
    page = text_of(staff.get(url(wave)))
    assert "The wave is weighted by SAFE_DARK too." in page
    assert "There are no targets for the categories of AGE_BAND, SEX, DISTRICT, SAFE_DARK" in page


@pytest.mark.parametrize(
    "question, message",
    [
        ("SEX", "The wave is already weighted by SEX"),
        ("COMMENTS", "Choose a single-choice question of this wave"),
        ("", "Choose a single-choice question of this wave"),
    ],
)
def test_a_variable_that_cannot_weight_is_refused(staff, wave, question, message):
    response = staff.submit(url(wave, "variables"), {"question": question}, page=url(wave))

    assert response.status_code == 400
    assert message in text_of(response)
    assert len(scheme(wave).variables) == 3


def test_removing_a_variable_drops_it_and_its_targets(staff, wave):
    upload(staff, wave, as_file(GOOD))

    response = staff.submit(url(wave, "variables/DISTRICT/remove"), {}, page=url(wave))

    assert response.status_code == 302
    assert [variable["question"] for variable in scheme(wave).variables] == ["AGE_BAND", "SEX"]
    assert "DISTRICT" not in stored_targets(wave)
    assert "The wave is no longer weighted by DISTRICT" in text_of(staff.get(url(wave)))
    again = staff.submit(url(wave, "variables/DISTRICT/remove"), {}, page=url(wave))
    assert again.status_code == 404


# Settings ------------------------------------------------------------------------------------


def test_settings_are_saved(staff, wave):
    response = staff.submit(url(wave, "settings"), {"rule": "leave out", "cap": " 4.5 "})

    assert response.status_code == 302
    assert scheme(wave).not_known_rule is NotKnownRule.LEAVE_OUT
    assert scheme(wave).cap == 4.5
    page = text_of(staff.get(url(wave)))
    assert "The weighting settings are saved." in page
    assert "Cap on the weights 4.5 times the mean weight" in page
    assert "are left out of the weighted results" in page
    form = staff.get(url(wave, "settings")).get_data(as_text=True)
    assert re.search(r'name="cap"[^>]*value="4.5"', form)

    staff.submit(url(wave, "settings"), {"rule": "own category", "cap": ""})

    assert scheme(wave).cap is None
    assert scheme(wave).not_known_rule is NotKnownRule.OWN_CATEGORY


@pytest.mark.parametrize(
    "sent, message",
    [
        ({"rule": "own category", "cap": "1"}, "The cap must be more than 1 times the mean weight"),
        ({"rule": "own category", "cap": "0.5"}, "The cap must be more than 1 times the mean"),
        ({"rule": "own category", "cap": "five"}, "Enter the cap as a number, like 5"),
        ({"rule": "own category", "cap": "inf"}, "Enter the cap as a number, like 5"),
        ({"rule": "drop them", "cap": ""}, "Choose what weighting should do with residents"),
        ({"cap": "3"}, "Choose what weighting should do with residents"),
    ],
)
def test_bad_settings_are_refused_and_what_was_typed_is_kept(staff, wave, sent, message):
    response = staff.submit(url(wave, "settings"), sent)

    assert response.status_code == 400
    assert message in text_of(response)
    if sent.get("cap"):
        assert re.search(rf'name="cap"[^>]*value="{sent["cap"]}"', response.get_data(as_text=True))
    assert scheme(wave).cap is None


# Running the weighting -----------------------------------------------------------------------


@pytest.fixture
def weighted_wave():
    return closed_wave_with_responses("weighting-run", responses=400)


def test_uploaded_targets_weight_the_responses_and_the_overview_shows_the_diagnostics(staff):
    responded = closed_wave_with_responses("weighting-upload", responses=400, targets=False)
    assert "could not be weighted" in text_of(staff.get(url(responded)))

    assert upload(staff, responded, as_file(GOOD)).status_code == 302

    response = staff.get(url(responded))
    page = text_of(response)
    assert "Met the targets Yes" in page
    assert "Respondents weighted 400" in page
    assert re.search(r"Design effect \d\.\d\d", page)
    assert re.search(r"Effective sample size \d{3}", page)
    assert re.search(r"Smallest weight 0\.\d\d times the mean", page)
    assert re.search(r"Largest weight \d\.\d\d times the mean", page)
    assert "How the weighted responses fit the targets" in page
    # 58 of 400 respondents are 16 to 24 (14.5%); weighted, they are 12% like the population
    assert "AGE_BAND 16_24 58 14.5% 12.0% 12.0%" in page
    assert "How the weights are spread" in page
    assert "Weight, times the mean weight Respondents 0 to 0.25" in page  # the chart's table
    assert '<svg class="engage-chart__svg" role="img"' in response.get_data(as_text=True)


def test_the_run_button_stores_a_weight_for_each_weighted_respondent(staff, weighted_wave):
    response = staff.submit(url(weighted_wave, "run"), {}, page=url(weighted_wave))

    assert response.status_code == 302
    run = db.session.scalars(
        select(WeightingRun).where(WeightingRun.wave_id == weighted_wave.id)
    ).one()
    assert run.ran_by_id == staff.user.id
    weights = db.session.scalar(
        select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    )
    assert weights == run.diagnostics["respondents"] == 400
    assert "The wave is weighted: 400 respondents." in text_of(staff.get(url(weighted_wave)))


def test_respondents_who_did_not_say_keep_their_place_as_not_known_by_default(staff, weighted_wave):
    add_responses(weighted_wave, 5, AGE_BAND="PREFER_NOT", SEX="FEMALE", DISTRICT="STROUD")

    page = text_of(staff.get(url(weighted_wave)))

    assert "Respondents weighted 405" in page
    assert "AGE_BAND: 5" in page
    assert "AGE_BAND Not known 5 1.2% 1.2% 1.2%" in page  # their share of the sample


def test_respondents_who_did_not_say_are_left_out_under_that_rule(staff, weighted_wave):
    add_responses(weighted_wave, 5, AGE_BAND="PREFER_NOT", SEX="FEMALE", DISTRICT="STROUD")
    staff.submit(url(weighted_wave, "settings"), {"rule": "leave out", "cap": ""})

    staff.submit(url(weighted_wave, "run"), {}, page=url(weighted_wave))

    weights = db.session.scalar(
        select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    )
    assert weights == 400
    page = text_of(staff.get(url(weighted_wave)))
    assert "Respondents weighted 400" in page
    assert "Respondents left out 5" in page
    assert "AGE_BAND: 5" in page


def test_new_responses_make_the_overview_show_a_fresh_run(staff, weighted_wave):
    assert "Respondents weighted 400" in text_of(staff.get(url(weighted_wave)))
    first = db.session.scalars(select(WeightingRun.fingerprint)).one()

    add_responses(weighted_wave, 7, AGE_BAND="16_24", SEX="MALE", DISTRICT="COTSWOLD")

    assert "Respondents weighted 407" in text_of(staff.get(url(weighted_wave)))
    assert db.session.scalars(select(WeightingRun.fingerprint)).one() != first
    weights = select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    assert db.session.scalar(weights) == 407


def test_a_cap_shows_what_it_changed(staff, weighted_wave):
    add_responses(weighted_wave, 30, AGE_BAND="75_PLUS", SEX="MALE", DISTRICT="TEWKESBURY")
    staff.submit(url(weighted_wave, "settings"), {"rule": "own category", "cap": "1.5"})

    page = text_of(staff.get(url(weighted_wave)))

    assert "Weights are capped at 1.5 times the mean weight:" in page
    assert "What the cap changed Measure Without the cap With the cap" in page
    assert re.search(r"Largest weight \d\.\d\d times the mean \d\.\d\d times the mean", page)


def test_a_run_that_cannot_weight_says_why_and_what_to_do(staff):
    unweighted = closed_wave_with_responses("weighting-no-targets", responses=20, targets=False)

    response = staff.submit(url(unweighted, "run"), {}, page=url(unweighted))

    assert response.status_code == 302
    page = text_of(staff.get(url(unweighted)))
    assert "The wave could not be weighted: Give the population targets to weight to." in page
    assert "Change the variables, their categories, the settings or the targets above" in page
    assert db.session.scalar(select(func.count()).select_from(ResponseWeight)) == 0


# Tampering -----------------------------------------------------------------------------------

GARBAGE = {
    "question": "\x00" * 50,
    "from_wave": "1e309",
    "rule": ["own category", "leave out"],
    "cap": "nan",
    "source": "Census\x00 2021",
    "answer_0": "🙂" * 300,
    "answer_99": "extra",
    "file": "not a file",
}


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.mark.parametrize(
    "page",
    ["", "run", "variables", "variables/SEX", "variables/SEX/remove", "settings", "targets",
     "targets/copy", "variables/NO_SUCH/remove"],
)  # fmt: skip
def test_garbage_sent_to_any_weighting_page_gets_a_page_not_a_500(staff, wave, no_csrf, page):
    response = staff.post(url(wave, page), data=GARBAGE)

    assert response.status_code < 500, text_of(response)


def test_a_source_with_control_characters_is_refused(staff, wave):
    response = upload(staff, wave, as_file(GOOD), source="Census\x00 2021")

    assert response.status_code == 400
    assert "The source must be plain text" in text_of(response)
