"""Short request bodies for the methods whose request carries ``contents``.

``discovery/extensions/generativelanguage.all.conveniences.json`` declares
``x-body-shorthand`` on ``generateContent``, ``streamGenerateContent`` and ``countTokens``
(of ``models`` and ``tunedModels``): their ``body`` may then also be :data:`Contents` --
a string, a ``Part``, a ``Content``, an uploaded ``File``, or a list mixing them --
and the runtime calls :func:`generate_content_body` on every body before encoding it.

Contents are normalised as the official SDK does: a string is a text part; consecutive
parts (strings, Parts, Files, part dicts) form one turn, a ``user`` turn unless they are
function calls (a ``model`` turn); a ``Content`` (or a dict with ``parts`` or ``role``)
is a turn of its own; a nested list is one user turn of those parts.

Inside a dict or Struct body the same hook also lets

* ``contents`` be any of the forms above, and ``systemInstruction`` a string or parts;
* a Python type stand where the API takes a JSON Schema (``generationConfig.
  responseJsonSchema``, a function declaration's ``parametersJsonSchema`` and
  ``responseJsonSchema``): it is sent as its reduced JSON Schema (:mod:`.schema`), and
  ``responseMimeType`` defaults to ``application/json`` alongside it;
* Python functions stand in ``tools``: they are declared from their signature
  (:mod:`.functions`). A plain request only declares them; a chat also runs them.

Bodies that need none of this pass through untouched and uncopied: the checks are a
few dict lookups, so the common path costs next to nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from .parts import ContentMixin, FileMixin, PartMixin

#: What a method with a ``contents`` shorthand accepts as ``body`` (besides its request
#: type and a dict of the same shape).
Contents: TypeAlias = (
    str
    | PartMixin
    | ContentMixin
    | FileMixin
    | Sequence[str | PartMixin | ContentMixin | FileMixin | Mapping[str, Any]]
)

_JSON_SCHEMA_KEYS = (
    "responseJsonSchema",
    "_responseJsonSchema",
    "response_json_schema",
    "response_json_schema_2",
)
_DECLARATION_SCHEMA_KEYS = (
    "parametersJsonSchema",
    "responseJsonSchema",
    "parameters_json_schema",
    "response_json_schema",
)


def _error(message: str, path: str) -> Exception:
    from generativelanguage.runtime.errors import RequestValidationError

    return RequestValidationError(f"{path}: {message}", path=path)


# -- contents ------------------------------------------------------------------------


def _is_content(value: Any) -> bool:
    if isinstance(value, ContentMixin):
        return True
    # A dict is a turn when it says so (``parts``, ``role``) or is empty, as in the
    # official SDK; any other dict is a part (``{"text": ...}``).
    return isinstance(value, Mapping) and (not value or "parts" in value or "role" in value)


def _part(value: Any, path: str) -> Any:
    """A part as the request carries it: a Part (kept), or a dict."""
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, (PartMixin, Mapping)):
        return value
    if isinstance(value, FileMixin):
        uri, mime_type = getattr(value, "uri", None), getattr(value, "mime_type", None)
        if not uri:
            raise _error("the File has no uri (was it uploaded?)", path)
        data = {"fileUri": uri} if not mime_type else {"fileUri": uri, "mimeType": mime_type}
        return {"fileData": data}
    raise _error(
        f"expected a string, a Part, a Content, a File or a list of them, got "
        f"{type(value).__name__}",
        path,
    )


def _calls_function(part: Any) -> bool:
    if isinstance(part, Mapping):
        return "functionCall" in part or "function_call" in part
    return getattr(part, "function_call", None) is not None


def contents(value: Any, path: str = "body") -> list[Any]:
    """``value`` (see the module docstring) as a list of turns (Contents or dicts)."""
    if isinstance(value, (str, PartMixin, FileMixin)) or (
        isinstance(value, Mapping) and not _is_content(value)
    ):
        value = [value]
    elif _is_content(value):
        return [value]
    elif not isinstance(value, Sequence) or isinstance(value, (bytes, bytearray)):
        raise _error(
            f"expected a string, a Part, a Content, a File or a list of them, got "
            f"{type(value).__name__}",
            path,
        )
    if not value:
        raise _error("contents are empty; give at least one turn or part", path)
    turns: list[Any] = []
    pending: list[Any] = []
    pending_model = False

    def flush() -> None:
        if pending:
            turns.append({"role": "model" if pending_model else "user", "parts": pending[:]})
            pending.clear()

    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if _is_content(item):
            flush()
            turns.append(item)
        elif isinstance(item, (list, tuple)):
            flush()
            if not item:
                raise _error("an empty list of parts", where)
            parts = [_part(p, f"{where}[{j}]") for j, p in enumerate(item)]
            turns.append({"role": "user", "parts": parts})
        else:
            part = _part(item, where)
            is_model = _calls_function(part)
            if pending and is_model != pending_model:
                flush()
            pending_model = is_model
            pending.append(part)
    flush()
    return turns


def _needs_contents(value: Any) -> bool:
    """Whether a ``contents`` value is a shorthand rather than a list of turns."""
    if type(value) is not list:
        return True
    return not all(_is_content(item) for item in value)


def system_instruction(value: Any, path: str) -> Any:
    """A system instruction given as text or parts, as a Content (no role)."""
    if _is_content(value):
        return value
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise _error("an empty system instruction", path)
    return {"parts": [_part(p, f"{path}[{i}]") for i, p in enumerate(items)]}


# -- JSON schemas and tools ------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _cached_schema(tp: Any) -> dict[str, Any]:
    from .schema import json_schema

    return json_schema(tp)


def schema_of(tp: Any, path: str) -> dict[str, Any]:
    """The JSON Schema of Python type ``tp`` (memoised: a program sends the same few)."""
    try:
        try:
            schema = _cached_schema(tp)
        except TypeError as exc:
            if "unhashable" not in str(exc):
                raise
            from .schema import json_schema

            schema = json_schema(tp)
    except TypeError as exc:
        raise _error(str(exc), path) from None
    import copy

    return copy.deepcopy(schema)  # the caller's request may be changed later


def _python_type(value: Any) -> bool:
    from .schema import is_python_type

    return value is not None and not isinstance(value, (dict, bool)) and is_python_type(value)


def generation_config(value: Any, path: str) -> Any:
    """``generationConfig`` with Python types in its JSON-schema fields described."""
    if isinstance(value, Mapping):
        found = [k for k in _JSON_SCHEMA_KEYS if _python_type(value.get(k))]
        for key in ("responseSchema", "response_schema"):
            if _python_type(value.get(key)):
                raise _error(
                    "responseSchema takes the API's own Schema; give a Python type as "
                    "responseJsonSchema instead",
                    f"{path}.{key}",
                )
        if not found:
            return value
        out = dict(value)
        for key in found:
            out[key] = schema_of(value[key], f"{path}.{key}")
        if not (out.get("responseMimeType") or out.get("response_mime_type")):
            out["responseMimeType"] = "application/json"
        return out
    fields = getattr(value, "__struct_fields__", ())
    found = [f for f in ("response_json_schema", "response_json_schema_2") if f in fields]
    found = [f for f in found if _python_type(getattr(value, f))]
    if _python_type(getattr(value, "response_schema", None)):
        raise _error(
            "response_schema takes the API's own Schema; give a Python type as "
            "response_json_schema instead",
            f"{path}.response_schema",
        )
    if not found:
        return value
    import msgspec

    changes: dict[str, Any] = {f: schema_of(getattr(value, f), f"{path}.{f}") for f in found}
    if "response_mime_type" in fields and not value.response_mime_type:
        changes["response_mime_type"] = "application/json"
    return msgspec.structs.replace(value, **changes)


@functools.lru_cache(maxsize=256)
def _declaration(fn: Any) -> dict[str, Any]:
    from .functions import Function

    return Function(fn).declaration


def declaration_of(fn: Any, path: str) -> dict[str, Any]:
    from .functions import FunctionToolError

    try:
        try:
            found = _declaration(fn)
        except TypeError as exc:
            if "unhashable" not in str(exc):
                raise
            from .functions import Function

            found = Function(fn).declaration
    except FunctionToolError as exc:
        raise _error(str(exc), path) from None
    import copy

    return copy.deepcopy(found)


def _declaration_fields(value: Any, path: str) -> Any:
    """One function declaration with Python types in its JSON-schema fields described;
    a Python function given instead of a declaration is declared."""
    from .functions import is_function

    if is_function(value):
        return declaration_of(value, path)
    if isinstance(value, Mapping):
        found = [k for k in _DECLARATION_SCHEMA_KEYS if _python_type(value.get(k))]
        if not found:
            return value
        return {**value, **{k: schema_of(value[k], f"{path}.{k}") for k in found}}
    fields = getattr(value, "__struct_fields__", ())
    found = [f for f in ("parameters_json_schema", "response_json_schema") if f in fields]
    found = [f for f in found if _python_type(getattr(value, f))]
    if not found:
        return value
    import msgspec

    return msgspec.structs.replace(
        value, **{f: schema_of(getattr(value, f), f"{path}.{f}") for f in found}
    )


def _tool(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        key = next(
            (k for k in ("functionDeclarations", "function_declarations") if k in value), None
        )
        declarations = value.get(key) if key else None
        if not isinstance(declarations, (list, tuple)):
            return value
        done = [_declaration_fields(d, f"{path}.{key}[{i}]") for i, d in enumerate(declarations)]
        if all(a is b for a, b in zip(done, declarations, strict=True)):
            return value
        return {**value, key: done}
    declarations = getattr(value, "function_declarations", None)
    if not isinstance(declarations, list):
        return value
    done = [
        _declaration_fields(d, f"{path}.function_declarations[{i}]")
        for i, d in enumerate(declarations)
    ]
    if all(a is b for a, b in zip(done, declarations, strict=True)):
        return value
    import msgspec

    return msgspec.structs.replace(value, function_declarations=done)


def tools(value: Any, path: str) -> Any:
    """``tools`` with Python functions declared (consecutive ones share one Tool)."""
    from .functions import is_function

    if not isinstance(value, (list, tuple)):
        return value
    out: list[Any] = []
    group: list[dict[str, Any]] | None = None  # declarations of consecutive functions
    changed = False
    for i, tool in enumerate(value):
        where = f"{path}[{i}]"
        if is_function(tool):
            changed = True
            if group is None:
                group = []
                out.append({"functionDeclarations": group})
            group.append(declaration_of(tool, where))
            continue
        group = None
        done = _tool(tool, where)
        changed = changed or done is not tool
        out.append(done)
    return out if changed else value


# -- the hook ----------------------------------------------------------------------------


def _request_mapping(body: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    changes: dict[str, Any] = {}
    value = body.get("contents")
    if value is not None and _needs_contents(value):
        changes["contents"] = contents(value, f"{path}.contents")
    for key in ("systemInstruction", "system_instruction"):
        value = body.get(key)
        if value is not None and not _is_content(value):
            changes[key] = system_instruction(value, f"{path}.{key}")
    for key in ("generationConfig", "generation_config"):
        value = body.get(key)
        if value is not None:
            done = generation_config(value, f"{path}.{key}")
            if done is not value:
                changes[key] = done
    value = body.get("tools")
    if value:
        done = tools(value, f"{path}.tools")
        if done is not value:
            changes["tools"] = done
    for key in ("generateContentRequest", "generate_content_request"):
        value = body.get(key)  # countTokens: the request it counts
        if value is not None:
            done = _request(value, f"{path}.{key}")
            if done is not value:
                changes[key] = done
    return {**body, **changes} if changes else body


def _request_struct(body: Any, path: str) -> Any:
    changes: dict[str, Any] = {}
    config = getattr(body, "generation_config", None)
    if config is not None:
        done = generation_config(config, f"{path}.generation_config")
        if done is not config:
            changes["generation_config"] = done
    value = getattr(body, "tools", None)
    if value:
        done = tools(value, f"{path}.tools")
        if done is not value:
            changes["tools"] = done
    nested = getattr(body, "generate_content_request", None)
    if nested is not None:
        done = _request(nested, f"{path}.generate_content_request")
        if done is not nested:
            changes["generate_content_request"] = done
    if not changes:
        return body
    import msgspec

    return msgspec.structs.replace(body, **changes)


def _request(body: Any, path: str) -> Any:
    if isinstance(body, Mapping):
        return _request_mapping(body, path)
    if isinstance(body, (str, PartMixin, ContentMixin, FileMixin, list, tuple)):
        return {"contents": contents(body, path)}
    if hasattr(body, "__struct_fields__"):
        return _request_struct(body, path)
    raise _error(
        f"expected the request (a Struct or a dict), or its contents: a string, a Part, a "
        f"Content, a File or a list of them; got {type(body).__name__}",
        path,
    )


def embed_content_body(body: Any) -> Any:
    """The ``x-body-shorthand`` hook of ``embedContent``: ``body`` may be the one turn to
    embed (a string, a Part, a Content, a File or a list of parts), alone or as the
    request's ``content``."""
    if body is None:
        return None
    if isinstance(body, Mapping):
        content = body.get("content")
        if content is None or _is_content(content):
            return body
        return {**body, "content": _one_turn(content, "body.content")}
    if isinstance(body, (str, PartMixin, ContentMixin, FileMixin, list, tuple)):
        return {"content": _one_turn(body, "body")}
    if hasattr(body, "__struct_fields__"):
        return body
    raise _error(
        f"expected the request (a Struct or a dict), or the content to embed: a string, a "
        f"Part, a Content, a File or a list of parts; got {type(body).__name__}",
        "body",
    )


def _one_turn(value: Any, path: str) -> Any:
    turns = contents(value, path)
    if len(turns) != 1:
        raise _error(f"expected one turn to embed, got {len(turns)}", path)
    return turns[0]


# -- the common case, fast: a body that needs nothing ---------------------------------
#
# Most requests are already in the request's shape. These predicates say so with type
# checks and dict lookups only (no isinstance against ABCs, no paths built), so the hook
# costs well under a microsecond on the hot path; anything they are unsure of goes to
# the full normalisation above, which leaves a body it need not change as it is.


def _plain(value: Any) -> bool:
    """None, or a JSON schema given as data rather than as a Python type."""
    kind = type(value)
    return value is None or kind is dict or kind is bool


def _is_turn(item: Any) -> bool:
    if type(item) is dict:
        return not item or "parts" in item or "role" in item
    return isinstance(item, ContentMixin)


_CONFIG_SCHEMA_KEYS = frozenset((*_JSON_SCHEMA_KEYS, "responseSchema", "response_schema"))


def _plain_config(config: Any) -> bool:
    if type(config) is dict:
        for key, value in config.items():
            if key in _CONFIG_SCHEMA_KEYS and not _plain(value):
                return False
        return True
    schema = getattr(config, "response_schema", None)
    return (
        _plain(getattr(config, "response_json_schema", None))
        and _plain(getattr(config, "response_json_schema_2", None))
        and (schema is None or hasattr(schema, "__struct_fields__") or type(schema) is dict)
    )


def _plain_tools(value: Any) -> bool:
    if type(value) is not list:
        return False
    for tool in value:
        if type(tool) is dict:
            declarations = tool.get("functionDeclarations") or tool.get("function_declarations")
        elif hasattr(tool, "__struct_fields__"):
            declarations = getattr(tool, "function_declarations", None)
        else:
            return False  # a Python function, or something to report
        for declaration in declarations or ():
            if type(declaration) is dict:
                if not all(_plain(declaration.get(k)) for k in _DECLARATION_SCHEMA_KEYS):
                    return False
            elif hasattr(declaration, "__struct_fields__"):
                if not (
                    _plain(getattr(declaration, "parameters_json_schema", None))
                    and _plain(getattr(declaration, "response_json_schema", None))
                ):
                    return False
            else:
                return False
    return True


def _plain_contents(value: Any) -> bool:
    return type(value) is list and all(map(_is_turn, value))


def _never(value: Any) -> bool:
    return False


#: Per top-level key of a dict body: whether its value needs nothing.
_DICT_CHECKS: dict[str, Any] = {
    "contents": _plain_contents,
    "systemInstruction": _is_turn,
    "system_instruction": _is_turn,
    "generationConfig": _plain_config,
    "generation_config": _plain_config,
    "tools": _plain_tools,
    "generateContentRequest": _never,  # countTokens: normalised like a request of its own
    "generate_content_request": _never,
}


def _settled(body: Any) -> bool:
    """Whether ``body`` (a dict or a Struct) is in the request's shape already."""
    if type(body) is dict:
        for key, value in body.items():
            check = _DICT_CHECKS.get(key)
            if check is not None and value is not None and not check(value):
                return False
        return True
    if not hasattr(body, "__struct_fields__") or isinstance(body, (PartMixin, ContentMixin)):
        return False
    config = getattr(body, "generation_config", None)
    tools = getattr(body, "tools", None)
    return (
        (config is None or _plain_config(config))
        and (not tools or _plain_tools(tools))
        and getattr(body, "generate_content_request", None) is None
    )


def generate_content_body(body: Any) -> Any:
    """The ``x-body-shorthand`` hook of generate, stream and count tokens: ``body`` in
    the request's own shape (a dict or the request Struct)."""
    if body is None or _settled(body):
        return body
    return _request(body, "body")
