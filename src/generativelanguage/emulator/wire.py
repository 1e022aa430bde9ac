"""Requests and responses as the service layer sees them (no sockets here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from .errors import ApiError


@dataclass
class Request:
    """One HTTP request, parsed."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes
    base_url: str

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value if value is None else str(value)


@dataclass
class Response:
    """An HTTP response: a body, or SSE frames when ``stream`` is set."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: list[bytes] | None = None


def encode_json(obj: Any) -> bytes:
    """Pretty JSON, as the service sends it (two-space indent)."""
    return msgspec.json.format(msgspec.json.encode(obj), indent=2) + b"\n"


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status,
        encode_json(obj),
        {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
    )


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.http_status, error.headers)
