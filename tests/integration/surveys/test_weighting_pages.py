"""Staff set up a wave's weighting: the pages, the variables and their categories, the rule and
the cap. Targets are in test_weighting_targets, running the weighting in test_weighting_runs."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.result_models import WeightingScheme
from engage.surveys.weighting_inputs import NotKnownRule
from tests.factories import TARGET_TOTALS
from tests.reading import text_of

SOURCE = "ONS Census 2021, table TS007A"


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


def stored_targets(wave) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for target in scheme(wave).targets:
        found.setdefault(target.variable, {})[target.category] = target.total
    return found


GOOD = target_rows()


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
def test_each_weighting_page_renders_for_staff(staff, new_wave, page, heading):
    response = staff.get(url(new_wave, page))

    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in shown
    assert f"<title>{heading} \N{EN DASH} {new_wave.title} \N{EN DASH} " in shown


def test_a_new_wave_is_weighted_by_age_sex_and_district_and_says_what_is_missing(staff, new_wave):
    page = text_of(staff.get(url(new_wave)))

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


# Variables and their categories --------------------------------------------------------------


def test_two_answers_in_one_category_change_the_categories_the_template_expects(staff, new_wave):
    typed = {f"answer_{index}": code for index, code in enumerate(TARGET_TOTALS["AGE_BAND"])}
    typed |= {"answer_5": "65_PLUS", "answer_6": "65_PLUS", "answer_7": ""}

    response = staff.submit(url(new_wave, "variables/AGE_BAND"), typed)

    assert response.status_code == 302
    template = staff.get(url(new_wave, "targets.csv")).get_data(as_text=True).splitlines()
    assert "AGE_BAND,65_PLUS," in template
    assert "AGE_BAND,65_74," not in template and "AGE_BAND,75_PLUS," not in template
    page = text_of(staff.get(url(new_wave)))
    assert "The categories of AGE_BAND are saved. Upload targets for its categories" in page
    assert "65_PLUS : 65 to 74, 75 or over" in page


def test_the_categories_form_shows_the_mapping_in_use(staff, new_wave):
    page = staff.get(url(new_wave, "variables/SEX")).get_data(as_text=True)

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
def test_bad_categories_are_refused_and_what_was_typed_is_kept(staff, new_wave, typed, message):
    sent = {"answer_0": "FEMALE", "answer_1": "MALE", "answer_2": ""} | typed

    response = staff.submit(url(new_wave, "variables/SEX"), sent)

    assert response.status_code == 400
    assert message in text_of(response)
    for name, value in sent.items():
        assert re.search(
            rf'name="{name}"[^>]*value="{re.escape(value)}"', response.get_data(as_text=True)
        )
    assert scheme(new_wave).variables[1]["categories"]["FEMALE"] == "FEMALE"


@pytest.mark.parametrize("code", ["SAFE_DARK", "NO_SUCH_QUESTION"])
def test_the_categories_of_a_question_the_wave_is_not_weighted_by_are_not_found(
    staff, new_wave, code
):
    assert staff.get(url(new_wave, f"variables/{code}")).status_code == 404


def test_a_variable_is_added_with_each_answer_its_own_category(staff, new_wave):
    response = staff.submit(
        url(new_wave, "variables"), {"question": "SAFE_DARK"}, page=url(new_wave)
    )

    assert response.status_code == 302
    added = scheme(new_wave).variables[-1]
    assert added["question"] == "SAFE_DARK"
    assert added["categories"]["VERY_SAFE"] == "VERY_SAFE"
    assert added["categories"]["DONT_KNOW"] is None
    page = text_of(staff.get(url(new_wave)))
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
def test_a_variable_that_cannot_weight_is_refused(staff, new_wave, question, message):
    response = staff.submit(url(new_wave, "variables"), {"question": question}, page=url(new_wave))

    assert response.status_code == 400
    assert message in text_of(response)
    assert len(scheme(new_wave).variables) == 3


def test_removing_a_variable_drops_it_and_its_targets(staff, new_wave):
    upload(staff, new_wave, as_file(GOOD))

    response = staff.submit(url(new_wave, "variables/DISTRICT/remove"), {}, page=url(new_wave))

    assert response.status_code == 302
    assert [variable["question"] for variable in scheme(new_wave).variables] == ["AGE_BAND", "SEX"]
    assert "DISTRICT" not in stored_targets(new_wave)
    assert "The wave is no longer weighted by DISTRICT" in text_of(staff.get(url(new_wave)))
    again = staff.submit(url(new_wave, "variables/DISTRICT/remove"), {}, page=url(new_wave))
    assert again.status_code == 404


# Settings ------------------------------------------------------------------------------------


def test_settings_are_saved(staff, new_wave):
    response = staff.submit(url(new_wave, "settings"), {"rule": "leave out", "cap": " 4.5 "})

    assert response.status_code == 302
    assert scheme(new_wave).not_known_rule is NotKnownRule.LEAVE_OUT
    assert scheme(new_wave).cap == 4.5
    page = text_of(staff.get(url(new_wave)))
    assert "The weighting settings are saved." in page
    assert "Cap on the weights 4.5 times the mean weight" in page
    assert "are left out of the weighted results" in page
    form = staff.get(url(new_wave, "settings")).get_data(as_text=True)
    assert re.search(r'name="cap"[^>]*value="4.5"', form)

    staff.submit(url(new_wave, "settings"), {"rule": "own category", "cap": ""})

    assert scheme(new_wave).cap is None
    assert scheme(new_wave).not_known_rule is NotKnownRule.OWN_CATEGORY


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
def test_bad_settings_are_refused_and_what_was_typed_is_kept(staff, new_wave, sent, message):
    response = staff.submit(url(new_wave, "settings"), sent)

    assert response.status_code == 400
    assert message in text_of(response)
    if sent.get("cap"):
        assert re.search(rf'name="cap"[^>]*value="{sent["cap"]}"', response.get_data(as_text=True))
    assert scheme(new_wave).cap is None


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
def test_garbage_sent_to_any_weighting_page_gets_a_page_not_a_500(staff, new_wave, no_csrf, page):
    response = staff.post(url(new_wave, page), data=GARBAGE)

    assert response.status_code < 500, text_of(response)


def test_a_source_with_control_characters_is_refused(staff, new_wave):
    response = upload(staff, new_wave, as_file(GOOD), source="Census\x00 2021")

    assert response.status_code == 400
    assert "The source must be plain text" in text_of(response)
