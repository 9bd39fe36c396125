"""RFC 3339 timestamps as Step Functions reads them (Wait Timestamp, TimestampPath, Choice)."""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import datetime, timedelta, timezone

# AWS wants the ISO-8601 extended offset form: a 'T' separator, seconds, and 'Z' or an offset.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))")


def parse_timestamp(text: str) -> datetime | None:
    """An aware datetime, or None when ``text`` is not an RFC 3339 timestamp."""
    if not isinstance(text, str):
        return None
    m = _RFC3339.fullmatch(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction = m.group(7) or ""
    micro = int((fraction + "000000")[:6]) if fraction else 0
    if m.group(8):
        tz = timezone.utc
    else:
        sign = 1 if m.group(9) == "+" else -1
        offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        if offset >= timedelta(hours=24):
            return None
        tz = timezone(sign * offset)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return None


def epoch_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


@lru_cache(maxsize=4096)  # virtual time has few distinct instants; history formats each often
def iso_ms(ms: int) -> str:
    """Epoch milliseconds as AWS prints times in the Context object: 2024-01-01T00:00:00.000Z."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
