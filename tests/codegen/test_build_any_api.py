"""IR tests of what documents of other APIs bring (the Discovery corpus's constructs):
pagination items chosen by structure, methods named like sub-resources, top-level
methods, service and media paths, schema names the module needs, top-level schemas
that are no message, client settings. Factories from test_build."""

from __future__ import annotations

import json
from typing import Any

import pytest

from codegen import ir
from codegen.build import build_version
from codegen.load import DiscoveryError, parse_document

from .test_build import (
    STRING,
    array,
    build,
    document,
    field,
    method,
    obj,
    one_method,
    path_param,
    query_param,
    ref,
    struct,
)

# -- pagination: which field holds the items -------------------------------------------


def _items_field(
    response: dict[str, Any],
    *,
    name: str = "list",
    resource: str = "things",
    schemas: dict[str, Any] | None = None,
    methods: dict[str, Any] | None = None,
) -> str | None:
    """The items field the build picks for `<resource>.<name>` answering ``response``."""
    schemas = {
        "Thing": obj(name=STRING),
        "Other": obj(label=STRING),
        "ListThingsResponse": response,
        **(schemas or {}),
    }
    list_method = method(
        f"api.{resource}.{name}",
        f"v1/{resource}",
        parameters={"pageToken": query_param()},
        response="ListThingsResponse",
    )
    methods = {name: list_method, **(methods or {})}
    version = build(document(schemas, {resource: {"methods": methods}}))
    m = next(m for m in version.methods if m.wire_name == name)
    return m.pagination.items_field if m.pagination else None


def test_items_of_messages_beat_a_list_of_scalars() -> None:
    response = obj(unreachables=array(STRING), instances=array(ref("Thing")), nextPageToken=STRING)
    assert _items_field(response) == "instances"


def test_a_list_of_scalars_alone_is_the_items() -> None:
    assert _items_field(obj(logNames=array(STRING), nextPageToken=STRING)) == "log_names"


def test_a_map_of_item_lists_is_the_items_not_the_list_of_scalars_beside_it() -> None:
    # Compute's aggregatedList: {"items": {"zones/a": {"instances": [...]}}, "unreachables": [...]}
    scoped = obj(instances=array(ref("Thing")), warning=obj(code=STRING))
    response = obj(
        items={"type": "object", "additionalProperties": ref("ThingsScopedList")},
        unreachables=array(STRING),
        nextPageToken=STRING,
    )
    assert _items_field(response, schemas={"ThingsScopedList": scoped}) == "items"


def test_a_map_of_plain_values_is_no_items_candidate() -> None:
    response = obj(
        metadata={"type": "object", "additionalProperties": STRING},
        things=array(ref("Thing")),
        nextPageToken=STRING,
    )
    assert _items_field(response) == "things"


def test_the_items_are_what_the_resources_get_returns() -> None:
    response = obj(alphas=array(ref("Other")), betas=array(ref("Thing")), nextPageToken=STRING)
    get = method("api.things.get", "v1/things/x", response="Thing")
    assert _items_field(response, methods={"get": get}) == "betas"


def test_then_the_list_named_as_the_resource() -> None:
    response = obj(things=array(ref("Thing")), others=array(ref("Thing")), nextPageToken=STRING)
    assert _items_field(response) == "things"


def test_then_the_list_named_as_the_methods_object() -> None:
    # dataplex's listEnrollments: enrollments and unreachable, both lists of names.
    response = obj(enrollments=array(STRING), unreachable=array(STRING), nextPageToken=STRING)
    assert _items_field(response, name="listEnrollments", resource="buses") == "enrollments"


def test_then_the_list_whose_name_ends_with_the_resources() -> None:
    # dataflow's jobs.messages.list: jobMessages beside autoscalingEvents.
    response = obj(
        jobMessages=array(ref("Thing")), autoscalingEvents=array(ref("Other")), nextPageToken=STRING
    )
    assert _items_field(response, resource="messages") == "job_messages"


def test_then_the_list_called_items() -> None:
    # Calendar's Events: items plus defaultReminders, both messages.
    response = obj(items=array(ref("Thing")), reminders=array(ref("Other")), nextPageToken=STRING)
    assert _items_field(response) == "items"


# -- resources and the client ----------------------------------------------------------


def test_a_method_named_like_a_sub_resource_is_the_sub_resources_call() -> None:
    resources = {
        "apps": {
            "methods": {"keys": method("api.apps.keys", "v1/keys", http="POST")},
            "resources": {"keys": {"methods": {"create": method("api.apps.keys.create", "v1/k")}}},
        }
    }
    version = build(document(resources=resources))
    (apps,) = version.resources
    (keys,) = apps.children
    assert apps.methods == ()
    assert [(m.py_name, m.id) for m in keys.methods] == [
        ("__call__", "api.apps.keys"),
        ("create", "api.apps.keys.create"),
    ]
    assert [m.spec_name for m in version.methods] == ["_APPS_KEYS", "_APPS_KEYS_CREATE"]
    assert not [w for w in version.warnings if "taken" in w]


def test_two_methods_with_one_python_name_are_renamed_with_a_warning() -> None:
    methods = {"fooBar": method("api.t.fooBar", "v1/a"), "foo_bar": method("api.t.foo_bar", "v1/b")}
    version = build(document(resources={"t": {"methods": methods}}))
    assert sorted(m.py_name for m in version.methods) == ["foo_bar", "foo_bar_2"]
    assert any("method named foo_bar_2" in w for w in version.warnings)


def _top_level(methods: dict[str, Any], resources: dict[str, Any] | None = None) -> ir.Version:
    doc = document({"Info": obj(a=STRING)}, resources)
    doc["methods"] = methods
    return build(doc)


def test_top_level_methods_are_client_methods() -> None:
    version = _top_level({"tokeninfo": method("api.tokeninfo", "v2/tokeninfo", response="Info")})
    (m,) = version.client_methods
    assert (m.py_name, m.spec_name, m.response_type) == ("tokeninfo", "_TOKENINFO", "Info")
    assert version.methods == version.client_methods  # its MethodSpec is emitted too


def test_a_top_level_method_named_like_a_client_attribute_gets_an_underscore() -> None:
    version = _top_level({"close": method("api.close", "v2/close")})
    assert [m.py_name for m in version.client_methods] == ["close_"]


def test_a_top_level_method_named_like_a_top_level_resource_is_its_call() -> None:
    resources = {"userinfo": {"methods": {"get": method("api.userinfo.get", "v2/me")}}}
    version = _top_level({"userinfo": method("api.userinfo", "v2/u")}, resources)
    assert version.client_methods == ()
    assert [m.py_name for m in version.resources[0].methods] == ["__call__", "get"]


# -- paths, media ----------------------------------------------------------------------


def _with_service_path(node: dict[str, Any], schemas: dict[str, Any] | None = None):
    doc = document(schemas, {"things": {"methods": {node["id"].rsplit(".", 1)[1]: node}}})
    doc["servicePath"] = "things/v9/"
    return build(doc)


def test_method_paths_carry_the_service_path() -> None:
    version = _with_service_path(method("api.things.list", "things"))
    assert one_method(version).path == "things/v9/things"


def test_an_absolute_method_path_replaces_the_service_path() -> None:
    # RFC 3986 section 5.2: a reference starting with "/" keeps only the authority.
    version = _with_service_path(method("api.things.list", "/other/things"))
    assert one_method(version).path == "other/things"


def test_media_upload_paths_stay_relative_to_the_root_url() -> None:
    node = method("api.things.create", "things", http="POST", supportsMediaUpload=True)
    node["mediaUpload"] = {"protocols": {"simple": {"path": "/upload/things/v9/things"}}}
    m = one_method(_with_service_path(node))
    assert (m.path, m.media_upload.simple_path) == ("things/v9/things", "/upload/things/v9/things")


def _media(**flags: Any) -> list[ir.Method]:
    node = method(
        "api.things.get",
        "things/{id}",
        parameters={"id": path_param()},
        order=["id"],
        supportsMediaDownload=True,
        **flags,
    )
    return list(_with_service_path(node, {"Thing": obj(name=STRING)}).methods)


def test_a_media_download_with_a_response_gets_a_media_sibling() -> None:
    plain, media = _media(response="Thing")
    assert (plain.py_name, plain.response_type, plain.media_download) == ("get", "Thing", False)
    assert (media.py_name, media.spec_name, media.path) == (
        "get_media",
        "_THINGS_GET_MEDIA",
        "things/v9/things/{id}",
    )
    assert (media.response_type, media.call_kind, media.return_annotation) == (
        None,
        "media",
        "Media",
    )
    assert media.doc.startswith("The media of `get` (`alt=media`).")


def test_a_media_download_without_a_response_is_the_media_method_itself() -> None:
    (m,) = _media()
    assert (m.py_name, m.media_download, m.async_return_annotation) == ("get", True, "AsyncMedia")


def test_the_download_service_serves_media_under_download() -> None:
    plain, media = _media(response="Thing", useMediaDownloadService=True)
    assert plain.path == "things/v9/things/{id}"
    assert media.path == "download/things/v9/things/{id}"


# -- schema names and top-level shapes -------------------------------------------------


@pytest.mark.parametrize("sid", ["Struct", "Any", "datetime", "msgspec", "str"])
def test_a_schema_named_like_a_name_the_module_uses_gets_an_underscore(sid: str) -> None:
    version = build(document({sid: obj(a=STRING), "User": obj(x=ref(sid))}))
    assert struct(version, sid + "_")
    assert field(version, "User", "x").annotation == sid + "_"
    assert any(w.startswith(f"schemas.{sid}: class named {sid}_") for w in version.warnings)


@pytest.mark.parametrize(
    ("schema", "annotation"),
    [
        ({"type": "object", "additionalProperties": STRING}, "dict[str, str]"),
        ({"type": "object", "additionalProperties": {"type": "any"}}, "dict[str, Any]"),
        ({"type": "any"}, "Any"),
        ({"type": "array", "items": ref("Thing")}, "list[Thing]"),
        ({"type": "string", "format": "int64"}, "int"),
        (ref("Thing"), "Thing"),
    ],
)
def test_a_top_level_schema_that_is_no_message_is_an_alias(schema, annotation) -> None:
    version = build(document({"Thing": obj(a=STRING), "X": schema}))
    assert [(a.name, a.wire_name, a.annotation) for a in version.aliases] == [
        ("X", "X", annotation)
    ]
    assert "X" not in [s.name for s in version.structs]


def test_aliases_come_after_the_aliases_they_name() -> None:
    schemas = {
        "AJsonObject": {"type": "object", "additionalProperties": ref("ZJsonValue")},
        "ZJsonValue": {"type": "any"},
    }
    assert [a.name for a in build(document(schemas)).aliases] == ["ZJsonValue", "AJsonObject"]


def test_aliases_naming_each_other_in_a_cycle_fall_back_to_any_with_a_warning() -> None:
    schemas = {"A": {"type": "array", "items": ref("B")}, "B": {"type": "array", "items": ref("A")}}
    version = build(document(schemas))
    assert [(a.name, a.annotation) for a in version.aliases] == [("A", "Any"), ("B", "list[A]")]
    assert any("refers to itself through type aliases" in w for w in version.warnings)


def test_an_empty_message_stays_a_struct() -> None:
    assert struct(build(document({"Empty": obj()})), "Empty").fields == ()


# -- client settings -------------------------------------------------------------------


def _operations(path: str = "v1/{+name}") -> dict[str, Any]:
    get = method(
        "api.operations.get",
        path,
        parameters={"name": path_param("^operations/.*$")},
        order=["name"],
        response="Operation",
    )
    return {"operations": {"methods": {"get": get}}}


OPERATION = {"Operation": obj(name=STRING, done={"type": "boolean"}, error=obj(code=STRING))}


def test_the_operations_path_is_that_of_operations_get() -> None:
    version = build(document(OPERATION, _operations()))
    assert version.settings.operations_path == "v1/{+name}"


def test_without_operations_get_there_is_no_operations_path() -> None:
    assert build(document(OPERATION)).settings.operations_path is None


def _x_client(value: Any, resources: dict[str, Any] | None = None) -> ir.Version:
    doc = document({"Blob": obj(name=STRING)}, resources)
    doc["x-client"] = value
    return build(doc)


def test_x_client_declares_the_key_variables_and_the_download_method() -> None:
    download = method(
        "api.blobs.download",
        "v1/{+name}:download",
        parameters={"name": path_param("^blobs/[^/]+$")},
        order=["name"],
        supportsMediaDownload=True,
    )
    version = _x_client(
        {
            "apiKeyEnv": ["A_KEY", "B_KEY"],
            "download": {"method": "blobs.download", "uriField": "downloadUri"},
            "operationsPath": "v2/{+name}",
        },
        {"blobs": {"methods": {"download": download}}},
    )
    assert version.settings == ir.ClientSettings(
        api_key_env=("A_KEY", "B_KEY"),
        operations_path="v2/{+name}",
        download_spec="_BLOBS_DOWNLOAD",
        download_uri_field="download_uri",
    )


def test_the_command_line_key_variables_win_over_x_client() -> None:
    doc = document()
    doc["x-client"] = {"apiKeyEnv": ["A_KEY"]}
    raw = parse_document(json.dumps(doc).encode(), "x.json")
    assert build_version(raw, "pkg", api_key_env=("CLI_KEY",)).settings.api_key_env == ("CLI_KEY",)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"apiKeyEnvs": ["A"]}, "unknown key"),
        ({"apiKeyEnv": ["not a name"]}, "variable names"),
        ({"download": {"method": "blobs.nope"}}, "names no media download method"),
        ({"download": {"method": "x", "field": "y"}}, "unknown key"),
        ({"credentialsRequired": "yes"}, "expected true or false"),
        (["apiKeyEnv"], "expected an object"),
    ],
)
def test_a_wrong_x_client_is_an_error_naming_it(value: Any, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        _x_client(value)
