"""Survey results in a real browser: the public pages and the staff weighting and results
pages pass axe, and a resident can read a headline figure, its chart's table and open data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from engage.core.demo import DEMO_PASSWORD
from engage.extensions import db
from engage.surveys.demo import SURVEY_CODE
from engage.surveys.models import Survey, Wave
from engage.surveys.result_models import Indicator
from engage.surveys.result_services import live_publication
from tests.e2e.pages import LoginPage, expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_waves(live_app) -> dict[str, object]:
    """The demo tracker's latest published wave and its survey's first indicator."""
    with live_app.app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.code == SURVEY_CODE))
        published = [wave for wave in survey.waves if live_publication(wave.id) is not None]
        indicator = db.session.scalar(
            select(Indicator).where(Indicator.survey_id == survey.id).order_by(Indicator.position)
        )
        latest: Wave = published[-1]
        found = {
            "survey_id": survey.id,
            "wave_id": latest.id,
            "wave_code": latest.code,
            "published": len(published),
            "indicator_id": indicator.id,
        }
        db.session.remove()
    return found


def test_demo_publishes_three_waves_and_the_public_pages_are_accessible(
    page, demo_waves, assert_accessible
):
    assert demo_waves["published"] == 3
    code = demo_waves["wave_code"]
    for path in ("/surveys/results/", f"/surveys/results/{code}/"):
        response = page.goto(path)
        assert response and response.status == 200, path
        assert_accessible(page)
    page.goto(f"/surveys/results/{code}/")
    expect(page.get_by_role("heading", name="Headline figures")).to_be_visible()
    # The first trend chart is an image with a name, and the same numbers are in a table.
    title = page.locator("svg[role=img] title").first.text_content()
    assert title
    expect(page.get_by_role("img").first).to_have_accessible_name(re.compile(re.escape(title)))
    expect(page.locator("table").first).to_contain_text("%")

    page.get_by_role("link", name="How the survey was done").first.click()
    expect(page.get_by_text("design effect", exact=False).first).to_be_visible()

    response = page.goto(f"/surveys/results/{code}/questions/SAFE_DARK")
    assert response and response.status == 200
    assert_accessible(page)
    expect(page.get_by_role("table", name=re.compile("Cheltenham"))).to_have_count(1)


def test_open_data_json_is_public_and_carries_no_personal_data(page, demo_waves):
    response = page.goto(f"/surveys/results/{demo_waves['wave_code']}/data.json")
    assert response and response.status == 200
    document = json.loads(response.text())
    assert document["schema_version"]
    codes = {table["code"] for table in document["tables"]}
    assert "SAFE_DARK" in codes and "COMMENTS" not in codes  # free text is never published
    rows = [row for table in document["tables"] for row in table["rows"]]
    assert rows and all("respondents" not in row and "unweighted" not in row for row in rows)


def test_staff_results_and_weighting_pages_are_accessible(page, demo_waves, assert_accessible):
    LoginPage(page).open().sign_in("staff@example.org", DEMO_PASSWORD)
    wave = demo_waves["wave_id"]
    pages = [
        f"/surveys/manage/waves/{wave}/weighting",
        f"/surveys/manage/waves/{wave}/weighting/targets",
        f"/surveys/manage/waves/{wave}/weighting/settings",
        f"/surveys/manage/waves/{wave}/weighting/variables/AGE_BAND",
        f"/surveys/manage/waves/{wave}/results",
        f"/surveys/manage/waves/{wave}/results/questions/PRIORITY_CRIMES",
        f"/surveys/manage/waves/{wave}/results/questions/YEARS_IN_AREA",
        f"/surveys/manage/surveys/{demo_waves['survey_id']}/indicators",
        f"/surveys/manage/indicators/{demo_waves['indicator_id']}/benchmark",
    ]
    for path in pages:
        response = page.goto(path)
        assert response and response.status == 200, f"{path}: {response and response.status}"
        assert_accessible(page)
    page.goto(f"/surveys/manage/waves/{wave}/weighting")
    expect(page.get_by_text("Design effect").first).to_be_visible()
