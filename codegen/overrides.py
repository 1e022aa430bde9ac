"""The one place where the generator may treat a Discovery element specially.

Keyed by Discovery id (method id or schema id); each entry says why. Build logic never
tests an API's names itself: when a document needs a special case, it goes here, with a
reason and a test. The table is empty today: every trait (streaming, pagination,
long-running operations, media upload) is derived from the documents alone.
"""

from __future__ import annotations

#: method id -> {"trait": value, "reason": "..."}
METHOD_OVERRIDES: dict[str, dict[str, object]] = {}
