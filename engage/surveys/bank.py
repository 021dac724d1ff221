"""The question bank: standard questions, written for Engage, in engage/surveys/bank/*.json.

Each question keeps its code in every survey built from the bank, so a code means the same in
every wave and in every survey that reuses it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from engage.surveys.questions import Option, QuestionSpec, QuestionType, standard_options

BANK_DIR = Path(__file__).resolve().parent / "bank"


@cache
def question_bank(name: str = "perception") -> tuple[QuestionSpec, ...]:
    """The bank's questions, in the order a survey would ask them."""
    data = json.loads((BANK_DIR / f"{name}.json").read_text(encoding="utf-8"))
    questions = []
    for entry in data["questions"]:
        question_type = QuestionType(entry["type"])
        options = tuple(
            Option(option["code"], option["label"], option.get("exclusive", False))
            for option in entry.get("options", [])
        ) or standard_options(question_type)
        questions.append(
            QuestionSpec(
                code=entry["code"],
                type=question_type,
                text=entry["text"],
                hint=entry.get("hint", ""),
                required=entry.get("required", True),
                options=options,
                min_value=entry.get("min_value"),
                max_value=entry.get("max_value"),
                max_choices=entry.get("max_choices"),
                ask_if_code=entry.get("ask_if_code"),
                ask_if_answers=tuple(entry.get("ask_if_answers", ())),
                section=entry.get("section", ""),
            )
        )
    return tuple(questions)


def bank_question(code: str, name: str = "perception") -> QuestionSpec:
    """One question of the bank by its code."""
    for spec in question_bank(name):
        if spec.code == code:
            return spec
    raise KeyError(code)
