"""``MethodSpec``: everything the runtime knows about one method, as the generator wrote it.

Traits come from the Discovery document (and the repository's extension documents),
never from the runtime testing a method's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .paths import PathParam, PathTemplate

if TYPE_CHECKING:
    from .events import EventSpec, StreamSwitch


class MethodSpec:
    """Everything the runtime needs to know about one Discovery method.

    Args:
        id: The Discovery method id, used in messages and logs.
        http_method: The HTTP verb.
        path: The path template relative to the service root.
        path_params: The path parameters, in template order.
        request: The request body type, if the method takes a body.
        response: The response type, if the method answers with one.
        streaming: The method answers with Server-Sent Events (``alt=sse``).
        items_field: The repeated field of a paginated list response.
        long_running: The method returns a long-running operation.
        upload: Media upload paths and limits, for media-upload methods.
        switch: The request fields that switch this REST method to its streaming form.
        events: The event vocabulary of a stream of named events (then ``stream``
            returns an ``EventStream``).
        normalize: A body hook an extension document declares (``x-body-shorthand``):
            turns the shorthand forms it accepts into the request's shape before
            encoding.
        stream_terminal: Dotted attribute paths into a stream chunk (a list on the way
            is searched element by element); a stream is complete only when its last
            chunk has one of them set, so a stream that ends otherwise was cut.
    """

    __slots__ = (
        "id",
        "http_method",
        "template",
        "path_params",
        "request",
        "response",
        "streaming",
        "items_field",
        "long_running",
        "upload",
        "upload_template",
        "switch",
        "events",
        "normalize",
        "stream_terminal",
        "terminal_paths",
        "empty_ok",
    )

    def __init__(
        self,
        id: str,
        http_method: str,
        path: str,
        path_params: tuple[PathParam, ...] = (),
        *,
        request: type | None = None,
        response: type | None = None,
        streaming: bool = False,
        items_field: str | None = None,
        long_running: bool = False,
        upload: Mapping[str, Any] | None = None,
        switch: StreamSwitch | None = None,
        events: EventSpec | None = None,
        normalize: Callable[[Any], Any] | None = None,
        stream_terminal: Sequence[str] = (),
    ) -> None:
        self.id = id
        self.http_method = http_method
        self.template = PathTemplate(path, path_params)
        self.path_params = path_params
        self.request = request
        self.response = response
        self.streaming = streaming
        self.items_field = items_field
        self.long_running = long_running
        self.upload = upload
        self.upload_template = (
            PathTemplate(upload["simple"], path_params) if upload and upload.get("simple") else None
        )
        self.switch = switch
        self.events = events
        self.normalize = normalize
        self.stream_terminal = tuple(stream_terminal)
        self.terminal_paths = tuple(tuple(p.split(".")) for p in self.stream_terminal)
        # An empty answer is a valid one only when there is nothing to answer: no
        # response type, or one without fields (google.protobuf.Empty).
        self.empty_ok = response is None or getattr(response, "__struct_fields__", None) == ()

    def __repr__(self) -> str:
        return f"MethodSpec({self.id!r}, {self.http_method} {self.template.template})"


def has_path(value: Any, path: tuple[str, ...]) -> bool:
    """Whether ``value`` has a non-None attribute at ``path``; lists are searched."""
    if not path:
        return value is not None
    if isinstance(value, list):
        return any(has_path(item, path) for item in value)
    return has_path(getattr(value, path[0], None), path[1:]) if value is not None else False


def is_terminal(chunk: Any, paths: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``chunk`` marks the end of its stream (see ``MethodSpec.stream_terminal``)."""
    return any(has_path(chunk, path) for path in paths)
