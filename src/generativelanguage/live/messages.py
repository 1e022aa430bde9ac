"""Accessors of Live API server messages, mixed into the generated
``BidiGenerateContentServerMessage`` by ``discovery/extensions/
generativelanguage.v1beta.conveniences.json`` (``x-mixin``).

The generated types module imports this one, so it imports nothing generated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generativelanguage.v1beta import types

#: The envelope's kinds in the order they are checked; ``usageMetadata`` comes last
#: because the server sends it beside another kind.
KINDS = (
    ("setup_complete", "setupComplete"),
    ("server_content", "serverContent"),
    ("tool_call", "toolCall"),
    ("tool_call_cancellation", "toolCallCancellation"),
    ("go_away", "goAway"),
    ("session_resumption_update", "sessionResumptionUpdate"),
    ("usage_metadata", "usageMetadata"),
)


class ServerMessageMixin:
    """``.kind``, ``.text``, ``.data`` and turn signals of one Live server message."""

    __slots__ = ()

    if TYPE_CHECKING:
        setup_complete: types.BidiGenerateContentSetupComplete | None
        server_content: types.BidiGenerateContentServerContent | None
        tool_call: types.BidiGenerateContentToolCall | None
        tool_call_cancellation: types.BidiGenerateContentToolCallCancellation | None
        go_away: types.GoAway | None
        session_resumption_update: types.SessionResumptionUpdate | None
        usage_metadata: types.BidiGenerateContentUsageMetadata | None

    @property
    def kind(self) -> str | None:
        """The wire name of the message's kind (``"serverContent"``, ``"toolCall"``, ...),
        or None for a kind this client does not know (its JSON is the session's
        ``last_raw``)."""
        for attr, wire in KINDS:
            if getattr(self, attr) is not None:
                return wire
        return None

    def _parts(self) -> list[types.Part]:
        content = self.server_content
        turn = content.model_turn if content is not None else None
        return (turn.parts or []) if turn is not None else []

    @property
    def text(self) -> str | None:
        """The text of the model turn in this message (thoughts left out), or None."""
        texts = [p.text for p in self._parts() if p.text is not None and not p.thought]
        return "".join(texts) if texts else None

    @property
    def data(self) -> bytes | None:
        """The inline data (audio) of the model turn in this message, joined, or None."""
        chunks = [p.inline_data.data for p in self._parts() if p.inline_data and p.inline_data.data]
        return b"".join(chunks) if chunks else None

    @property
    def turn_complete(self) -> bool:
        """Whether this message ends the model's turn."""
        content = self.server_content
        return bool(content is not None and content.turn_complete)
