"""A model turn gathered from the server messages that make it up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_RATE = re.compile(r"rate=(\d+)")


@dataclass
class Turn:
    """What the server sent for one model turn, joined.

    Attributes:
        messages: Every server message of the turn, in order.
        text: The model's text (thoughts left out), joined.
        audio: (property) The model's inline data of the turn joined: for the Live
            API's audio, raw 16-bit little-endian PCM at ``sample_rate`` Hz.
        mime_type: The audio's MIME type as sent, e.g. ``audio/pcm;rate=24000``.
        input_transcription: What the server heard, joined.
        output_transcription: What the model said, joined.
        tool_calls: Function calls the server asked for during the turn.
        complete: The server ended the turn (``turnComplete``); False when the turn
            stopped at a tool call nobody answered.
        interrupted: The user's input interrupted the model.
        usage: The last usage metadata of the turn.
    """

    messages: list[Any] = field(default_factory=list)
    text: str = ""
    mime_type: str | None = None
    input_transcription: str = ""
    output_transcription: str = ""
    tool_calls: list[Any] = field(default_factory=list)
    complete: bool = False
    interrupted: bool = False
    usage: Any = None
    _audio: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def audio(self) -> bytes:
        """The model's audio, joined (raw PCM for ``audio/pcm``)."""
        return bytes(self._audio)

    @property
    def sample_rate(self) -> int | None:
        """The audio's sample rate from its MIME type (``rate=24000``), if given."""
        match = _RATE.search(self.mime_type or "")
        return int(match.group(1)) if match else None

    def add(self, message: Any) -> None:
        """Take one server message of the turn into account."""
        self.messages.append(message)
        if message.usage_metadata is not None:
            self.usage = message.usage_metadata
        if message.tool_call is not None:
            self.tool_calls += message.tool_call.function_calls or []
        content = message.server_content
        if content is None:
            return
        if content.model_turn is not None:
            for part in content.model_turn.parts or ():
                if part.text is not None and not part.thought:
                    self.text += part.text
                blob = part.inline_data
                if blob is not None and blob.data:
                    self._audio += blob.data
                    self.mime_type = self.mime_type or blob.mime_type
        if content.input_transcription is not None and content.input_transcription.text:
            self.input_transcription += content.input_transcription.text
        if content.output_transcription is not None and content.output_transcription.text:
            self.output_transcription += content.output_transcription.text
        if content.interrupted:
            self.interrupted = True
        if content.turn_complete:
            self.complete = True
