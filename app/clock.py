"""One place that says what time it is, so tests can move the clock.

Times are stored as naive UTC in the database and shown in Vietnam time.
"""
from datetime import UTC, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_vietnam(value: datetime) -> datetime:
    """Return a stored naive-UTC datetime converted to Vietnam time (UTC+7)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VN_TZ)


def from_vietnam(value: datetime) -> datetime:
    """Return a Vietnam wall-clock time (naive, or aware in any zone) as naive UTC (the storage convention)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(UTC).replace(tzinfo=None)
