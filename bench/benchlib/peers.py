"""The peers' code paths, reproduced from their sources (versions pinned in
bench/requirements.txt), so that the codec benchmarks time exactly what their
``generate_content`` does after (decode) or before (encode) the HTTP exchange."""

from __future__ import annotations

import json
from typing import Any

GENAI_DECODE_DOC = (
    "google.genai.models.Models._generate_content after the HTTP call: "
    "json.loads(response.body) -> models._GenerateContentResponse_from_mldev(d, None, "
    "parameter_model) -> types.GenerateContentResponse._from_response(response=d, "
    "kwargs={}) (the body handed over as str, as HttpResponse.body holds response.text)"
)
GAPIC_DECODE_DOC = (
    "GenerativeServiceRestTransport._GenerateContent.__call__ after the HTTP call: "
    "resp = GenerateContentResponse(); json_format.Parse(response.content, "
    "GenerateContentResponse.pb(resp), ignore_unknown_fields=True)"
)
GENAI_ENCODE_DOC = (
    "google.genai.models.Models._generate_content before the HTTP call: "
    "types._GenerateContentParameters(model, contents, config) -> "
    "_GenerateContentParameters_to_mldev -> _common.convert_to_dict -> "
    "_common.encode_unserializable_types -> json.dumps (BaseApiClient._request)"
)
GAPIC_ENCODE_DOC = (
    "GenerativeServiceRestTransport._GenerateContent.__call__ before the HTTP call: "
    "transcode_request(http_options, request, rest_numeric_enums=True) "
    "(path_template.transcode + json_format.MessageToJson)"
)


def _genai():
    try:
        from google import genai
        from google.genai import _common, models, types
    except ImportError:
        return None
    return genai, _common, models, types


def genai_client(base_url: str | None = None, backend: str | None = None):
    """A google-genai client; ``backend`` 'httpx' or 'httpx2' (its default when both
    are installed) is chosen with the GOOGLE_GENAI_HTTP_CLIENT variable it reads."""
    import os

    mods = _genai()
    if mods is None:
        return None
    genai, _, _, types = mods
    old = os.environ.get("GOOGLE_GENAI_HTTP_CLIENT")
    if backend:
        os.environ["GOOGLE_GENAI_HTTP_CLIENT"] = backend
    try:
        opts = types.HttpOptions(base_url=base_url) if base_url else None
        return genai.Client(api_key="bench-key", http_options=opts)
    finally:
        if backend:
            if old is None:
                os.environ.pop("GOOGLE_GENAI_HTTP_CLIENT", None)
            else:
                os.environ["GOOGLE_GENAI_HTTP_CLIENT"] = old


def genai_params(wire: dict) -> tuple[Any, dict]:
    """(contents, config) for google-genai from a wire-format request: the
    generationConfig fields and the request-level fields go into its config."""
    config = dict(wire.get("generationConfig") or {})
    for key in ("systemInstruction", "tools", "toolConfig", "safetySettings", "cachedContent"):
        if key in wire:
            config[key] = wire[key]
    return wire["contents"], config


def genai_decoder():
    mods = _genai()
    if mods is None:
        return None
    _, _, models, types = mods
    parameter_model = types._GenerateContentParameters(model="models/bench", contents="hi")
    from_mldev = models._GenerateContentResponse_from_mldev
    from_response = types.GenerateContentResponse._from_response

    def decode(data: bytes) -> Any:
        body = data.decode("utf-8")
        response_dict = {} if not body else json.loads(body)
        response_dict = from_mldev(response_dict, None, parameter_model)
        return from_response(response=response_dict, kwargs={})

    return decode


def genai_encoder(wire: dict, from_objects: bool):
    mods = _genai()
    if mods is None:
        return None
    _, _common, models, types = mods
    client = genai_client()
    api_client = client._api_client
    contents, config = genai_params(wire)
    if from_objects:
        contents = [types.Content.model_validate(c) for c in contents]
        config = types.GenerateContentConfig.model_validate(config)

    def encode() -> bytes:
        parameter_model = types._GenerateContentParameters(
            model="models/bench", contents=contents, config=config
        )
        request_dict = models._GenerateContentParameters_to_mldev(
            api_client, parameter_model, None, parameter_model
        )
        request_dict.pop("config", None)
        request_dict.pop("_url", None)
        request_dict = _common.convert_to_dict(request_dict)
        request_dict = _common.encode_unserializable_types(request_dict)
        return json.dumps(request_dict).encode("utf-8")

    return encode


def _gapic():
    try:
        from google.ai import generativelanguage_v1beta as glm
        from google.ai.generativelanguage_v1beta._compat import transcode_request
        from google.ai.generativelanguage_v1beta.services.generative_service.transports import (
            rest_base,
        )
        from google.protobuf import json_format
    except ImportError:
        return None
    return glm, transcode_request, rest_base, json_format


def gapic_client(endpoint: str | None = None):
    mods = _gapic()
    if mods is None:
        return None
    glm = mods[0]
    from google.auth.credentials import AnonymousCredentials

    options = {"api_endpoint": endpoint} if endpoint else None
    return glm.GenerativeServiceClient(
        credentials=AnonymousCredentials(), transport="rest", client_options=options
    )


def gapic_request(wire: dict, model: str = "models/bench"):
    """A proto-plus GenerateContentRequest with the content of a wire-format request
    (fields unknown to the GAPIC's proto are dropped)."""
    glm, _, _, json_format = _gapic()
    pb = glm.GenerateContentRequest.pb()()
    json_format.ParseDict({**wire, "model": model}, pb, ignore_unknown_fields=True)
    return glm.GenerateContentRequest.wrap(pb)


def gapic_decoder():
    mods = _gapic()
    if mods is None:
        return None
    glm, _, _, json_format = mods
    GCR = glm.GenerateContentResponse
    parse = json_format.Parse

    def decode(data: bytes) -> Any:
        resp = GCR()
        parse(data, GCR.pb(resp), ignore_unknown_fields=True)
        return resp

    return decode


def gapic_encoder(wire: dict, from_objects: bool):
    mods = _gapic()
    if mods is None:
        return None
    glm, transcode_request, rest_base, json_format = mods
    base = rest_base._BaseGenerativeServiceRestTransport._BaseGenerateContent
    required = getattr(base, "_BaseGenerateContent__REQUIRED_FIELDS_DEFAULT_VALUES", None)
    request = gapic_request(wire)
    snake = json_format.MessageToDict(
        glm.GenerateContentRequest.pb(request), preserving_proto_field_name=True
    )

    def encode() -> bytes:
        req = request if from_objects else glm.GenerateContentRequest(snake)
        http_options = base._get_http_options()
        _, body, _ = transcode_request(
            http_options, req, required_fields_default_values=required, rest_numeric_enums=True
        )
        return body.encode("utf-8")

    return encode
