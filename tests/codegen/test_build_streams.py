"""IR tests of the extension keys for event streams and unions: ``x-stream``,
``x-stream-events``, ``x-stream-done``, ``x-stream-resume`` and ``x-union``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen import extend
from codegen.load import DiscoveryError

from .test_build import STRING, array, build, document, field, method, obj, query_param, ref

EVENT = obj(
    event_type={"type": "string", "enum": ["job.created", "job.delta", "job.failed"]},
    event_id=STRING,
    job=ref("Job"),
    job_id=STRING,
)
SCHEMAS = {
    "Job": obj(id=STRING, status=STRING),
    "JobEvent": EVENT,
    "CreateJobRequest": obj(input=STRING, stream={"type": "boolean"}),
}


def jobs(create: dict[str, Any] | None = None, get: dict[str, Any] | None = None) -> dict:
    """A document with `jobs.create` (body switch) and `jobs.get` (query switch)."""
    create_node = method(
        "api.jobs.create", "v1/jobs", "POST", request="CreateJobRequest", response="Job"
    )
    create_node.update(
        {
            "x-stream": {
                "name": "createStream",
                "response": ref("JobEvent"),
                "body": {"stream": True},
            },
            "x-stream-events": {"type": "event_type", "error": "job.failed"},
            "x-stream-done": "[DONE]",
            "x-stream-resume": {
                "method": "get",
                "cursor": "event_id",
                "param": "after",
                "path": {"job": ["job.id", "job_id"]},
            },
        }
    )
    create_node.update(create or {})
    get_node = method(
        "api.jobs.get",
        "v1/jobs/{job}",
        parameters={
            "job": {"type": "string", "location": "path", "required": True},
            "stream": query_param("boolean"),
            "after": query_param(),
            "verbose": query_param("boolean"),
        },
        order=["job"],
        response="Job",
    )
    get_node.update(
        {
            "x-stream": {
                "name": "getStream",
                "response": ref("JobEvent"),
                "query": {"stream": "true"},
                "only": ["after"],
            },
            "x-stream-events": {"type": "event_type"},
            "x-stream-resume": {"method": "get", "cursor": "event_id", "param": "after"},
        }
    )
    get_node.update(get or {})
    for node in (create_node, get_node):
        for key in [k for k, v in node.items() if v is None]:
            del node[key]
    return document(
        copy.deepcopy(SCHEMAS), {"jobs": {"methods": {"create": create_node, "get": get_node}}}
    )


def by_name(version) -> dict:
    return {m.py_name: m for m in version.methods}


def test_the_stream_keys_are_registered() -> None:
    for key in ("x-stream", "x-stream-events", "x-stream-done", "x-stream-resume", "x-union"):
        assert key in extend.KEYS


# -- x-stream ----------------------------------------------------------------------------


def test_x_stream_adds_a_streaming_twin_after_the_plain_method() -> None:
    names = [m.py_name for m in build(jobs()).methods]
    assert names == ["create", "create_stream", "get", "get_stream"]


def test_the_twin_streams_events_of_the_declared_type_without_alt_sse() -> None:
    twin = by_name(build(jobs()))["create_stream"]
    assert (twin.streaming, twin.response_type, twin.call_kind) == (True, "JobEvent", "stream")
    assert twin.return_annotation == "EventStream[types.JobEvent]"
    assert twin.async_return_annotation == "AsyncEventStream[types.JobEvent]"
    assert twin.id == "api.jobs.create" and twin.spec_name == "_JOBS_CREATE_STREAM"


def test_plain_method_keeps_its_response_and_names_the_twin() -> None:
    plain = by_name(build(jobs()))["create"]
    assert (plain.streaming, plain.response_type, plain.events) == (False, "Job", None)
    assert plain.switch.twin == "create_stream"
    assert plain.switch.body == (("stream", True),)


def test_query_switch_leaves_both_signatures_and_only_params_the_plain_one() -> None:
    methods = by_name(build(jobs()))
    assert [q.wire_name for q in methods["get"].query_params] == ["verbose"]
    assert [q.wire_name for q in methods["get_stream"].query_params] == ["after", "verbose"]
    assert methods["get_stream"].switch.query == (("stream", "true"),)


def test_twin_docstring_says_what_an_unknown_event_becomes() -> None:
    doc = by_name(build(jobs()))["create_stream"].doc
    assert "UnknownEvent" in doc
    assert doc.splitlines()[-1] == "Discovery: api.jobs.create (POST v1/jobs)"


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ({"name": "s", "response": ref("JobEvent")}, "either 'body' fields or 'query'"),
        ({"name": "s", "response": ref("Nope"), "body": {"stream": True}}, "'response' \\$ref"),
        ({"name": "s", "response": ref("JobEvent"), "body": {"nope": True}}, "no field"),
        ({"name": "s", "response": ref("JobEvent"), "query": {"nope": "1"}}, "no query parameter"),
        ({"name": "s", "response": ref("JobEvent"), "body": {"x": 1}, "extra": 1}, "expected"),
    ],
)
def test_bad_x_stream_is_refused_naming_the_place(stream: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        build(jobs(create={"x-stream": stream, "x-stream-resume": None}))
    assert "resources.jobs.methods.create.x-stream" in str(info.value)


# -- x-stream-events, x-stream-done ------------------------------------------------------


def test_known_event_types_come_from_the_type_property_enum() -> None:
    events = by_name(build(jobs()))["create_stream"].events
    assert events.type_field == "event_type"
    assert events.known == ("job.created", "job.delta", "job.failed")
    assert (events.error, events.done) == ("job.failed", "[DONE]")


def test_an_error_type_outside_the_enum_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the enum"):
        build(jobs(create={"x-stream-events": {"type": "event_type", "error": "boom"}}))


def test_an_event_type_property_the_schema_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="names no field of JobEvent"):
        build(jobs(create={"x-stream-events": {"type": "kind"}}))


def test_done_must_be_a_string() -> None:
    with pytest.raises(ValueError, match="x-stream-done: expected a string"):
        build(jobs(create={"x-stream-done": True}))


def test_without_done_the_end_of_the_body_ends_the_stream() -> None:
    assert by_name(build(jobs()))["get_stream"].events.done is None


# -- x-stream-resume ---------------------------------------------------------------------


def test_resume_through_another_method_names_its_twin_and_the_path_sources() -> None:
    resume = by_name(build(jobs()))["create_stream"].events.resume
    assert resume.spec_name == "_JOBS_GET_STREAM"
    assert resume.spec_expr == "_JOBS_GET_STREAM"
    assert (resume.cursor, resume.param) == ("event_id", "after")
    assert resume.path == (("job", (("job", "id"), ("job_id",))),)


def test_resume_through_itself_needs_no_path() -> None:
    resume = by_name(build(jobs()))["get_stream"].events.resume
    assert (resume.spec_name, resume.spec_expr, resume.path) == (None, "None", ())


def test_a_resuming_spec_is_defined_after_the_spec_it_resumes_with() -> None:
    order = [m.spec_name for m in build(jobs()).spec_methods]
    assert order.index("_JOBS_GET_STREAM") < order.index("_JOBS_CREATE_STREAM")


@pytest.mark.parametrize(
    ("resume", "message"),
    [
        ({"method": "nope", "cursor": "event_id", "param": "after"}, "no method with x-stream"),
        (
            {"method": "get", "cursor": "nope", "param": "after", "path": {"job": ["job_id"]}},
            "names no field",
        ),
        (
            {"method": "get", "cursor": "event_id", "param": "nope", "path": {"job": ["job_id"]}},
            "no query parameter",
        ),
        ({"method": "get", "cursor": "event_id", "param": "after"}, "'path' must give"),
        (
            {
                "method": "get",
                "cursor": "event_id",
                "param": "after",
                "path": {"job": ["job.nope"]},
            },
            "names no field",
        ),
        ({"method": "get"}, "expected method, cursor, param"),
    ],
)
def test_bad_resume_is_refused_naming_the_place(resume: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        build(jobs(create={"x-stream-resume": resume}))
    assert "x-stream-resume" in str(info.value)


def test_resume_on_a_method_without_x_stream_is_refused() -> None:
    doc = jobs()
    del doc["resources"]["jobs"]["methods"]["get"]["x-stream"]
    del doc["resources"]["jobs"]["methods"]["create"]["x-stream-resume"]
    with pytest.raises(ValueError, match="the method has no x-stream"):
        build(doc)


def test_without_x_stream_a_stream_prefix_still_means_alt_sse() -> None:
    doc = document(
        {"R": obj(a=STRING)},
        {"m": {"methods": {"streamX": method("a.m.streamX", "v1/x", response="R")}}},
    )
    (m,) = build(doc).methods
    assert m.streaming and m.switch is None and m.events is None


# -- x-union -----------------------------------------------------------------------------


def union(*members: dict) -> dict:
    return {"type": "any", "x-union": list(members)}


def test_union_prints_one_annotation_per_member() -> None:
    doc = document(
        {"P": obj(text=STRING), "T": obj(input=union(STRING, array(ref("P")), ref("P")))}
    )
    assert field(build(doc), "T", "input").annotation == "str | list[P] | P"


def test_union_of_a_number_and_a_free_object() -> None:
    doc = document({"T": obj(v=union({"type": "integer"}, {"type": "object"}))})
    assert field(build(doc), "T", "v").annotation == "int | dict[str, Any]"


@pytest.mark.parametrize(
    "members",
    [
        [obj(a=STRING), {"type": "object"}],
        [array(STRING), array({"type": "integer"})],
        [STRING, {"type": "string", "format": "byte"}],
    ],
)
def test_two_members_of_one_json_kind_are_refused(members: list) -> None:
    with pytest.raises(ValueError, match="one schema per JSON kind"):
        build(document({"T": obj(v=union(*members))}))


def test_a_member_without_a_json_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a JSON kind"):
        build(document({"T": obj(v=union(STRING, {"type": "any"}))}))


def test_x_union_must_be_a_list() -> None:
    with pytest.raises(DiscoveryError, match="x-union: expected a list"):
        build(document({"T": obj(v={"type": "any", "x-union": STRING})}))


def test_a_query_switch_value_given_as_json_true_is_sent_as_true() -> None:
    get = {
        "x-stream": {"name": "getStream", "response": ref("JobEvent"), "query": {"stream": True}}
    }
    assert by_name(build(jobs(get=get)))["get_stream"].switch.query == (("stream", "true"),)
