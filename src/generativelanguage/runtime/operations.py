"""Following long-running operations (AIP-151) to completion.

The pure parts (is it done, which type does ``response`` hold, which error does
``error`` mean, how long to wait next) are functions; ``wait`` and ``await_wait`` only
poll ``GET <operations path>`` (the generated client's ``_OPERATIONS_PATH``, such as
``v1beta/{+name}``) with capped exponential backoff and jitter until ``done`` or the
overall timeout.
"""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any, TypeVar

import msgspec

from .errors import _BY_NUMBER as BY_CODE
from .errors import (
    BY_STATUS,
    APIError,
    APITimeoutError,
    RequestValidationError,
    ResponseDecodeError,
)
from .paths import PathParam
from .retry import SYSTEM_CLOCK, Clock
from .spec import MethodSpec

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


def poll_delay(
    attempt: int, rng: random.Random | None = None, initial: float | None = None
) -> float:
    """Seconds before poll number ``attempt`` (1-based): jittered, capped growth from
    ``initial`` (default ``INITIAL_POLL``)."""
    first = INITIAL_POLL if initial is None else initial
    cap = min(MAX_POLL, first * POLL_MULTIPLIER ** (attempt - 1))
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
    if not (
        isinstance(cls, type)
        and issubclass(cls, msgspec.Struct)
        and cls.__module__ == types.__name__  # a schema, not the imported base Struct
    ):
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


T = TypeVar("T")


def response_as(operation: Any, cls: type[T]) -> T:
    """The ``response`` of a finished operation as ``cls``.

    Raises:
        ResponseDecodeError: The operation has no response, or its ``@type`` names
            another type than ``cls`` (an all-optional Struct would otherwise accept
            anything and hand back an empty value), or it does not convert.
    """
    name = getattr(operation, "name", "?")
    payload = getattr(operation, "response", None)
    if isinstance(payload, cls):
        return payload
    if payload is None:
        raise ResponseDecodeError(f"operation {name} is done but holds no response")
    wanted = getattr(cls, "__name__", str(cls))
    if isinstance(payload, msgspec.Struct):
        held = type(payload).__name__  # typed from its @type by finish()
        if held != wanted:
            raise ResponseDecodeError(f"operation {name} holds a {held}, not a {wanted}")
        payload = msgspec.to_builtins(payload)
    if isinstance(payload, dict) and "@type" in payload:
        held = type_name(str(payload["@type"]))
        if held != wanted:
            raise ResponseDecodeError(
                f"operation {name} holds a {held} ({payload['@type']}), not a {wanted}",
                msgspec.json.encode(payload).decode(),
            )
    try:
        return msgspec.convert(payload, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise ResponseDecodeError(
            f"operation {name}: the response does not convert to {wanted}: {exc}",
            msgspec.json.encode(payload).decode(),
        ) from None


def poll_spec(path: str, operation_type: type) -> MethodSpec:
    """The GET of one operation at ``path`` (a template with one ``{+name}``)."""
    return MethodSpec(
        "operations.wait",
        "GET",
        path,
        (PathParam("name", None, reserved=True),),
        response=operation_type,
    )


class Poller:
    """The polling schedule of one wait, free of I/O: which operation to GET, how long
    to sleep first, and when to give up. ``wait`` and ``async_wait`` only sleep and call.
    """

    def __init__(
        self,
        path: str | None,
        operation_type: type,
        operation: Any,
        timeout: float | None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        """``path``: where the operation is polled (the client's ``_OPERATIONS_PATH``), or
        None for a caller that polls with a method of its own and only wants the
        schedule."""
        self.name = operation_name(operation)
        # Google leaves `done` out until it is true, so an operation given as an object
        # counts as current only when it says done; otherwise the first poll is at once.
        self.current = operation if getattr(operation, "done", None) else None
        cls = type(operation) if isinstance(operation, msgspec.Struct) else operation_type
        self.spec = poll_spec(path, cls) if path is not None else None
        self.timeout = timeout
        self.clock = clock
        self.deadline = None if timeout is None else clock.monotonic() + timeout
        self.polls = 0

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when the operation is done.

        Raises:
            APITimeoutError: The next poll would come after the overall timeout.
        """
        if self.current is not None and self.current.done:
            return None
        self.polls += 1
        if self.polls == 1:
            return 0.0
        delay = poll_delay(self.polls - 1)
        if self.deadline is not None and self.clock.monotonic() + delay > self.deadline:
            raise APITimeoutError(f"operation {self.name} not done after {self.timeout:g} s")
        return delay


def wait(
    transport: Any,
    types: ModuleType,
    path: str,
    operation_type: type,
    operation: Any,
    timeout: float | None = DEFAULT_TIMEOUT,
    options: Any = None,
) -> Any:
    """Poll until ``operation`` is done; return it (response typed) or raise its error."""
    clock = getattr(transport, "clock", SYSTEM_CLOCK)
    poller = Poller(path, operation_type, operation, timeout, clock)
    while (delay := poller.next_delay()) is not None:
        if delay:
            clock.sleep(delay)
        poller.current = transport.call(poller.spec, (poller.name,), None, None, options)
    return finish(types, poller.current)


async def async_wait(
    transport: Any,
    types: ModuleType,
    path: str,
    operation_type: type,
    operation: Any,
    timeout: float | None = DEFAULT_TIMEOUT,
    options: Any = None,
) -> Any:
    """The asynchronous ``wait``."""
    clock = getattr(transport, "clock", SYSTEM_CLOCK)
    poller = Poller(path, operation_type, operation, timeout, clock)
    while (delay := poller.next_delay()) is not None:
        if delay:
            await clock.asleep(delay)
        poller.current = await transport.call(poller.spec, (poller.name,), None, None, options)
    return finish(types, poller.current)
