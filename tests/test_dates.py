"""Dates as people type them (dd/mm/yyyy, 24-hour time), on every form and filter, whatever the
browser's language: the parsing rules and what the pages show back."""
from datetime import date, datetime

import pytest

from app.dates import DateFormatError, date_text, parse_date, parse_datetime


@pytest.mark.parametrize("typed,expected", [
    ("10/04/2024", date(2024, 4, 10)), ("1/4/2024", date(2024, 4, 1)), (" 01-04-2024 ", date(2024, 4, 1)),
    ("1.4.2024", date(2024, 4, 1)), ("2024-04-10", date(2024, 4, 10)), ("", None), (None, None),
])
def test_dates_are_read_day_first(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed,words", [
    ("31/04/2024", "không có trên lịch"), ("04/31/2024", "không có trên lịch"), ("10 tháng 4", "dd/mm/yyyy"),
    ("2024/04/10", "dd/mm/yyyy"),
])
def test_anything_else_is_refused_in_vietnamese(typed, words):
    with pytest.raises(DateFormatError, match=words):
        parse_date(typed, "Thời hạn")


def test_moments_are_24_hour_and_shown_back_day_first():
    assert parse_datetime("10/04/2024 14:30") == datetime(2024, 4, 10, 14, 30)
    assert parse_datetime("10/04/2024 9h05") == datetime(2024, 4, 10, 9, 5)
    assert parse_datetime("10/04/2024") == datetime(2024, 4, 10, 0, 0)
    assert parse_datetime("2024-04-10T08:30") == datetime(2024, 4, 10, 8, 30)
    with pytest.raises(DateFormatError, match="24 giờ"):
        parse_datetime("10/04/2024 2:30 PM")
    assert date_text(date(2024, 4, 10)) == date_text("2024-04-10") == "10/04/2024"
    assert date_text("hôm qua") == "hôm qua"  # shown back as typed, to be corrected
