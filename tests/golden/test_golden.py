"""Golden tests: each fixture's generated files must match expected/<case>/ byte for byte.

Per case the test compares the file set, then the bytes, then imports the expected
package from a temporary directory and decodes a sample JSON into one of its types.
When a change to the output is intended, run `make update-goldens` and review the diff.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import inspect
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from codegen.ir import Version
from codegen.pipeline import generate_document
from generativelanguage.runtime import errors, structs
from generativelanguage.runtime.options import CallOptions
from generativelanguage.runtime.spec import is_terminal

from . import mixins
from .update import EXPECTED, EXTENSIONS, FIXTURES, cases, expected_files

CASES = cases()
UPDATE_HINT = "if the change is intended, run `make update-goldens` and review the diff"


@functools.cache
def _generate(case: str) -> tuple[dict[str, str], Version]:
    data = (FIXTURES / f"{case}.json").read_bytes()
    return generate_document(data, f"{case}.json", format=True, extensions_dir=EXTENSIONS)


def generated(case: str) -> dict[str, str]:
    return _generate(case)[0]


def version_of(case: str) -> Version:
    return _generate(case)[1]


# -- file set and bytes ----------------------------------------------------------------


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 24


def test_every_expected_folder_has_a_fixture() -> None:
    folders = sorted(p.name for p in EXPECTED.iterdir() if p.is_dir())
    assert folders == CASES, f"expected/ and fixtures/ disagree; {UPDATE_HINT}"


@pytest.mark.parametrize("case", CASES)
def test_fixture_uses_its_own_package_version(case: str) -> None:
    # Distinct versions let every case's package be imported in one process.
    assert version_of(case).package == f"generativelanguage.v1golden_{case}"


@pytest.mark.parametrize("case", CASES)
def test_file_set(case: str) -> None:
    produced, stored = sorted(generated(case)), sorted(expected_files(case))
    assert produced == stored, (
        f"{case}: the generator produces {produced}, expected/{case}/ holds {stored}; "
        + UPDATE_HINT
    )


@pytest.mark.parametrize("case", CASES)
def test_bytes(case: str) -> None:
    produced, stored = generated(case), expected_files(case)
    differing = sorted(p for p in produced.keys() & stored.keys() if produced[p] != stored[p])
    if differing:
        first = differing[0]
        diff = difflib.unified_diff(
            stored[first].splitlines(keepends=True),
            produced[first].splitlines(keepends=True),
            f"expected/{case}/{first}",
            f"generated {first}",
        )
        excerpt = "".join(list(diff)[:60])
        pytest.fail(f"{case}: generated output differs in {differing}; {UPDATE_HINT}\n{excerpt}")


@pytest.mark.parametrize("case", CASES)
def test_generation_is_deterministic(case: str) -> None:
    data = (FIXTURES / f"{case}.json").read_bytes()
    again, _ = generate_document(data, f"{case}.json", format=True, extensions_dir=EXTENSIONS)
    assert again == generated(case)


# -- importing the output --------------------------------------------------------------


def _decode(tp: type, sample: dict) -> object:
    return structs.decode(tp, json.dumps(sample).encode())


def _wire(value: object) -> dict:
    return json.loads(structs.encode(value))


def check_keyword_field(g: SimpleNamespace, version: Version) -> None:
    sample = {"class": "c", "for": "7", "str": "s", "title": "t"}
    thing = _decode(g.types.Thing, sample)
    assert (thing.class_, thing.for_, thing.str_, thing.title) == ("c", 7, "s", "t")
    assert _wire(thing) == {"class": "c", "for": 7, "str": "s", "title": "t"}


def check_nested_anonymous_object(g: SimpleNamespace, version: Version) -> None:
    sample = {
        "innerConfig": {"depth": 2, "leaf": {"value": "v"}},
        "entries": [{"label": "a", "weight": 0.5}, {"label": "b"}],
    }
    outer = _decode(g.types.Outer, sample)
    assert isinstance(outer.inner_config, g.types.OuterInnerConfig)
    assert outer.inner_config.leaf == g.types.OuterInnerConfigLeaf(value="v")
    assert outer.entries == [
        g.types.OuterEntriesItem(label="a", weight=0.5),
        g.types.OuterEntriesItem(label="b"),
    ]
    assert _wire(outer) == sample


def check_paginated_list(g: SimpleNamespace, version: Version) -> None:
    sample = {"tunedModels": [{"name": "tunedModels/a", "displayName": "A"}], "nextPageToken": "p2"}
    page = _decode(g.types.ListTunedModelsResponse, sample)
    assert page.tuned_models == [g.types.TunedModel(name="tunedModels/a", display_name="A")]
    assert page.next_page_token == "p2"
    assert g.resources._TUNED_MODELS_LIST.items_field == "tuned_models"


def check_long_running_operation(g: SimpleNamespace, version: Version) -> None:
    sample = {
        "name": "tunedModels/x/operations/y",
        "done": True,
        "response": {"@type": "type.googleapis.com/google.ai.TunedModel", "displayName": "x"},
        "error": {"code": 3, "message": "bad", "details": [{"@type": "t", "reason": "r"}]},
    }
    op = _decode(g.types.Operation, sample)
    assert op.done is True
    assert op.response == sample["response"]
    assert op.error == g.types.Status(
        code=3, message="bad", details=[{"@type": "t", "reason": "r"}]
    )
    assert g.resources._TUNED_MODELS_CREATE.long_running is True


def check_sse_stream(g: SimpleNamespace, version: Version) -> None:
    chunk = _decode(
        g.types.GenerateContentResponse, {"text": "Hi", "usageMetadata": {"totalTokenCount": 3}}
    )
    assert chunk.text == "Hi"
    assert chunk.usage_metadata == g.types.GenerateContentResponseUsageMetadata(total_token_count=3)
    assert g.resources._MODELS_STREAM_GENERATE_CONTENT.streaming is True
    assert g.resources._MODELS_GENERATE_CONTENT.streaming is False


def check_media_upload(g: SimpleNamespace, version: Version) -> None:
    sample = {
        "file": {
            "name": "files/abc",
            "mimeType": "text/plain",
            "sizeBytes": "2147483648",
            "createTime": "2025-01-01T00:00:00.123456789Z",
            "sha256Hash": "3q2+7w==",
        }
    }
    file = _decode(g.types.CreateFileResponse, sample).file
    assert (file.size_bytes, file.sha256_hash) == (2147483648, b"\xde\xad\xbe\xef")
    assert file.create_time.tzinfo is not None
    assert g.resources._MEDIA_UPLOAD.upload == {
        "simple": "/upload/v1golden/files",
        "resumable": "/resumable/upload/v1golden/files",
        "max_size": 2147483648,
        "accept": ("*/*",),
    }


def check_parameter_clash(g: SimpleNamespace, version: Version) -> None:
    params = inspect.signature(g.resources.ThingsResource.get).parameters
    assert list(params)[:3] == ["self", "thing_name", "thing_name_query"]
    assert _decode(g.types.Thing, {"name": "things/a"}) == g.types.Thing(name="things/a")


def check_dangling_ref(g: SimpleNamespace, version: Version) -> None:
    for value in ("MEDIA_RESOLUTION_HIGH", {"level": 2}, None):
        config = _decode(g.types.GenerationConfig, {"mediaResolution": value, "temperature": 0.5})
        assert config.media_resolution == value
    place = "schemas.GenerationConfig.properties.mediaResolution:"
    assert any(w.startswith(place) and "MediaResolution" in w for w in version.warnings)


def check_enum_values(g: SimpleNamespace, version: Version) -> None:
    sample = {
        "finishReason": "A_REASON_ADDED_LATER",
        "responseModalities": ["TEXT", "AUDIO"],
        "quality": "1",
    }
    candidate = _decode(g.types.Candidate, sample)
    assert candidate.finish_reason == "A_REASON_ADDED_LATER"
    assert candidate.response_modalities == ["TEXT", "AUDIO"]
    assert candidate.quality == g.enums.CandidateQuality.V_1
    assert g.enums.CandidateFinishReason.STOP == "STOP"
    assert g.enums.CandidateResponseModalitiesItem.IMAGE == "IMAGE"


def check_extension_document(g: SimpleNamespace, version: Version) -> None:
    part = _decode(g.types.Part, {"text": "t", "note": {"body_text": "n"}})
    assert part.note == g.types.Note(body_text="n")
    assert g.resources._NOTES_CREATE.request is g.types.Note
    # x-mixin: handwritten conveniences reach the generated classes as bases.
    assert _decode(g.types.Note, {"body_text": "quiet"}).shout == "QUIET"
    assert g.types.Note.__mro__[1:3] == (mixins.NoteMixin, structs.Struct)
    assert issubclass(g.resources.NotesResource, mixins.NotesMixin)
    assert issubclass(g.resources.AsyncNotesResource, mixins.AsyncNotesMixin)
    assert not issubclass(g.resources.PartsResource, mixins.NotesMixin)
    assert g.client.Client(api_key="k").flavour == "sync"
    assert g.client.AsyncClient(api_key="k").flavour == "async"
    assert [name for name, _ in version.extensions] == [
        "generativelanguage.v1golden_extension_document.notes.json"
    ]
    assert any(
        w.startswith("schemas.Part.properties.note: added by discovery/extensions/")
        for w in version.warnings
    )


def check_stream_terminal(g: SimpleNamespace, version: Version) -> None:
    # x-stream-terminal: wire paths in the extension, attribute paths in the MethodSpec;
    # a method the document lacks (streamAbsent) is not created by the extension.
    spec = g.resources._MODELS_STREAM_GENERATE
    assert spec.stream_terminal == ("candidates.finish_reason", "prompt_feedback.block_reason")
    assert g.resources._MODELS_STREAM_OTHER.stream_terminal == ()
    assert not hasattr(g.resources, "_MODELS_STREAM_ABSENT")
    last = _decode(g.types.Chunk, {"candidates": [{"text": "a"}, {"finishReason": "STOP"}]})
    middle = _decode(g.types.Chunk, {"candidates": [{"text": "a"}]})
    blocked = _decode(g.types.Chunk, {"promptFeedback": {"blockReason": "SAFETY"}})
    assert [is_terminal(c, spec.terminal_paths) for c in (last, middle, blocked)] == [
        True,
        False,
        True,
    ]


def check_top_level_map(g: SimpleNamespace, version: Version) -> None:
    # Used to be empty Structs that dropped every key on decode.
    assert g.types.UserCustomProperties == dict[str, Any]
    assert g.types.PublicKeys == dict[str, str]
    keys = {"k1": "-----BEGIN CERTIFICATE-----", "k2": "x"}
    assert _decode(g.types.PublicKeys, keys) == keys
    user = _decode(g.types.User, {"customSchemas": {"hr": {"level": 3, "tags": ["a"]}}})
    assert user.custom_schemas == {"hr": {"level": 3, "tags": ["a"]}}
    assert g.resources._KEYS_GET.response == dict[str, str]


def check_top_level_array_and_any(g: SimpleNamespace, version: Version) -> None:
    assert g.types.DetectionsResource == list[g.types.DetectionsResourceItem]
    assert g.types.JsonValue is Any
    sample = {
        "detections": [[{"language": "en", "confidence": 0.5}]],
        "extra": {"a": [1, None, {"b": "c"}]},
        "value": [1, "two"],
    }
    response = _decode(g.types.DetectionsListResponse, sample)
    item = g.types.DetectionsResourceItem(language="en", confidence=0.5)
    assert response.detections == [[item]]
    assert _wire(response) == sample


def check_schema_named_any(g: SimpleNamespace, version: Version) -> None:
    # The schema is Any_; typing.Any keeps its meaning in every free-form annotation.
    assert g.types.Any_.__name__ == "Any_" and g.types.Any is Any
    holder = _decode(
        g.types.Holder, {"payload": {"typeUrl": "t", "value": "AAE="}, "labels": {"x": [1]}}
    )
    assert holder.payload == g.types.Any_(type_url="t", value=b"\x00\x01")
    assert holder.labels == {"x": [1]}
    assert any(w.startswith("schemas.Any: class named Any_") for w in version.warnings)


def check_schema_named_struct(g: SimpleNamespace, version: Version) -> None:
    # Value comes after Struct: it must still derive from the runtime base (omit_defaults).
    assert issubclass(g.types.Value, structs.Struct) and g.types.Struct is structs.Struct
    value = _decode(g.types.Value, {"structValue": {"fields": {"a": 1}}})
    assert value.struct_value == g.types.Struct_(fields={"a": 1})
    assert _wire(value) == {"structValue": {"fields": {"a": 1}}}  # unset stringValue omitted


def check_media_max_size_unit(g: SimpleNamespace, version: Version) -> None:
    assert g.resources._UPLOADS_UPLOAD_DATA.upload["max_size"] == 2**30
    assert g.resources._UPLOADS_UPLOAD_DATA.upload["accept"] == (
        "application/octet-stream",
        "text/csv",
    )


def check_map_pagination(g: SimpleNamespace, version: Version) -> None:
    spec = g.resources._INSTANCES_AGGREGATED_LIST
    assert (spec.items_field, spec.template.template) == (
        "items",
        "compute/v1golden/projects/{project}/aggregated/instances",
    )
    page = _decode(
        g.types.InstanceAggregatedList,
        {"items": {"zones/a": {"instances": [{"name": "i"}]}}, "unreachables": ["zones/b"]},
    )
    assert page.items["zones/a"].instances == [g.types.Instance(name="i")]


def check_service_path_media(g: SimpleNamespace, version: Version) -> None:
    r = g.resources
    assert r._FILES_CREATE.template.template == "drive/v3golden/files"
    assert r._FILES_CREATE.upload["simple"] == "/upload/drive/v3golden/files"
    assert r._FILES_GET_MEDIA.template.template == "download/drive/v3golden/files/{fileId}"
    assert r._FILES_EXPORT.template.template == "drive/v3golden/files/{fileId}/export"
    assert g.client.Client.ROOT_URL == "https://generativelanguage.example.invalid/"


def check_media_download(g: SimpleNamespace, version: Version) -> None:
    r = g.resources
    assert r._REPORTS_GET.response is g.types.Report
    assert r._REPORTS_GET_MEDIA.template.template == "v1golden/{+name}"
    assert r._REPORTS_GET_MEDIA.response is None
    assert inspect.signature(r.ReportsResource.get_media).return_annotation == "Media"
    assert inspect.signature(r.ReportsResource.download).return_annotation == "Media"
    assert not hasattr(r.ReportsResource, "download_media")


def check_top_level_methods(g: SimpleNamespace, version: Version) -> None:
    assert inspect.signature(g.client.Client.tokeninfo).return_annotation == "types.Tokeninfo"
    assert g.client.Client.close_ is not g.client.Client.close
    assert callable(g.resources.UserinfoResource) and g.resources._USERINFO.id.endswith(".userinfo")


def check_method_named_like_subresource(g: SimpleNamespace, version: Version) -> None:
    keys = g.resources.AppsKeysResource
    assert "create" in vars(keys) and "__call__" in vars(keys)
    assert not [w for w in version.warnings if "_2" in w]


def check_date_time_format(g: SimpleNamespace, version: Version) -> None:
    event = _decode(g.types.Event, {"start": "2024-05-01T12:00:00.5Z", "day": "2024-05-01"})
    assert event.start == datetime.datetime(
        2024, 5, 1, 12, 0, 0, 500000, tzinfo=datetime.timezone.utc
    )
    assert event.day == datetime.date(2024, 5, 1)
    assert not [w for w in version.warnings if "date-time" in w]


def check_protobuf_value_format(g: SimpleNamespace, version: Version) -> None:
    for value in (None, 1.5, "x", [1, {"a": None}], {"b": True}):
        assert _decode(g.types.Cell, {"value": value}).value == value
    assert version.warnings == ()


def check_dotted_version(g: SimpleNamespace, version: Version) -> None:
    assert version.version == "v1golden.dotted_version"
    assert g.package.__name__ == "generativelanguage.v1golden_dotted_version"
    assert g.resources._THINGS_GET.template.template == "v1golden.dotted/things/{thing}"


def check_client_settings(g: SimpleNamespace, version: Version) -> None:
    client = g.client.Client
    assert client.API_KEY_ENV == ("GOLDEN_API_KEY", "GOOGLE_API_KEY")
    assert client.CREDENTIALS_REQUIRED is True
    assert client._OPERATIONS_PATH == "v1golden/{+name}"
    assert (client._DOWNLOAD_SPEC, client._DOWNLOAD_URI_FIELD) == (
        "_BLOBS_DOWNLOAD",
        "download_uri",
    )
    assert g.resources._BLOBS_DOWNLOAD.template.template == "v1golden/{+name}:download"


def check_body_shorthand(g: SimpleNamespace, version: Version) -> None:
    # x-body-shorthand: the MethodSpec carries the hook; the signature names the alias.
    assert g.resources._THINGS_ASK.normalize is mixins.prompt_body
    assert g.resources._THINGS_PEEK.normalize is None
    annotation = inspect.signature(g.resources.ThingsResource.ask).parameters["body"].annotation
    assert annotation.endswith("| _ext_tests_golden_mixins.PromptShorthand")
    # x-mixin with type arguments: a generic mixin parameterised by the document's schemas.
    reply = _decode(g.types.Reply, {"chunks": [{"text": "a"}, {"text": "b"}]})
    assert reply.first == g.types.Chunk(text="a")
    assert g.types.Reply.__orig_bases__[0] == mixins.RepliesMixin["Chunk"]
    assert g.client.Client.__orig_bases__[0] == mixins.AskingClientMixin["types.Reply"]


def check_event_stream(g: SimpleNamespace, version: Version) -> None:
    # x-union: one annotation per JSON kind, decoded by msgspec alone.
    for sample in ("hi", [{"type": "text", "text": "a"}], {"type": "text", "text": "b"}):
        job = _decode(g.types.Job, {"id": "j", "input": sample})
        assert _wire(job)["input"] == sample
    assert isinstance(_decode(g.types.Job, {"input": {"text": "b"}}).input, g.types.JobPart)
    # x-stream: one REST method, two Python methods; the switch leaves the signatures.
    r = g.resources
    assert list(inspect.signature(r.JobsResource.get).parameters) == ["self", "job", "options"]
    assert list(inspect.signature(r.JobsResource.get_stream).parameters) == [
        "self",
        "job",
        "after",
        "options",
    ]
    assert inspect.iscoroutinefunction(r.AsyncJobsResource.create_stream)
    assert (r._JOBS_CREATE.streaming, r._JOBS_CREATE_STREAM.streaming) == (False, True)
    assert r._JOBS_CREATE.switch.body == r._JOBS_CREATE_STREAM.switch.body == (("stream", True),)
    assert r._JOBS_GET_STREAM.switch.query == (("stream", "true"),)
    assert r._JOBS_CREATE_STREAM.response is g.types.JobEvent
    # x-stream-events, x-stream-done, x-stream-resume: data on the MethodSpec.
    events = r._JOBS_CREATE_STREAM.events
    assert events.known == {"job.created", "job.delta", "job.failed"}
    assert (events.type_field, events.error, events.done) == ("event_type", "job.failed", "[DONE]")
    assert events.resume.spec is r._JOBS_GET_STREAM
    assert events.resume.path == (("job", (("job", "id"), ("job_id",))),)
    assert (events.resume.cursor, events.resume.param) == ("event_id", "after")
    assert r._JOBS_GET_STREAM.events.resume.spec is None  # resumes with itself
    assert r._JOBS_GET.events is None
    # The plain method refuses the body that would switch it to a stream.
    client = g.client.Client(api_key="k")
    transport = client._transport
    with pytest.raises(errors.RequestValidationError, match="create_stream"):
        transport.build(r._JOBS_CREATE, (), {"input": "x", "stream": True}, None, CallOptions())
    sent = transport.build(r._JOBS_CREATE_STREAM, (), {"input": "x"}, None, CallOptions())
    assert json.loads(sent.content) == {"input": "x", "stream": True}
    assert "alt" not in sent.url.params
    got = transport.build(r._JOBS_GET_STREAM, ("j1",), None, {"after": "e3"}, CallOptions())
    assert dict(got.url.params) == {"after": "e3", "stream": "true"}


def check_websocket_endpoint(g: SimpleNamespace, version: Version) -> None:
    # x-websockets: the endpoint is data in the IR, printed as a WebSocketSpec.
    assert list(g.resources.WEBSOCKETS) == ["chat"]
    spec = g.resources.WEBSOCKETS["chat"]
    assert (spec.id, spec.path) == ("golden.Chat", "ws/golden.Chat")
    assert (spec.client, spec.server) == (g.types.ClientMessage, g.types.ServerMessage)
    assert spec.url("https://h.example/") == "wss://h.example/ws/golden.Chat"
    assert spec.url("http://127.0.0.1:8/") == "ws://127.0.0.1:8/ws/golden.Chat"
    message = _decode(spec.server, {"reply": "hi", "lastIndex": "7", "newKind": {}})
    assert (message.reply, message.last_index) == ("hi", 7)
    assert _wire(spec.client(setup=g.types.Setup(model="m"))) == {"setup": {"model": "m"}}
    assert any(
        w.startswith("x-websockets.lost.response: $ref 'NoSuchMessage'") for w in version.warnings
    )


CHECKS: dict[str, Callable[[SimpleNamespace, Version], None]] = {
    name.removeprefix("check_"): fn for name, fn in globals().items() if name.startswith("check_")
}


def test_every_case_has_a_sample_check() -> None:
    assert sorted(CHECKS) == CASES


@pytest.mark.parametrize("case", CASES)
def test_import_and_decode(case: str, load: Callable[[str], SimpleNamespace]) -> None:
    g = load(case)
    assert g.package.API_VERSION == version_of(case).version
    assert g.package.Client is g.client.Client
    CHECKS[case](g, version_of(case))


# -- documents the fixtures cannot express ---------------------------------------------


def test_document_without_resources_renders_valid_python() -> None:
    doc = {
        "kind": "discovery#restDescription",
        "name": "generativelanguage",
        "version": "v1golden_no_resources",
        "revision": "20250101",
        "rootUrl": "https://generativelanguage.example.invalid/",
        "schemas": {
            "Thing": {"id": "Thing", "type": "object", "properties": {"name": {"type": "string"}}}
        },
    }
    files, _ = generate_document(json.dumps(doc).encode(), "no_resources.json", format=False)
    broken = []
    for path, text in sorted(files.items()):
        if path.endswith(".py"):
            try:
                compile(text, path, "exec")
            except SyntaxError as exc:
                broken.append(f"{path}:{exc.lineno}: {exc.msg}")
    assert broken == []
