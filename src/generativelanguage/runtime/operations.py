"""Following long-running operations (AIP-151) to completion.

The pure parts (is it done, which type does ``response`` hold, which error does
``error`` mean, how long to wait next) are functions; ``wait`` and ``await_wait`` only
poll ``GET <version>/<operation name>`` with capped exponential backoff and jitter until
``done`` or the overall timeout.
"""

from __future__ import annotations

import random
import time
from types import ModuleType
from typing import Any

import msgspec

from .errors import _BY_NUMBER as BY_CODE
from .errors import BY_STATUS, APIError, APITimeoutError, RequestValidationError
from .paths import PathParam
from .transport import MethodSpec, _sleep

DEFAULT_TIMEOUT = 900.0
INITIAL_POLL = 1.0
MAX_POLL = 30.0
POLL_MULTIPLIER = 1.5


def operation_name(operation: Any) -> str:
    """The resource name of an operation given as a Struct, a dict or a name."""
    name = operation if isinstance(operation, str) else getattr(operation, "name", None)
    if isinstance(operation, dict):
        name = operation.get("name")
    if not isinstance(name, str) or not name:
        raise RequestValidationError(
            f"operation: expected an operation or its name, got {operation!r:.200}",
            path="operation",
        )
    return name


def poll_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before poll number ``attempt`` (1-based): jittered, capped growth."""
    cap = min(MAX_POLL, INITIAL_POLL * POLL_MULTIPLIER ** (attempt - 1))
    return (rng or random).uniform(cap / 2, cap)


def type_name(type_url: str) -> str:
    """``type.googleapis.com/google.ai.generativelanguage.v1beta.TunedModel`` -> ``TunedModel``."""
    return type_url.rsplit("/", 1)[-1].rsplit(".", 1)[-1]


def typed_payload(types: ModuleType, payload: Any) -> Any:
    """``payload`` (an ``Any`` with ``@type``) decoded into the Struct its type names, when
    the API version defines that type; the plain dict otherwise (nothing is lost)."""
    if not isinstance(payload, dict) or "@type" not in payload:
        return payload
    cls = getattr(types, type_name(str(payload["@type"])), None)
    if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
        return payload
    try:
        return msgspec.convert(payload, cls, strict=False)
    except msgspec.ValidationError:
        return payload


def error_of(operation: Any) -> APIError | None:
    """The exception an operation's ``error`` (a google.rpc.Status) stands for."""
    status = getattr(operation, "error", None)
    if status is None:
        return None
    code = getattr(status, "code", None)
    cls = BY_CODE.get(code) if isinstance(code, int) else None
    cls = cls or BY_STATUS["UNKNOWN"]
    details = getattr(status, "details", None)
    message = getattr(status, "message", None) or "operation failed"
    return cls(
        f"operation {getattr(operation, 'name', '?')} failed: {message}",
        http_status=getattr(cls, "default_http_status", 500),
        code=code if isinstance(code, int) else None,
        details=list(details or []),
    )


def finish(types: ModuleType, operation: Any) -> Any:
    """Raise the operation's error, else return it with ``response`` typed."""
    error = error_of(operation)
    if error is not None:
        raise error
    response = getattr(operation, "response", None)
    if response is not None:
        operation.response = typed_payload(types, response)
    return operation


def poll_spec(api_version: str, operation_type: type) -> MethodSpec:
    return MethodSpec(
        f"{api_version}.operations.wait",
        "GET",
        api_version + "/{+name}",
        (PathParam("name", None, reserved=True),),
        response=operation_type,
    )


def _timed_out(name: str, timeout: float) -> APITimeoutError:
    return APITimeoutError(f"operation {name} not done after {timeout:g} s")


def wait(
    transport: Any,
    types: ModuleType,
    api_version: str,
    operation_type: type,
    operation: Any,
    timeout: float | None = DEFAULT_TIMEOUT,
    options: Any = None,
) -> Any:
    """Poll until ``operation`` is done; return it (response typed) or raise its error."""
    name = operation_name(operation)
    current = operation if getattr(operation, "done", None) is not None else None
    cls = type(operation) if isinstance(operation, msgspec.Struct) else operation_type
    spec = poll_spec(api_version, cls)
    deadline = None if timeout is None else time.monotonic() + timeout
    attempt = 0
    while current is None or not current.done:
        if current is not None:
            attempt += 1
            delay = poll_delay(attempt)
            if deadline is not None:
                if time.monotonic() + delay > deadline:
                    raise _timed_out(name, timeout)
            time.sleep(delay)
        current = transport.call(spec, (name,), None, None, options)
    return finish(types, current)


async def async_wait(
    transport: Any,
    types: ModuleType,
    api_version: str,
    operation_type: type,
    operation: Any,
    timeout: float | None = DEFAULT_TIMEOUT,
    options: Any = None,
) -> Any:
    """The asynchronous ``wait``."""
    name = operation_name(operation)
    current = operation if getattr(operation, "done", None) is not None else None
    cls = type(operation) if isinstance(operation, msgspec.Struct) else operation_type
    spec = poll_spec(api_version, cls)
    deadline = None if timeout is None else time.monotonic() + timeout
    attempt = 0
    while current is None or not current.done:
        if current is not None:
            attempt += 1
            delay = poll_delay(attempt)
            if deadline is not None and time.monotonic() + delay > deadline:
                raise _timed_out(name, timeout)
            await _sleep(delay)
        current = await transport.call(spec, (name,), None, None, options)
    return finish(types, current)
