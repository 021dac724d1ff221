"""Reminders: one digest per person, overdue first and most overdue at the top."""

from __future__ import annotations

from datetime import date

from engage.concerns.reminders import DueItem, digests


def item(to: str, reference: str, overdue_by: int, day: int) -> DueItem:
    return DueItem(to, to.split("@")[0], reference, "response", date(2026, 3, day), overdue_by)


def test_each_person_gets_one_digest_with_overdue_items_first():
    found = digests(
        [
            item("sam@example.org", "C-2026-00003", 0, 20),
            item("pat@example.org", "C-2026-00001", 4, 2),
            item("sam@example.org", "C-2026-00002", 1, 16),
            item("sam@example.org", "C-2026-00004", 6, 9),
        ]
    )
    assert [digest.to for digest in found] == ["pat@example.org", "sam@example.org"]
    sam = found[1]
    assert [i.reference for i in sam.overdue] == ["C-2026-00004", "C-2026-00002"]
    assert [i.reference for i in sam.due_soon] == ["C-2026-00003"]
    assert sam.subject == "Concerns: 2 overdue and 1 due soon"
    assert found[0].subject == "Concerns: 1 overdue"


def test_nothing_due_means_no_digest():
    assert digests([]) == []
