"""Every log record of every logger, as text: to prove that no credential is logged."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator


class Records(logging.Handler):
    """The text of every record: message, arguments and any traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.texts.append(repr(record.args))
        if record.exc_info:
            self.texts.append("".join(traceback.format_exception(*record.exc_info)))


@contextlib.contextmanager
def all_records() -> Iterator[Records]:
    """Capture every record of every logger at DEBUG (httpx and httpcore included)."""
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
