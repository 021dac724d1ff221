"""The reference CSV files are checked before loading, each problem named by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engage.core.models import AreaKind
from engage.core.reference import DATA_DIR, FILES, ReferenceError, read_reference


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped files that a test can break one at a time."""
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def lines_in(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def problems(directory: Path) -> str:
    with pytest.raises(ReferenceError) as raised:
        read_reference(directory)
    return str(raised.value)


def test_the_shipped_files_are_consistent():
    reference = read_reference()

    kinds = [row["kind"] for row in reference.areas]
    assert kinds.count(AreaKind.COUNTY) == 1
    assert kinds.count(AreaKind.DISTRICT) == 6
    assert {row["number"] for row in reference.priorities} == {"1", "2", "3", "4", "5"}
    assert len({row["code"] for row in reference.agencies}) == len(reference.agencies)


def test_a_missing_column_is_named_with_its_file(data_dir):
    path = data_dir / "agencies.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(row.rsplit(",", 1)[0] for row in rows) + "\n", encoding="utf-8")

    assert problems(data_dir) == "agencies.csv: missing columns email"


def test_a_duplicate_code_is_named_with_its_file_and_line(data_dir):
    path = data_dir / "concern_categories.csv"
    append(path, "asb,Nuisance,Noise")

    assert problems(data_dir) == (
        f"concern_categories.csv line {lines_in(path)}: code asb appears twice"
    )


def test_a_parish_whose_parent_is_not_a_district_is_refused(data_dir):
    path = data_dir / "areas.csv"
    append(path, "hamlet,Hamlet,parish,charlton-kings,,")

    assert problems(data_dir) == (
        f"areas.csv line {lines_in(path)}: parent 'charlton-kings' is not a district"
    )


def test_an_unknown_kind_is_refused_with_the_allowed_ones(data_dir):
    path = data_dir / "areas.csv"
    append(path, "village,Village,hamlet,cotswold,,")

    message = problems(data_dir)

    assert message.startswith(f"areas.csv line {lines_in(path)}: kind 'hamlet' is not one of ")
    assert "county, district, parish" in message


def test_every_problem_is_listed_at_once(data_dir):
    append(data_dir / "areas.csv", "village,Village,hamlet,cotswold,,")
    append(data_dir / "plan_priorities.csv", "extra,two,Extra,")

    message = problems(data_dir)

    assert "areas.csv line" in message
    assert "plan_priorities.csv line 7: number 'two' is not a whole number" in message
