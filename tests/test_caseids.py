"""Case and journal numbers: each scheme recognised, labels read, and nothing that only looks like one."""

from __future__ import annotations

import pytest

from referat.vocab.caseids import find_case_ids, parse_case_id


@pytest.mark.parametrize(("text", "value", "scheme"), [
    ("01.11.20-A26-2-22", "01.11.20-A26-2-22", "kle"),
    ("Sagsnr.: 2012-28504", "2012-28504", "year-serial"),
    ("Sagsnr. 12/27845", "12/27845", "acadre"),
    ("EMN-2025-003383", "EMN-2025-003383", "prefixed-year-serial"),
    ("21-014439", "21-014439", "short-year-serial"),
    ("J.nr.: MDR-2016-02836", "MDR-2016-02836", "prefixed-year-serial"),
])
def test_schemes(text: str, value: str, scheme: str) -> None:
    case = parse_case_id(text)
    assert case is not None and (case.value, case.scheme) == (value, scheme)


@pytest.mark.parametrize("text", ["Sagsnr.:", "Sagsnr. :", "Journalnr.", "04-12-2012", "Budget 2013"])
def test_a_label_without_a_number_or_a_date_is_no_case_id(text: str) -> None:
    assert parse_case_id(text) is None


def test_dates_and_long_numbers_give_no_short_year_serials() -> None:
    assert find_case_ids("Mødet 04-12-2012 om sag 21-014439, tlf. 12-345678-9") == ["21-014439"]
