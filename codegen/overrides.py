"""The one place where the generator may treat a Discovery element specially.

Keyed by Discovery id (method id or schema id); each entry says why. Build logic never
tests an API's names itself: when a document needs a special case, it goes here, with a
reason and a test. The table is empty today: every trait (streaming, pagination,
long-running operations, media upload) is derived from the documents alone.

``SCHEMA_PATCHES`` adds properties that the service accepts but a document omits. A
patch applies only while the schema exists and lacks the property, so a revision that
documents the property itself wins; each application is reported as a warning.
"""

from __future__ import annotations

#: method id -> {"trait": value, "reason": "..."}
METHOD_OVERRIDES: dict[str, dict[str, object]] = {}

#: schema id -> (property name -> Discovery property, reason)
SCHEMA_PATCHES: dict[str, tuple[dict[str, dict], str]] = {
    "FunctionResponsePart": (
        {
            "fileData": {
                "$ref": "FileData",
                "description": "URI based data (added by codegen/overrides.py: the service "
                "accepts it, the document omits it).",
            }
        },
        "The service accepts `fileData` in function-response parts (recorded real "
        "traffic, crmne/ruby_llm fixtures, answered 200), but no v1beta revision up to "
        "20260821 documents it; without it such a request cannot be expressed.",
    ),
}
