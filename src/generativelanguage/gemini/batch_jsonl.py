"""The JSON Lines of batch mode, free of network I/O: writing a batch's input from
requests (``JsonlWriter``, ``write_jsonl``) and decoding its output as bytes arrive
(``ResultLines``).

Input lines are ``{"key": ..., "request": ...}``, each request checked against the
request type and encoded with msgspec as it comes (the requests are never all in
memory). Output lines are ``{"key", "response"}`` or ``{"key", "error"}`` (a
``google.rpc.Status``); a line that is the response or the status itself, without the
envelope, is read too (keyed by its position). Sources: the Discovery document
(``GenerateContentBatchOutput.responsesFile``) and
https://ai.google.dev/gemini-api/docs/batch-mode.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

import msgspec

from generativelanguage.runtime import structs
from generativelanguage.runtime.errors import RequestValidationError, ResponseDecodeError

if TYPE_CHECKING:
    from generativelanguage.v1beta import types

    Request = Mapping[str, Any] | types.GenerateContentRequest | types.EmbedContentRequest


class JsonlWriter:
    """Encodes requests into ``{"key": ..., "request": ...}`` lines of a binary file."""

    def __init__(
        self, file: IO[bytes], request_type: type, key: Callable[[Any], str] | None
    ) -> None:
        self.file = file
        self.request_type = request_type
        self.key = key
        self.count = 0
        self.size = 0

    def add(self, item: Any) -> None:
        index = self.count
        key, request = _split(item, index)
        if key is None:
            key = self.key(request) if self.key is not None else str(index)
        if not isinstance(key, str):
            raise RequestValidationError(
                f"requests[{index}]: the key must be a str, got {type(key).__name__} {key!r:.80}",
                path=f"requests[{index}].key",
            )
        try:
            body = structs.encode_body(self.request_type, request)
        except RequestValidationError as exc:
            where = exc.path.replace("body", f"requests[{index}].request", 1)
            message = str(exc).replace("body", f"requests[{index}] (key {key!r:.80}): request", 1)
            raise RequestValidationError(message, path=where) from None
        line = b'{"key":%b,"request":%b}\n' % (structs.encode(key), body)
        self.file.write(line)
        self.count += 1
        self.size += len(line)


def _split(item: Any, index: int) -> tuple[Any, Any]:
    """``(key or None, request)`` of one element of ``requests``."""
    if isinstance(item, tuple):
        if len(item) != 2:
            raise RequestValidationError(
                f"requests[{index}]: a tuple must be a (key, request) pair, got {len(item)} items",
                path=f"requests[{index}]",
            )
        return item
    if isinstance(item, Mapping) and "request" in item and set(item) <= {"key", "request"}:
        return item.get("key"), item["request"]  # an input line as the docs write it
    if isinstance(item, (Mapping, msgspec.Struct)):
        return None, item
    raise RequestValidationError(
        f"requests[{index}]: expected a request (a dict or a request Struct) or a "
        f"(key, request) pair, got {type(item).__name__}",
        path=f"requests[{index}]",
    )


def check_iterable(requests: Any) -> None:
    """Refuse what is not an iterable of requests (a single request, a string)."""
    if isinstance(requests, (str, bytes, bytearray, Mapping, msgspec.Struct)):
        raise RequestValidationError(
            "requests: expected an iterable of requests or (key, request) pairs, "
            f"got {type(requests).__name__}",
            path="requests",
        )


def write_jsonl(
    requests: Iterable[Request | tuple[str, Request]],
    destination: str | os.PathLike[str] | IO[bytes],
    *,
    key: Callable[[Request], str] | None = None,
    request_type: type | None = None,
) -> int:
    """Write requests as a batch's JSON Lines input, one ``{"key", "request"}`` line
    each, streaming (the requests are never all in memory).

    Args:
        requests: Request dicts or Structs, or ``(key, request)`` pairs.
        destination: A path, or a binary file object.
        key: Makes the key of a request given without one (default: its position,
            ``"0"``, ``"1"``, ...).
        request_type: The request Struct each line is validated against (default:
            ``generativelanguage.v1beta.types.GenerateContentRequest``).

    Returns:
        The number of lines written.

    Raises:
        RequestValidationError: An element is not a request, a key is not a str, or a
            request does not fit the request type (the message names its position).
    """
    check_iterable(requests)
    if request_type is None:
        from generativelanguage.v1beta import types as v1beta

        request_type = v1beta.GenerateContentRequest
    with contextlib.ExitStack() as stack:
        file: IO[bytes]
        if isinstance(destination, (str, os.PathLike)):
            file = stack.enter_context(open(os.fspath(destination), "wb", buffering=1 << 20))
        else:
            file = destination
        writer = JsonlWriter(file, request_type, key)
        for item in requests:
            writer.add(item)
        return writer.count


class InputLine(msgspec.Struct):
    """One line of the input, with the request left encoded."""

    key: str
    request: msgspec.Raw


def read_input(path: str) -> Iterator[InputLine]:
    """The lines of an input file written by ``JsonlWriter``."""
    decode = structs.decoder(InputLine).decode
    with open(path, "rb") as file:
        for raw in file:
            yield decode(raw)


@lru_cache(maxsize=8)
def line_type(response_type: type, status_type: type) -> type:
    return msgspec.defstruct(
        "BatchResultLine",
        [
            ("key", str | None, None),
            ("response", response_type | None, None),
            ("error", status_type | None, None),
        ],
        kw_only=True,
        gc=False,
        module=__name__,
    )


class ResultLines:
    """Bytes of a responses file in, ``(key, response | status)`` out, in file order.

    Lines that lie within one chunk are decoded straight from it (memoryview slices, no
    copy); only a line that spans chunks is gathered in a buffer, so at most one partial
    line is held between chunks."""

    def __init__(self, response_type: type, status_type: type) -> None:
        self.response_type = response_type
        self.status_type = status_type
        self.line_type = line_type(response_type, status_type)
        self.decode = structs.decoder(self.line_type).decode
        self.buffer = bytearray()
        self.index = 0

    def feed(self, chunk: bytes) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        start = 0
        pending = self.buffer
        if pending:  # the end of a line begun in an earlier chunk
            end = chunk.find(b"\n")
            if end < 0:
                pending += chunk
                return out
            pending += chunk[:end]
            self._line(pending, out)
            pending.clear()
            start = end + 1
        end = chunk.find(b"\n", start)
        if end >= 0:
            with memoryview(chunk) as view:
                while end >= 0:
                    if end > start:
                        self._line(view[start:end], out)
                    start = end + 1
                    end = chunk.find(b"\n", start)
        if start < len(chunk):
            pending += chunk[start:]
        return out

    def _line(self, raw: Any, out: list[tuple[str, Any]]) -> None:
        try:
            line = self.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError):
            line = self._slow(raw)
        if line is not None:
            out.append(self._item(line, raw))

    def close(self) -> list[tuple[str, Any]]:
        """The last line, when the file does not end with a newline."""
        rest = bytes(self.buffer)
        self.buffer.clear()
        line = self._slow(rest)
        return [self._item(line, rest)] if line is not None else []

    def _item(self, line: Any, raw: Any) -> tuple[str, Any]:
        index = self.index
        self.index += 1
        key = line.key if line.key is not None else str(index)
        if line.error is not None:
            return key, line.error
        if line.response is not None:
            return key, line.response
        return key, self._bare(bytes(raw))

    def _slow(self, raw: Any) -> Any:
        """A line the fast decode refused: blank (None), repairable (URL-safe base64),
        or not a result (an error naming the line)."""
        raw = bytes(raw)
        if not raw.strip():
            return None
        try:
            return structs.decode(self.line_type, raw)
        except ResponseDecodeError as exc:
            raise ResponseDecodeError(
                f"responses file, result {self.index + 1}: {exc}", exc.text
            ) from None

    def _bare(self, raw: bytes) -> Any:
        """A line that is the response (or the status) itself, without the envelope."""
        fields = msgspec.json.decode(raw)
        if isinstance(fields, dict) and fields and set(fields) <= {"code", "message", "details"}:
            return structs.decode(self.status_type, raw)
        return structs.decode(self.response_type, raw)
