"""Inputs the fuzzer found that once crashed a parser with something other than its own error.

A crash there was a server error (500) for the person uploading the file instead of a message
saying what is wrong with it. Each input stays as a regression test. A newly found one is added
as ``xfail(strict=True)`` until its parser is fixed, so that the fix fails the run and the mark is
removed.
"""

from __future__ import annotations

import pytest

from tests.security import targets


def test_participant_list_with_a_bare_carriage_return_is_read_or_refused_with_a_message():
    # Found by the fuzzer and fixed: csv.Error no longer escapes the participant list reader.
    targets.people_csv(b"a,b\r\nc\rd,e")


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([(4, 3, 0), (0, 637594, 21)], id="damaged-xml"),
        pytest.param([(4, 6, 0), (3, 943328, 193)], id="missing-cell-style"),
    ],
)
def test_participant_list_with_a_damaged_sheet_is_refused_with_a_message(edits):
    # Found by the fuzzer and fixed: damage inside a lazily read sheet is the file's problem.
    targets.people_xlsx(targets.mutate(targets.seeds("people_xlsx")[0], edits))


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([(4, 3, 0), (0, 637594, 21)], id="bad-attribute-type"),
        pytest.param([(4, 3, 0), (1, 848203, 176), (2, 962869, 137), (0, 804655, 66)], id="cut"),
    ],
)
def test_kobo_export_with_a_damaged_sheet_is_refused_with_a_message(edits):
    # Found by the fuzzer and fixed: the damage is reported as the file's problem.
    targets.kobo_xlsx(targets.mutate(targets.seeds("kobo_xlsx")[0], edits))
