"""Conversion between ``datetime.timedelta`` and Google's JSON duration strings.

``google.protobuf.Duration`` is written in JSON as seconds with an ``s`` suffix and up
to nine fractional digits (``"3.5s"``, ``"-0.000000001s"``), not ISO 8601. Generated
types keep the wire string (lossless); these helpers convert at the edges.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

_DURATION = re.compile(r"^(-)?(\d+)(?:\.(\d{1,9}))?s$")


def parse_duration(text: str) -> datetime.timedelta:
    """``"3.5s"`` -> ``timedelta(seconds=3.5)``; digits beyond microseconds are rounded.

    Raises:
        ValueError: ``text`` is not a JSON duration; the message names it.
    """
    m = _DURATION.match(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"not a duration like '3.5s': {text!r}")
    sign, secs, frac = m.groups()
    value = Decimal(secs) + (Decimal("0." + frac) if frac else 0)
    delta = datetime.timedelta(seconds=float(value))
    return -delta if sign else delta


def format_duration(value: datetime.timedelta | float | int) -> str:
    """``timedelta(minutes=5)`` or ``300`` -> ``"300s"``; ``3.5`` -> ``"3.5s"``."""
    if isinstance(value, datetime.timedelta):
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        seconds = Decimal(micros) / Decimal(1_000_000)
    else:
        seconds = Decimal(str(value))
    text = format(seconds.normalize(), "f")
    return f"{text}s"
