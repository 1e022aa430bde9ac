"""Python functions as tools: their declarations, and running the calls a model asks for.

A function given in ``tools=`` is declared to the model from its name, signature,
annotations and docstring (Google style: the text before ``Args:`` describes the
function, each ``name: text`` line under ``Args:`` a parameter). Its parameters become
a JSON Schema through a msgspec Struct built from the signature (so ``City``, ``list[str]``,
``Literal[...]``, dataclasses and defaults all work), reduced as in :mod:`.schema`.

When the model calls it, the arguments are validated and converted with that same
Struct, the function runs, and its result (anything ``msgspec.to_builtins`` handles, else
its ``str``) goes back as ``{"result": ...}``. A failure -- bad arguments, an exception
raised by the function -- goes back as ``{"error": "..."}`` for the model to see, as the
official SDK does, instead of ending the conversation.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import schema

#: Function names the service accepts (FunctionDeclaration.name).
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")
_ARG_LINE = re.compile(r"^\s*\**([A-Za-z_][A-Za-z0-9_]*)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SECTIONS = ("Args:", "Arguments:", "Parameters:", "Returns:", "Raises:", "Yields:")


class FunctionToolError(TypeError):
    """A callable in ``tools=`` cannot be declared to the model (the message says why)."""


def is_function(value: object) -> bool:
    """Whether a ``tools=`` entry is a Python callable to declare (not a Tool, a dict)."""
    return callable(value) and not isinstance(value, type) and not isinstance(value, Mapping)


class Function:
    """One Python callable as a tool: its declaration and how to call it."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        name = getattr(fn, "__name__", None)
        if not isinstance(name, str) or not _NAME.match(name):
            raise FunctionToolError(
                f"{fn!r}: a tool function needs a name of letters, digits, _ . : - "
                "(at most 64, not starting with a digit)"
            )
        self.fn = fn
        self.name = name
        self.is_async = inspect.iscoroutinefunction(fn)
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError) as exc:
            raise FunctionToolError(f"{name}: its signature cannot be read: {exc}") from None
        try:
            hints = typing.get_type_hints(fn, include_extras=True)
        except Exception as exc:  # an annotation naming something undefined
            raise FunctionToolError(f"{name}: cannot resolve its annotations: {exc}") from None
        summary, arg_docs = parse_docstring(inspect.getdoc(fn) or "")
        self.positional: list[str] = []
        fields: list[tuple[Any, ...]] = []
        for param in signature.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise FunctionToolError(
                    f"{name}: *{param.name} cannot be declared; name each parameter"
                )
            if param.kind is param.POSITIONAL_ONLY:
                self.positional.append(param.name)
            annotation = hints.get(param.name, Any)
            if param.default is param.empty:
                fields.append((param.name, annotation))
            else:
                fields.append((param.name, annotation, param.default))
        import msgspec

        try:
            self.arguments: type = msgspec.defstruct(
                name.replace(".", "_").replace(":", "_").replace("-", "_"),
                fields,
                kw_only=True,
                forbid_unknown_fields=True,
            )
        except (TypeError, ValueError) as exc:
            raise FunctionToolError(f"{name}: its parameters cannot be described: {exc}") from None
        self.declaration: dict[str, Any] = {"name": name}
        if summary:
            self.declaration["description"] = summary
        if fields:
            try:
                parameters = schema.json_schema(self.arguments)
            except TypeError as exc:
                raise FunctionToolError(f"{name}: {exc}") from None
            parameters.pop("title", None)
            for arg, text in arg_docs.items():
                prop = (parameters.get("properties") or {}).get(arg)
                if isinstance(prop, dict) and "description" not in prop and "$ref" not in prop:
                    prop["description"] = text
            self.declaration["parametersJsonSchema"] = parameters

    def bind(self, args: Mapping[str, Any] | None) -> tuple[list[Any], dict[str, Any]]:
        """Positional and keyword arguments for a call's ``args``, validated.

        Raises:
            msgspec.ValidationError: The arguments do not fit the signature.
        """
        import msgspec

        values: Any = msgspec.convert(dict(args or {}), self.arguments, strict=False)
        given = {f: getattr(values, f) for f in values.__struct_fields__}
        positional = [given.pop(n) for n in self.positional]
        return positional, given

    def __repr__(self) -> str:
        return f"Function({self.name})"


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The description (text before the first section) and ``{arg: description}`` of a
    Google-style docstring."""
    description: list[str] = []
    args: dict[str, str] = {}
    section = None
    current: str | None = None
    args_indent = 0
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped in _SECTIONS:
            section, current = stripped, None
            continue
        if section is None:
            description.append(line)
        elif section in ("Args:", "Arguments:", "Parameters:"):
            match = _ARG_LINE.match(line)
            indent = len(line) - len(line.lstrip())
            if match and (current is None or indent <= args_indent):
                name, args_indent = match.group(1), indent
                args[name] = match.group(2).strip()
                current = name
            elif current is not None and stripped:
                args[current] = f"{args[current]} {stripped}".strip()
    return "\n".join(description).strip(), args


def result_payload(value: Any) -> dict[str, Any]:
    """A function's return value as a ``FunctionResponse.response``."""
    import msgspec

    try:
        return {"result": msgspec.to_builtins(value)}
    except TypeError:
        return {"result": str(value)}


def error_payload(exc: BaseException) -> dict[str, Any]:
    return {"error": f"{type(exc).__name__}: {exc}"}


class Toolbox:
    """The ``tools=`` of a request or chat: Python callables declared and kept for
    calling; every other entry (a ``Tool`` or its dict) passed through."""

    def __init__(self, tools: Sequence[Any] | None) -> None:
        self.functions: dict[str, Function] = {}
        self.wire: list[Any] = []
        declarations: list[dict[str, Any]] = []
        for tool in tools or ():
            if is_function(tool):
                function = Function(tool)
                if function.name in self.functions:
                    raise FunctionToolError(f"two tool functions are named {function.name!r}")
                self.functions[function.name] = function
                declarations.append(function.declaration)
            else:
                self.wire.append(tool)
        if declarations:
            self.wire.insert(0, {"functionDeclarations": declarations})

    def can_run(self, calls: Sequence[Any]) -> bool:
        """Whether every call names one of the Python functions (else the caller must
        answer them itself)."""
        return bool(calls) and all(getattr(c, "name", None) in self.functions for c in calls)

    def _prepared(self, call: Any) -> tuple[Function, Any, Any] | dict[str, Any]:
        function = self.functions[call.name]
        try:
            positional, keywords = function.bind(getattr(call, "args", None))
        except Exception as exc:
            return {"error": f"invalid arguments for {call.name}: {exc}"}
        return function, positional, keywords

    def run(self, calls: Sequence[Any]) -> list[dict[str, Any]]:
        """One ``functionResponse`` part (a dict) per call, in order."""
        parts = []
        for call in calls:
            prepared = self._prepared(call)
            if isinstance(prepared, dict):
                payload = prepared
            else:
                function, positional, keywords = prepared
                try:
                    outcome = function.fn(*positional, **keywords)
                    if inspect.isawaitable(outcome):
                        close = getattr(outcome, "close", None)
                        if close is not None:
                            close()
                        raise FunctionToolError(
                            f"{function.name} is async: use it with the AsyncClient"
                        )
                    payload = result_payload(outcome)
                except Exception as exc:
                    payload = error_payload(exc)
            parts.append(response_part(call, payload))
        return parts

    async def arun(self, calls: Sequence[Any]) -> list[dict[str, Any]]:
        """``run`` for the async client: coroutine functions are awaited, plain ones
        run in a worker thread so they cannot stall the event loop."""
        import asyncio

        parts = []
        for call in calls:
            prepared = self._prepared(call)
            if isinstance(prepared, dict):
                payload = prepared
            else:
                function, positional, keywords = prepared
                try:
                    if function.is_async:
                        outcome = await function.fn(*positional, **keywords)
                    else:
                        outcome = await asyncio.to_thread(function.fn, *positional, **keywords)
                        if inspect.isawaitable(outcome):
                            outcome = await outcome
                    payload = result_payload(outcome)
                except Exception as exc:
                    payload = error_payload(exc)
            parts.append(response_part(call, payload))
        return parts


def response_part(call: Any, payload: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"name": call.name, "response": payload}
    call_id = getattr(call, "id", None)
    if call_id:
        body["id"] = call_id
    return {"functionResponse": body}
