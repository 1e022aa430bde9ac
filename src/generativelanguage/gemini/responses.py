"""Accessors of ``GenerateContentResponse``: ``.text``, ``.function_calls``, ``.parse(T)``.

They read the first candidate, as the official SDKs do, and never raise on what the
service sends (a blocked prompt has no candidates, a finished stream chunk may have no
content, a part may hold only a thought signature): absent data gives ``None`` or an
empty list. ``parse`` is the one that can fail, with ``ResponseDecodeError``, when the
answer is not JSON of the type asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
#: The API version's ``FunctionCall`` type.
FC = TypeVar("FC")


def parts_text(parts: Iterable[Any] | None) -> str | None:
    """The text parts of ``parts`` joined, thought parts left out; None when none."""
    if not parts:
        return None
    texts = [
        text
        for part in parts
        if isinstance(text := getattr(part, "text", None), str)
        and not getattr(part, "thought", None)
    ]
    return "".join(texts) if texts else None


def first_parts(response: Any) -> list[Any]:
    """The parts of the first candidate's content, or an empty list."""
    candidates = getattr(response, "candidates", None)
    if not candidates:
        return []
    content = getattr(candidates[0], "content", None)
    parts = getattr(content, "parts", None)
    return parts if isinstance(parts, list) else []


def _unfenced(text: str) -> str:
    """``text`` without a Markdown code fence around it (```json ... ```), which models
    add when no ``responseMimeType`` asks for bare JSON."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```") and "\n" in stripped:
        return stripped[stripped.index("\n") + 1 : -3]
    return text


class GenerateContentResponseTextMixin:
    """``.text`` and ``.parse(T)``: for API versions without function calling (v1)."""

    __slots__ = ()

    @property
    def text(self) -> str | None:
        """The first candidate's text, thoughts left out; None when it has no text."""
        return parts_text(first_parts(self))

    def parse(self, type_: type[T]) -> T:
        """Decode the answer's JSON (asked for with ``responseMimeType:
        application/json`` and ``responseJsonSchema``) into ``type_``: a msgspec Struct,
        a dataclass, a TypedDict, or a container of them (``list[City]``).

        Raises:
            ResponseDecodeError: The response holds no text, or the text is not JSON of
                ``type_``; the error carries the text.
        """
        import msgspec

        from generativelanguage.runtime.errors import ResponseDecodeError

        text = self.text
        name = getattr(type_, "__name__", None) or str(type_)
        if text is None:
            reason = _finish_reason(self)
            raise ResponseDecodeError(
                f"the response holds no text to parse as {name}"
                + (f" (finish reason {reason})" if reason else "")
            )
        try:
            return msgspec.json.decode(_unfenced(text), type=type_, strict=False)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise ResponseDecodeError(f"the answer does not parse as {name}: {exc}", text) from None


def _finish_reason(response: Any) -> Any:
    candidates = getattr(response, "candidates", None)
    if candidates:
        return getattr(candidates[0], "finish_reason", None)
    feedback = getattr(response, "prompt_feedback", None)
    reason = getattr(feedback, "block_reason", None)
    return f"prompt blocked: {reason}" if reason else None


class GenerateContentResponseMixin(GenerateContentResponseTextMixin, Generic[FC]):
    """``.text``, ``.function_calls`` and ``.parse(T)``, parameterised by the API
    version's ``FunctionCall``."""

    __slots__ = ()

    @property
    def function_calls(self) -> list[FC]:
        """The function calls the first candidate asks for, in order; empty when none."""
        return [
            call
            for part in first_parts(self)
            if (call := getattr(part, "function_call", None)) is not None
        ]
