"""A fixed sample of the corpus, chosen for its constructs, checked on every `make test`.

Each document is here for what it exercises (``make test-corpus`` checks all of them).
The sample is checked once per session by two worker processes; each document's test
then reports its own stages.
"""

from __future__ import annotations

import pytest

from . import wheel
from .check import STAGES, Result
from .run import run

#: document -> why it is in the sample
SAMPLE = {
    "compute.v1.json": "aggregatedList: a map of item lists; servicePath; 1,000 methods",
    "drive.v3.json": "uploads under a servicePath; media download service; PATCH upload",
    "storage.v1.json": "uploads and alt=media downloads under a servicePath",
    "youtube.v3.json": "captions.download: media without a response schema; PUT upload",
    "bigquery.v2.json": "top-level any (JsonValue) and map (JsonObject) schemas",
    "identitytoolkit.v3.json": "a top-level map schema as a method's response",
    "identitytoolkit.v1.json": "methods named like their sub-resources (accounts)",
    "oauth2.v2.json": "methods at the top level of the document",
    "analytics.v3.json": "mediaUpload.maxSize 1GB; path patterns such as UA-\\d+-\\d+",
    "toolresults.v1beta3.json": "a schema named Any",
    "cloudbilling.v1beta.json": "a schema named Struct",
    "admin.directory_v1.json": "a top-level map schema (UserCustomProperties); version name",
    "aiplatform.v1.json": "a method and a sub-resource with one name; media download service",
    "translate.v2.json": "a top-level array schema (DetectionsResource)",
    "doubleclicksearch.v2.json": "ReportRow map schema; media without a response schema",
    "apigee.v1.json": "attributes/keys.create: methods named like sub-resources",
    "dfareporting.v3.3.json": "a dotted version (v3.3); media download",
    "adexchangebuyer.v1.2.json": "a dotted version (v1.2); date-time fields",
    "calendar.v3.json": "Events: items beside defaultReminders (the `items` rule)",
    "connectors.v2.json": "google.protobuf.Value; a metadata map beside the items",
    "gmail.v1.json": "uploads accepting message/* only",
    "discovery.v1.json": "the Discovery service itself: media download service",
}


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    try:
        paths = wheel.documents()
    except wheel.CorpusError as exc:
        pytest.fail(str(exc))
    chosen = [p for p in paths if p.name in SAMPLE]
    assert sorted(p.name for p in chosen) == sorted(SAMPLE), "a sample document is missing"
    return {r.document: r for r in run(chosen)}


@pytest.mark.parametrize("document", sorted(SAMPLE))
def test_document_passes_every_stage(results: dict[str, Result], document: str) -> None:
    result = results[document]
    failed = {stage: result.stages.get(stage, ["not reached"]) for stage in STAGES}
    assert {s: c for s, c in failed.items() if c} == {}, f"{document} ({SAMPLE[document]})"
    assert result.schemas > 0 or document == "oauth2.v2.json"
    assert result.calls > 0
