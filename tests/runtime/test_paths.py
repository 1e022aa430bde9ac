"""Path parameters: checked against their pattern, percent-encoded so that a value can
never change which URL is requested. Pure expansion first, then what the server sees."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from generativelanguage.runtime.errors import RequestValidationError
from generativelanguage.runtime.paths import PathParam, PathTemplate
from tests.runtime.conftest import Harness, ready
from tests.support.server import Reply


def model_template() -> PathTemplate:
    param = PathParam("model", "^models/[^/]+$", py_name="model", prefix="models/")
    return PathTemplate("v1beta/{+model}:generateContent", (param,))


def expand(value: object) -> str:
    return model_template().expand({"model": value})


# -- pure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("models/gemini-2.5-flash", "v1beta/models/gemini-2.5-flash:generateContent"),
        ("gemini-2.5-flash", "v1beta/models/gemini-2.5-flash:generateContent"),
        ("models/x?alt=media", "v1beta/models/x%3Falt%3Dmedia:generateContent"),
        ("models/x#y", "v1beta/models/x%23y:generateContent"),
        ("models/a b", "v1beta/models/a%20b:generateContent"),
        ("models/100%", "v1beta/models/100%25:generateContent"),
        ("models/%2e%2e", "v1beta/models/%252e%252e:generateContent"),
        (
            "models/x:streamGenerateContent",
            "v1beta/models/x%3AstreamGenerateContent:generateContent",
        ),
        ("models/é", "v1beta/models/%C3%A9:generateContent"),
        ("x?y", "v1beta/models/x%3Fy:generateContent"),
        ("models/a.b-c_d~e", "v1beta/models/a.b-c_d~e:generateContent"),
    ],
)
def test_values_are_completed_and_percent_encoded(value, path):
    assert expand(value) == path


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("models/../files", "does not match"),
        ("../files", "does not match"),
        ("models/..", "'..'"),
        ("models/.", "'.'"),
        ("..", "'..'"),
        (".", "'.'"),
        ("", "does not match"),
        ("models/", "does not match"),
        ("models/x/y", "does not match"),
        ("tunedModels/x", "does not match"),
        (None, "is a NoneType, not a str"),
        (42, "is a int, not a str"),
        (b"models/x", "is a bytes, not a str"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter_and_form(value, why):
    with pytest.raises(RequestValidationError) as info:
        expand(value)
    message = str(info.value)
    assert info.value.path == "model"
    assert message.startswith("model=")
    assert repr(value).strip("'") in message  # the value as given (or completed)
    assert why in message
    assert "'models/*'" in message


def test_python_name_is_used_in_messages():
    param = PathParam(
        "fileSearchStoreName",
        "^fileSearchStores/[^/]+$",
        py_name="file_search_store_name",
        prefix="fileSearchStores/",
    )
    template = PathTemplate("v1beta/{+fileSearchStoreName}:importFile", (param,))
    with pytest.raises(RequestValidationError) as info:
        template.expand({"fileSearchStoreName": "models/x"})
    assert info.value.path == "file_search_store_name"
    assert "file_search_store_name='models/x'" in str(info.value)
    assert "'fileSearchStores/*'" in str(info.value)


def test_simple_expansion_encodes_slashes():
    template = PathTemplate("v1beta/environments/{id}:get", (PathParam("id", reserved=False),))
    assert template.expand({"id": "a/b"}) == "v1beta/environments/a%2Fb:get"
    assert template.expand({"id": "a/../b"}) == "v1beta/environments/a%2F..%2Fb:get"
    for bad in ("", ".", ".."):
        with pytest.raises(RequestValidationError, match="'id'|id="):
            template.expand({"id": bad})


def test_reserved_expansion_without_a_pattern_keeps_slashes_but_checks_segments():
    template = PathTemplate("v1beta/{+name}", (PathParam("name"),))
    assert template.expand({"name": "a/b c/d"}) == "v1beta/a/b%20c/d"
    for bad in ("a//b", "a/../b", "/a", "a/"):
        with pytest.raises(RequestValidationError):
            template.expand({"name": bad})


# -- over HTTP -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("models/x?alt=media", "x?alt=media"),
        ("models/x#y", "x#y"),
        ("models/a b", "a b"),
        ("models/100%", "100%"),
        ("models/%2e%2e", "%2e%2e"),
        ("gemini-x", "gemini-x"),
    ],
)
def test_server_sees_exactly_one_segment(h: Harness, server, value, segment):
    server.handler = lambda rec: Reply(200, b"{}")

    async def scenario(client):
        await ready(client.models.generate_content(value, body={}))
        stream = await ready(client.models.stream_generate_content(value, body={}))
        await ready(stream.close())

    h.run(scenario)
    unary, streamed = server.requests
    assert unary.query == []
    assert streamed.query == [("alt", "sse")]
    for rec, verb in ((unary, "generateContent"), (streamed, "streamGenerateContent")):
        target = rec.raw_target
        assert "#" not in target
        path, _, query = target.partition("?")
        segments = path.split("/")
        assert segments[:3] == ["", "v1beta", "models"]
        assert len(segments) == 4
        assert unquote(segments[3]) == f"{segment}:{verb}"
        assert "alt=media" not in query


@pytest.mark.parametrize("value", ["models/../files", "models/..", "", "models/x/y", None, 7])
def test_refused_values_send_nothing(h: Harness, server, value):
    async def scenario(client):
        await ready(client.models.generate_content(value, body={}))

    with pytest.raises(RequestValidationError) as info:
        h.run(scenario)
    assert info.value.path == "model"
    assert server.requests == []


def test_simple_expansion_over_http(h: Harness, server):
    server.handler = lambda rec: Reply(200, b'{"name": "environments/x"}')

    async def scenario(client):
        return await ready(client.environments.get("a/b?c"))

    h.run(scenario)
    [rec] = server.requests
    assert rec.raw_target == "/v1beta/environments/a%2Fb%3Fc:get"
