"""IR tests: small inline Discovery dicts through load and build, one behaviour per test."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from codegen import ir
from codegen.build import build_version
from codegen.load import DiscoveryError, parse_document
from codegen.types import ENUM

# -- factories -------------------------------------------------------------------------


def document(
    schemas: dict[str, Any] | None = None, resources: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A minimal valid Discovery document."""
    return {
        "kind": "discovery#restDescription",
        "name": "generativelanguage",
        "version": "v1test",
        "revision": "20250101",
        "rootUrl": "https://example.invalid/",
        "schemas": schemas or {},
        "resources": resources or {},
    }


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def ref(name: str) -> dict[str, str]:
    return {"$ref": name}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STRING = {"type": "string"}


def path_param(pattern: str | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"type": "string", "location": "path", "required": True}
    if pattern is not None:
        param["pattern"] = pattern
    return param


def query_param(type_: str = "string", **extra: Any) -> dict[str, Any]:
    return {"type": type_, "location": "query", **extra}


def method(
    id_: str,
    path: str,
    http: str = "GET",
    parameters: dict[str, Any] | None = None,
    order: list[str] | None = None,
    request: str | None = None,
    response: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": id_,
        "httpMethod": http,
        "path": path,
        "parameters": parameters or {},
        "parameterOrder": order or [],
        **extra,
    }
    if request:
        node["request"] = ref(request)
    if response:
        node["response"] = ref(response)
    return node


def build(doc: dict[str, Any]) -> ir.Version:
    raw = parse_document(json.dumps(doc).encode(), "x.json")
    return build_version(raw, "pkg")


def struct(version: ir.Version, name: str) -> ir.Struct:
    matches = [s for s in version.structs if s.name == name]
    assert matches, f"no struct {name}; have {[s.name for s in version.structs]}"
    return matches[0]


def field(version: ir.Version, struct_name: str, wire_name: str) -> ir.Field:
    matches = [f for f in struct(version, struct_name).fields if f.wire_name == wire_name]
    assert matches, f"no field {wire_name} in {struct_name}"
    return matches[0]


def one_method(version: ir.Version) -> ir.Method:
    assert len(version.methods) == 1
    return version.methods[0]


def with_method(node: dict[str, Any], schemas: dict[str, Any] | None = None) -> ir.Version:
    """A document with one resource `things` holding the one method `node`."""
    name = node["id"].rsplit(".", 1)[1]
    return build(document(schemas, {"things": {"methods": {name: node}}}))


# -- schemas ---------------------------------------------------------------------------


def test_schema_becomes_a_struct_named_as_its_id() -> None:
    version = build(document({"GenerateContentRequest": obj(model=STRING)}))
    assert [s.name for s in version.structs] == ["GenerateContentRequest"]
    assert version.structs[0].discovery_path == "schemas.GenerateContentRequest"


def test_struct_doc_is_the_schema_description() -> None:
    version = build(document({"Thing": {**obj(name=STRING), "description": "A thing."}}))
    assert struct(version, "Thing").doc == "A thing."


def test_camel_case_field_is_renamed_to_snake_case() -> None:
    f = field(build(document({"Blob": obj(mimeType=STRING)})), "Blob", "mimeType")
    assert (f.py_name, f.renamed) == ("mime_type", True)


def test_field_already_in_snake_case_is_not_renamed() -> None:
    f = field(build(document({"Blob": obj(data=STRING)})), "Blob", "data")
    assert (f.py_name, f.renamed) == ("data", False)


@pytest.mark.parametrize(
    "wire", ["class", "for", "str", "int", "bytes", "list", "dict", "msgspec", "self", "datetime"]
)
def test_keyword_and_builtin_field_names_get_an_underscore(wire: str) -> None:
    f = field(build(document({"Thing": obj(**{wire: STRING})})), "Thing", wire)
    assert (f.py_name, f.renamed) == (wire + "_", True)


def test_field_name_starting_with_a_digit_is_a_python_identifier() -> None:
    # "3dModel" would otherwise print `3d_model: str | None = ...`, a syntax error.
    f = field(build(document({"Thing": obj(**{"3dModel": STRING})})), "Thing", "3dModel")
    assert f.py_name.isidentifier(), f.py_name


def test_fields_with_the_same_snake_name_get_distinct_py_names() -> None:
    fields = struct(build(document({"Thing": obj(fooBar=STRING, foo_bar=STRING)})), "Thing").fields
    assert sorted(f.py_name for f in fields) == ["foo_bar", "foo_bar_2"]


def test_anonymous_nested_object_becomes_a_parent_plus_property_struct() -> None:
    version = build(document({"Foo": obj(barBaz=obj(depth={"type": "integer"}))}))
    assert field(version, "Foo", "barBaz").annotation == "FooBarBaz"
    assert [f.wire_name for f in struct(version, "FooBarBaz").fields] == ["depth"]


def test_anonymous_nested_object_records_its_discovery_path() -> None:
    version = build(document({"Foo": obj(barBaz=obj(depth={"type": "integer"}))}))
    assert struct(version, "FooBarBaz").discovery_path == "schemas.Foo.properties.barBaz"


def test_array_of_anonymous_objects_becomes_a_parent_property_item_struct() -> None:
    version = build(document({"Foo": obj(entries=array(obj(label=STRING)))}))
    assert field(version, "Foo", "entries").annotation == "list[FooEntriesItem]"
    assert [f.wire_name for f in struct(version, "FooEntriesItem").fields] == ["label"]


def test_anonymous_struct_name_clashing_with_a_schema_id_gets_a_suffix() -> None:
    version = build(document({"Foo": obj(bar=obj(x=STRING)), "FooBar": obj(y=STRING)}))
    assert field(version, "Foo", "bar").annotation == "FooBar_2"
    assert [f.wire_name for f in struct(version, "FooBar").fields] == ["y"]


def test_ref_prints_the_schema_name() -> None:
    version = build(document({"Foo": obj(bar=ref("Bar")), "Bar": obj(x=STRING)}))
    assert field(version, "Foo", "bar").annotation == "Bar"


def test_array_of_refs_is_a_list() -> None:
    version = build(document({"Foo": obj(bars=array(ref("Bar"))), "Bar": obj(x=STRING)}))
    assert field(version, "Foo", "bars").annotation == "list[Bar]"


def test_additional_properties_becomes_a_str_keyed_dict() -> None:
    schema = obj(labels={"type": "object", "additionalProperties": STRING})
    assert field(build(document({"Foo": schema})), "Foo", "labels").annotation == "dict[str, str]"


def test_object_without_properties_is_a_free_json_object() -> None:
    version = build(document({"Foo": obj(args={"type": "object"})}))
    assert field(version, "Foo", "args").annotation == "dict[str, Any]"
    assert "from typing import Any" in version.type_imports


def test_scalar_annotation_comes_from_the_type_table() -> None:
    schema = obj(count={"type": "string", "format": "int64"})
    assert field(build(document({"Foo": schema})), "Foo", "count").annotation == "int"


def test_annotation_needing_an_import_adds_it_to_the_module() -> None:
    version = build(document({"Foo": obj(at={"type": "string", "format": "google-datetime"})}))
    assert field(version, "Foo", "at").annotation == "datetime.datetime"
    assert version.type_imports == ("import datetime",)


def test_unknown_format_falls_back_to_the_type_row_with_a_warning() -> None:
    version = build(document({"Foo": obj(x={"type": "string", "format": "no-such-format"})}))
    assert field(version, "Foo", "x").annotation == "str"
    assert any(w.startswith("schemas.Foo.properties.x:") for w in version.warnings)


def test_inline_enum_becomes_an_enum_named_parent_plus_property() -> None:
    schema = obj(
        state={
            "type": "string",
            "enum": ["STATE_UNSPECIFIED", "ACTIVE"],
            "enumDescriptions": ["Unset.", "Ready."],
        }
    )
    version = build(document({"Thing": schema}))
    assert [e.name for e in version.enums] == ["ThingState"]
    assert version.enums[0].members == (
        ir.EnumMember("STATE_UNSPECIFIED", "STATE_UNSPECIFIED", "Unset."),
        ir.EnumMember("ACTIVE", "ACTIVE", "Ready."),
    )


def test_enum_field_uses_the_enum_row_and_lists_its_values() -> None:
    schema = obj(state={"type": "string", "enum": ["A", "B"], "description": "The state."})
    f = field(build(document({"Thing": schema})), "Thing", "state")
    assert f.annotation == ENUM.annotation
    assert "`A`, `B`" in f.doc


def test_enum_of_array_items_is_named_parent_property_item() -> None:
    schema = obj(modes=array({"type": "string", "enum": ["TEXT", "IMAGE"]}))
    version = build(document({"Thing": schema}))
    assert field(version, "Thing", "modes").annotation == f"list[{ENUM.annotation}]"
    assert [e.name for e in version.enums] == ["ThingModesItem"]


def test_enum_values_that_are_not_identifiers_become_constants() -> None:
    schema = obj(v={"type": "string", "enum": ["1", "image/png", "image.png"]})
    members = build(document({"Thing": schema})).enums[0].members
    assert [(m.py_name, m.value) for m in members] == [
        ("V_1", "1"),
        ("IMAGE_PNG", "image/png"),
        ("IMAGE_PNG_2", "image.png"),
    ]


def test_deprecated_enum_value_says_so_first() -> None:
    schema = obj(
        v={
            "type": "string",
            "enum": ["OLD", "NEW"],
            "enumDescriptions": ["Old one.", "New one."],
            "enumDeprecated": [True, False],
        }
    )
    members = build(document({"Thing": schema})).enums[0].members
    assert [m.doc for m in members] == ["Deprecated. Old one.", "New one."]


def test_dangling_ref_becomes_any() -> None:
    version = build(document({"Thing": obj(resolution=ref("MediaResolution"))}))
    assert field(version, "Thing", "resolution").annotation == "Any"
    assert "from typing import Any" in version.type_imports


def test_dangling_ref_warns_naming_its_discovery_path() -> None:
    version = build(document({"Thing": obj(resolution=ref("MediaResolution"))}))
    matching = [w for w in version.warnings if "MediaResolution" in w]
    assert len(matching) == 1
    assert matching[0].startswith("schemas.Thing.properties.resolution:")


def test_dangling_ref_in_array_items_becomes_a_list_of_any() -> None:
    version = build(document({"Thing": obj(parts=array(ref("Missing")))}))
    assert field(version, "Thing", "parts").annotation == "list[Any]"
    assert any(w.startswith("schemas.Thing.properties.parts.items:") for w in version.warnings)


def test_unknown_schema_type_raises_naming_the_place() -> None:
    with pytest.raises(DiscoveryError, match=r"schemas\.Thing\.properties\.x: unknown type"):
        build(document({"Thing": obj(x={"type": "bigint"})}))


def test_unknown_parameter_type_raises_naming_the_place() -> None:
    node = method("api.things.list", "v1/things", parameters={"n": query_param("bigint")})
    with pytest.raises(DiscoveryError, match=r"resources\.things\.methods\.list\.parameters\.n"):
        with_method(node)


def test_document_of_another_kind_is_rejected() -> None:
    with pytest.raises(DiscoveryError):
        build({**document(), "kind": "discovery#directoryList"})


# -- method traits ---------------------------------------------------------------------

GENERATE = {
    "GenerateRequest": obj(prompt=STRING),
    "GenerateResponse": obj(text=STRING),
}


def _generate(name: str) -> ir.Method:
    node = method(
        f"api.things.{name}",
        f"v1/{{+model}}:{name}",
        http="POST",
        parameters={"model": path_param("^models/[^/]+$")},
        order=["model"],
        request="GenerateRequest",
        response="GenerateResponse",
    )
    return one_method(with_method(node, GENERATE))


def test_method_whose_name_starts_with_stream_is_streaming() -> None:
    m = _generate("streamGenerateContent")
    assert (m.streaming, m.call_kind) == (True, "stream")
    assert m.return_annotation == "Stream[types.GenerateResponse]"


def test_method_not_starting_with_stream_is_not_streaming() -> None:
    m = _generate("generateContent")
    assert (m.streaming, m.call_kind) == (False, "call")
    assert m.return_annotation == "types.GenerateResponse"


def test_method_name_is_snake_case() -> None:
    assert _generate("streamGenerateContent").py_name == "stream_generate_content"


def test_method_keeps_request_and_response_types() -> None:
    m = _generate("generateContent")
    assert (m.request_type, m.response_type) == ("GenerateRequest", "GenerateResponse")


def _list(response: str, schemas: dict[str, Any], *, page_token: bool = True) -> ir.Version:
    params = {"pageSize": query_param("integer", format="int32")}
    if page_token:
        params["pageToken"] = query_param()
    node = method("api.things.list", "v1/things", parameters=params, response=response)
    return with_method(node, schemas)


LIST_THINGS = {
    "Thing": obj(name=STRING),
    "ListThingsResponse": obj(tunedModels=array(ref("Thing")), nextPageToken=STRING),
}


def test_page_token_next_page_token_and_one_repeated_field_paginate() -> None:
    m = one_method(_list("ListThingsResponse", LIST_THINGS))
    assert m.pagination == ir.Pagination(
        items_field="tuned_models", token_param="pageToken", item_annotation="types.Thing"
    )
    assert (m.call_kind, m.return_annotation, m.async_return_annotation) == (
        "paginate",
        "Pager[types.Thing, types.ListThingsResponse]",
        "AsyncPager[types.Thing, types.ListThingsResponse]",
    )


@pytest.mark.parametrize(
    ("items", "annotation"),
    [
        (STRING, "str"),
        ({"type": "integer", "format": "int32"}, "int"),
        (array(STRING), "Any"),  # a list of lists: not worth a spelling of its own
        ({"type": "object"}, "Any"),
        (obj(x=STRING), "types.ListThingsResponseThingsItem"),  # anonymous item Struct
    ],
)
def test_page_items_are_typed_by_their_schema(items: dict, annotation: str) -> None:
    schemas = {"ListThingsResponse": obj(things=array(items), nextPageToken=STRING)}
    m = one_method(_list("ListThingsResponse", schemas))
    assert m.pagination is not None and m.pagination.item_annotation == annotation


def test_list_operations_like_response_paginates_on_the_message_field() -> None:
    schemas = {
        "Operation": obj(name=STRING, done={"type": "boolean"}),
        "ListOperationsResponse": obj(
            operations=array(ref("Operation")),
            unreachable=array(STRING),
            nextPageToken=STRING,
        ),
    }
    m = one_method(_list("ListOperationsResponse", schemas))
    assert m.pagination is not None
    assert m.pagination.items_field == "operations"


def test_without_page_token_parameter_there_is_no_pagination() -> None:
    assert one_method(_list("ListThingsResponse", LIST_THINGS, page_token=False)).pagination is None


def test_without_next_page_token_there_is_no_pagination() -> None:
    schemas = {"Thing": obj(name=STRING), "ListThingsResponse": obj(things=array(ref("Thing")))}
    assert one_method(_list("ListThingsResponse", schemas)).pagination is None


def test_two_repeated_message_fields_no_rule_can_tell_apart_are_not_paginated_and_warn() -> None:
    schemas = {
        "Thing": obj(name=STRING),
        "ListThingsResponse": obj(
            alphas=array(ref("Thing")), betas=array(ref("Thing")), nextPageToken=STRING
        ),
    }
    version = _list("ListThingsResponse", schemas)
    assert one_method(version).pagination is None
    warning = next(w for w in version.warnings if w.startswith("resources.things.methods.list:"))
    assert "alphas, betas" in warning


def _returning(response: str, schemas: dict[str, Any]) -> ir.Method:
    node = method("api.things.create", "v1/things", http="POST", request="Thing", response=response)
    return one_method(with_method(node, {"Thing": obj(name=STRING), **schemas}))


def test_operation_shaped_response_is_long_running() -> None:
    operation = obj(
        name=STRING,
        done={"type": "boolean"},
        response={"type": "object", "additionalProperties": {"type": "any"}},
        error=ref("Status"),
    )
    schemas = {"Operation": operation, "Status": obj(code={"type": "integer"})}
    assert _returning("Operation", schemas).long_running is True


def test_operation_with_only_an_error_field_is_long_running() -> None:
    schemas = {"Op": obj(name=STRING, done={"type": "boolean"}, error={"type": "object"})}
    assert _returning("Op", schemas).long_running is True


def test_response_with_name_and_done_only_is_not_long_running() -> None:
    schemas = {"Job": obj(name=STRING, done={"type": "boolean"})}
    assert _returning("Job", schemas).long_running is False


def test_ordinary_response_is_not_long_running() -> None:
    assert _returning("Thing", {}).long_running is False


def test_media_upload_is_recorded() -> None:
    node = method(
        "api.media.upload",
        "v1/files",
        http="POST",
        request="File",
        response="File",
        supportsMediaUpload=True,
        mediaUpload={
            "accept": ["*/*"],
            "maxSize": "2147483648",
            "protocols": {
                "simple": {"multipart": True, "path": "/upload/v1/files"},
                "resumable": {"multipart": True, "path": "/resumable/upload/v1/files"},
            },
        },
    )
    m = one_method(with_method(node, {"File": obj(name=STRING)}))
    assert m.media_upload == ir.MediaUpload(
        simple_path="/upload/v1/files",
        resumable_path="/resumable/upload/v1/files",
        max_size=2147483648,
        accept=("*/*",),
    )


def test_method_without_media_upload_has_none() -> None:
    assert _generate("generateContent").media_upload is None


def test_dangling_response_ref_gives_no_response_type_and_warns() -> None:
    node = method("api.things.get", "v1/things", response="Missing")
    version = with_method(node)
    assert one_method(version).response_type is None
    assert any(w.startswith("resources.things.methods.get.response:") for w in version.warnings)


# -- parameters ------------------------------------------------------------------------


def test_path_params_follow_parameter_order() -> None:
    node = method(
        "api.things.get",
        "v1/{+parent}/things/{thingId}",
        parameters={"thingId": path_param(), "parent": path_param()},
        order=["parent", "thingId"],
    )
    params = one_method(with_method(node)).path_params
    assert [(p.wire_name, p.py_name) for p in params] == [
        ("parent", "parent"),
        ("thingId", "thing_id"),
    ]


def test_reserved_expansion_is_recorded_per_path_param() -> None:
    node = method(
        "api.things.get",
        "v1/{+parent}/things/{thingId}",
        parameters={"thingId": path_param(), "parent": path_param()},
        order=["parent", "thingId"],
    )
    params = one_method(with_method(node)).path_params
    assert [p.reserved_expansion for p in params] == [True, False]


def test_query_params_are_snake_case() -> None:
    node = method(
        "api.things.list",
        "v1/things",
        parameters={
            "pageSize": query_param("integer", format="int32"),
            "updateMask": query_param(),
        },
    )
    params = one_method(with_method(node)).query_params
    assert sorted((p.wire_name, p.py_name, p.annotation) for p in params) == [
        ("pageSize", "page_size", "int"),
        ("updateMask", "update_mask", "str"),
    ]


def test_query_param_clashing_with_a_path_param_gets_the_query_suffix() -> None:
    node = method(
        "api.things.get",
        "v1/{+thingName}",
        parameters={"thingName": path_param(), "thing_name": query_param()},
        order=["thingName"],
    )
    m = one_method(with_method(node))
    assert [p.py_name for p in m.path_params] == ["thing_name"]
    assert [(p.wire_name, p.py_name) for p in m.query_params] == [
        ("thing_name", "thing_name_query")
    ]


@pytest.mark.parametrize("wire", ["body", "options", "self", "class"])
def test_query_param_named_like_a_reserved_keyword_is_escaped(wire: str) -> None:
    node = method("api.things.list", "v1/things", parameters={wire: query_param()})
    assert [p.py_name for p in one_method(with_method(node)).query_params] == [wire + "_"]


def test_repeated_query_param_is_a_list() -> None:
    node = method("api.things.list", "v1/things", parameters={"ids": query_param(repeated=True)})
    assert one_method(with_method(node)).query_params[0].annotation == "list[str]"


def _short_prefix(pattern: str | None) -> str | None:
    node = method(
        "api.things.get", "v1/{+name}", parameters={"name": path_param(pattern)}, order=["name"]
    )
    return one_method(with_method(node)).path_params[0].short_prefix


def test_short_prefix_is_derived_from_a_collection_pattern() -> None:
    assert _short_prefix("^models/[^/]+$") == "models/"


@pytest.mark.parametrize(
    "pattern",
    [None, "^tunedModels/[^/]+/operations/[^/]+$", "^batches$", "^models/.*$", "models/[^/]+"],
)
def test_short_prefix_is_absent_for_other_patterns(pattern: str | None) -> None:
    assert _short_prefix(pattern) is None


def test_path_placeholder_without_a_path_parameter_raises() -> None:
    node = method("api.things.get", "v1/{+name}", parameters={"name": query_param()})
    with pytest.raises(ValueError, match="name"):
        with_method(node)


# -- resources -------------------------------------------------------------------------


def _resources() -> ir.Version:
    get = method("api.tunedModels.get", "v1/{+name}", parameters={"name": path_param()})
    get["parameterOrder"] = ["name"]
    perm = method("api.tunedModels.permissions.list", "v1/permissions")
    return build(
        document(
            resources={
                "tunedModels": {
                    "methods": {"get": get},
                    "resources": {"permissions": {"methods": {"list": perm}}},
                }
            }
        )
    )


def test_resource_attribute_and_class_names() -> None:
    (top,) = _resources().resources
    assert (top.attr_name, top.class_name, top.async_class_name) == (
        "tuned_models",
        "TunedModelsResource",
        "AsyncTunedModelsResource",
    )


def test_nested_resource_class_name_includes_its_parents() -> None:
    (top,) = _resources().resources
    (child,) = top.children
    assert (child.attr_name, child.class_name, child.async_class_name) == (
        "permissions",
        "TunedModelsPermissionsResource",
        "AsyncTunedModelsPermissionsResource",
    )


def test_all_resources_lists_children_before_parents() -> None:
    assert [r.class_name for r in _resources().all_resources] == [
        "TunedModelsPermissionsResource",
        "TunedModelsResource",
    ]


def test_distinct_resources_get_distinct_class_names() -> None:
    # `fooBar` and `foo.bar` both spell FooBar; one class would silently replace the other.
    resources = {
        "fooBar": {"methods": {"get": method("api.fooBar.get", "v1/fooBar")}},
        "foo": {"resources": {"bar": {"methods": {"list": method("api.foo.bar.list", "v1/b")}}}},
    }
    names = [r.class_name for r in build(document(resources=resources)).all_resources]
    assert len(names) == len(set(names)), names


def test_method_spec_names_are_unique_constants_from_the_resource_chain() -> None:
    assert [m.spec_name for m in _resources().methods] == [
        "_TUNED_MODELS_PERMISSIONS_LIST",
        "_TUNED_MODELS_GET",
    ]


def test_method_named_like_a_builtin_keeps_its_name() -> None:
    # `client.things.list` is an attribute, not a name in an annotation's scope.
    node = method("api.things.list", "v1/things")
    assert one_method(with_method(node)).py_name == "list"


# -- order and determinism -------------------------------------------------------------


def test_structs_are_sorted_by_name() -> None:
    schemas = {
        "Zeta": obj(a=STRING),
        "Alpha": obj(inner=obj(b=STRING)),
        "Mid": obj(c=STRING),
    }
    names = [s.name for s in build(document(schemas)).structs]
    assert names == ["Alpha", "AlphaInner", "Mid", "Zeta"]


def test_fields_are_sorted_by_wire_name() -> None:
    fields = struct(build(document({"T": obj(zeta=STRING, alpha=STRING, mid=STRING)})), "T").fields
    assert [f.wire_name for f in fields] == ["alpha", "mid", "zeta"]


def test_methods_are_sorted_within_a_resource_and_resources_by_name() -> None:
    resources = {
        "zoos": {"methods": {"list": method("api.zoos.list", "v1/zoos")}},
        "ants": {
            "methods": {
                "get": method("api.ants.get", "v1/ants/x"),
                "create": method("api.ants.create", "v1/ants", http="POST"),
            }
        },
    }
    ids = [m.id for m in build(document(resources=resources)).methods]
    assert ids == ["api.ants.create", "api.ants.get", "api.zoos.list"]


def test_enums_are_sorted_by_name() -> None:
    schemas = {
        "Zeta": obj(kind={"type": "string", "enum": ["A"]}),
        "Alpha": obj(kind={"type": "string", "enum": ["B"]}),
    }
    assert [e.name for e in build(document(schemas)).enums] == ["AlphaKind", "ZetaKind"]


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


def test_ir_does_not_depend_on_the_key_order_of_the_document() -> None:
    doc = document(
        {**LIST_THINGS, "Other": obj(b=obj(c=STRING), a=array(obj(d=STRING)))},
        {
            "things": {
                "methods": {
                    "list": method(
                        "api.things.list",
                        "v1/things",
                        parameters={"pageToken": query_param(), "pageSize": query_param()},
                        response="ListThingsResponse",
                    ),
                    "get": method("api.things.get", "v1/things/x", response="Thing"),
                }
            }
        },
    )
    first = dataclasses.replace(build(doc), sha256="")
    second = dataclasses.replace(build(_reversed_keys(doc)), sha256="")
    assert first == second


def test_building_twice_gives_equal_ir() -> None:
    doc = document(LIST_THINGS)
    assert build(doc) == build(doc)


# -- extension traits: x-mixin type arguments, x-body-shorthand ------------------------


def _asking(**method_x: Any) -> dict[str, Any]:
    node = method("api.things.ask", "v1/things:ask", http="POST", request="Ask", response="Ask")
    schemas = {"Ask": obj(prompt=STRING), "Chunk": obj(text=STRING)}
    return document(schemas, {"things": {"methods": {"ask": {**node, **method_x}}}})


def test_a_mixin_may_take_schemas_of_the_document_as_type_arguments() -> None:
    doc = _asking()
    doc["schemas"]["Ask"]["x-mixin"] = "pkg.mod:Replies[Chunk, Ask]"
    doc["x-mixin"] = {"sync": "pkg.mod:ClientMixin[Ask]", "async": "pkg.mod:AsyncMixin"}
    version = build(doc)
    struct = next(s for s in version.structs if s.name == "Ask")
    assert struct.mixin == ir.Mixin("pkg.mod", "Replies", ("Chunk", "Ask"))
    # types.py names its own classes; client.py and resources.py reach them as types.X.
    assert struct.bases == "_mixin_pkg_mod.Replies['Chunk', 'Ask'], Struct"
    assert version.client_bases == "_mixin_pkg_mod.ClientMixin['types.Ask'], SyncClientBase"
    assert version.async_client_bases == "_mixin_pkg_mod.AsyncMixin, AsyncClientBase"
    assert version.client_imports_types


def test_a_mixin_type_argument_must_name_a_schema() -> None:
    doc = _asking()
    doc["schemas"]["Ask"]["x-mixin"] = "pkg.mod:Replies[Nope]"
    with pytest.raises(ValueError, match=r"schemas\.Ask\.x-mixin: type argument\(s\) Nope"):
        build(doc)


@pytest.mark.parametrize("value", ["pkg.mod", "pkg.mod:Cls[", "pkg.mod:Cls[]", "pkg:Cls[1x]"])
def test_a_malformed_mixin_reference_is_refused(value: str) -> None:
    doc = _asking()
    doc["schemas"]["Ask"]["x-mixin"] = value
    with pytest.raises(ValueError, match="x-mixin: expected"):
        build(doc)


def test_the_client_base_names_the_operation_type_for_wait_operation() -> None:
    schemas = {"Operation": obj(name=STRING, done={"type": "boolean"}, error=obj(code=STRING))}
    node = method("api.ops.get", "v1/{+name}", parameters={"name": path_param()}, order=["name"])
    version = build(
        document(schemas, {"ops": {"methods": {"get": {**node, "response": ref("Operation")}}}})
    )
    assert version.client_bases == 'SyncClientBase["types.Operation"]'
    assert version.async_client_bases == 'AsyncClientBase["types.Operation"]'


def test_body_shorthand_widens_the_body_and_names_the_hook() -> None:
    shorthand = {
        "normalize": "pkg.hooks:prompt_body",
        "accepts": "pkg.hooks:Prompt",
        "description": "a string: the prompt",
    }
    m = one_method(build(_asking(**{"x-body-shorthand": shorthand})))
    assert m.body_shorthand == ir.BodyShorthand(
        ir.PyRef("pkg.hooks", "prompt_body"),
        ir.PyRef("pkg.hooks", "Prompt"),
        "a string: the prompt",
    )
    assert m.body_annotation == "types.Ask | Mapping[str, Any] | _ext_pkg_hooks.Prompt"
    assert m.normalize_expr == "_ext_pkg_hooks.prompt_body"
    assert "or a dict of the same shape; or a string: the prompt." in " ".join(m.doc.split())


def test_without_a_shorthand_the_body_is_the_request_or_its_dict() -> None:
    m = one_method(build(_asking()))
    assert (m.body_shorthand, m.normalize_expr) == (None, None)
    assert m.body_annotation == "types.Ask | Mapping[str, Any]"


@pytest.mark.parametrize(
    "value",
    [
        "pkg.hooks:prompt_body",  # not an object
        {"accepts": "pkg.hooks:Prompt"},  # no hook
        {"normalize": "pkg.hooks:prompt_body", "typo": 1},
        {"normalize": "pkg.hooks:prompt_body[Ask]"},  # a hook takes no type arguments
    ],
)
def test_a_malformed_body_shorthand_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="x-body-shorthand"):
        build(_asking(**{"x-body-shorthand": value}))


def test_a_body_shorthand_needs_a_request_body() -> None:
    doc = _asking()
    doc["resources"]["things"]["methods"]["ask"].pop("request")
    doc["resources"]["things"]["methods"]["ask"]["x-body-shorthand"] = {"normalize": "p.m:f"}
    with pytest.raises(ValueError, match="takes no request body"):
        build(doc)
