"""Print how fast a big wave's results dashboard renders: cold, cached, and after a change.

Usage: .venv/bin/python benchmarks/results.py [responses] [repetitions]
Builds a throwaway SQLite database (or uses ENGAGE_BENCH_DATABASE_URL, e.g. an empty
PostgreSQL database) with a closed wave of 20,000 responses to 40 questions (the bank's 30 and
10 more agreement questions) and population targets, signs in as the demo staff member and
times the staff results dashboard through the WSGI app in-process:
- cold: the first request, which loads every answer, rakes, tabulates every question overall
  and by district, and stores the weights and tables;
- cached: the same page again (p50 and p95);
- after a change: one more complete response arrives, so the next request must recompute
  (and the page must count it).
Goals (issue 6): cold under 2 s, cached under 200 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

EXTRA_QUESTIONS = 10


def build_wave(responses: int):
    """A closed wave of `responses` complete random responses to 40 questions, with targets."""
    from sqlalchemy import insert

    from engage.extensions import db
    from engage.surveys.demo import POPULATION_TARGETS
    from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus
    from engage.surveys.questions import QuestionSpec, QuestionType, standard_options
    from engage.surveys.services import create_survey_from_bank, create_wave, question_from_spec
    from engage.surveys.targets import template_csv
    from engage.surveys.weighting_services import upload_targets

    survey = create_survey_from_bank("bench-results", "Benchmark survey")
    version = survey.versions[-1]
    for number in range(1, EXTRA_QUESTIONS + 1):
        spec = QuestionSpec(
            code=f"EXTRA_{number:02d}",
            type=QuestionType.AGREEMENT,
            text=f"Extra statement {number}",
            options=standard_options(QuestionType.AGREEMENT),
        )
        version.questions.append(question_from_spec(spec, len(version.questions) + 1))
    db.session.commit()
    today = date.today()
    wave = create_wave(
        survey,
        code="bench-results-wave",
        title="Benchmark wave",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=1),
    )
    rng = random.Random(1)
    questions = list(version.questions)
    ids = db.session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True),
        [
            {
                "wave_id": wave.id,
                "mode": ResponseMode.ONLINE,
                "status": ResponseStatus.COMPLETE,
                "token": f"bench-{number}",
                "started_on": today - timedelta(days=30),
            }
            for number in range(responses)
        ],
    ).all()
    rows = []
    for response_id in ids:
        for question in questions:
            codes = [option.code for option in question.options if option.code != "PREFER_NOT"]
            if question.type is QuestionType.TEXT:
                continue
            if question.type in (QuestionType.NUMBER, QuestionType.RATING):
                value = float(rng.randint(question.min_value or 0, question.max_value or 40))
                rows.append(
                    {"response_id": response_id, "question_id": question.id, "number": value}
                )
            elif question.type is QuestionType.MULTIPLE:
                for code in rng.sample(codes[:-1], 2):
                    rows.append(
                        {
                            "response_id": response_id,
                            "question_id": question.id,
                            "option_code": code,
                        }
                    )
            else:
                rows.append(
                    {
                        "response_id": response_id,
                        "question_id": question.id,
                        "option_code": rng.choice(codes),
                    }
                )
    db.session.execute(insert(Answer), rows)
    db.session.commit()
    adults = 530_000
    totals = {
        variable: {category: round(share * adults) for category, share in shares.items()}
        for variable, shares in POPULATION_TARGETS.items()
    }
    expected = {variable: list(categories) for variable, categories in totals.items()}
    upload_targets(wave.id, template_csv(expected, totals).encode(), "Benchmark figures")
    return wave.id, len(rows)


def add_response(wave_id: int) -> None:
    """One more complete response (answering only the weighting questions)."""
    from engage.extensions import db
    from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus, Wave

    wave = db.session.get(Wave, wave_id)
    codes = {"AGE_BAND": "45_54", "SEX": "FEMALE", "DISTRICT": "STROUD"}
    response = Response(
        wave=wave,
        mode=ResponseMode.PAPER,
        status=ResponseStatus.COMPLETE,
        token="bench-extra",
        started_on=wave.opens_on,
    )
    response.answers = [
        Answer(question=question, option_code=codes[question.code])
        for question in wave.version.questions
        if question.code in codes
    ]
    db.session.add(response)
    db.session.commit()


def timed_get(client, url: str) -> tuple[float, str]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response.get_data(as_text=True)


def main(responses: int, repetitions: int) -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("ENGAGE_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    os.environ.update(ENGAGE_ENV="development", ENGAGE_DATABASE_URL=url)
    from engage import create_app

    app = create_app()
    app.test_cli_runner().invoke(args=["engage", "prepare"])
    with app.app_context():
        from engage.core.demo import load_demo

        load_demo("development")
        start = time.perf_counter()
        wave_id, answers = build_wave(responses)
        print(
            f"built {responses:,} responses, {answers:,} answers to 40 questions "
            f"in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})"
        )
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": "staff@example.org", "password": "engage-demo", "csrf_token": token},
    )
    dashboard = f"/surveys/manage/waves/{wave_id}/results"
    cold, _ = timed_get(client, dashboard)
    cached = [timed_get(client, dashboard)[0] for _ in range(repetitions)]
    with app.app_context():
        add_response(wave_id)
    after_change, text = timed_get(client, dashboard)
    counted = f"{responses + 1:,}" in text
    p95 = statistics.quantiles(cached, n=20)[18]
    print(f"{'dashboard':<36}{'ms':>10}")
    print(f"{'cold (first request)':<36}{cold:10.0f}")
    print(f"{'cached p50':<36}{statistics.median(cached):10.1f}")
    print(f"{'cached p95':<36}{p95:10.1f}")
    print(f"{'after one more response (recompute)':<36}{after_change:10.0f}")
    print(f"the page counts the new response: {'yes' if counted else 'NO'}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 20_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 20,
    )
