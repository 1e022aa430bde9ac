"""Conveniences of the Interactions API, attached by its extension document.

``discovery/extensions/generativelanguage.v1beta.interactions.json`` names these classes
as ``x-mixin`` of the generated ``Interaction``, ``InteractionEvent`` and interactions
resource classes:

* ``interaction.output_text``: the text of the interaction's last model output;
* ``event.text``: the text an event adds to the answer (``""`` for other events);
* ``client.interactions.wait(interaction)``: poll ``get`` until a background interaction
  leaves ``in_progress``/``queued``, with the runtime's capped, jittered backoff;
* ``client.interactions.conversation(model=...)``: a conversation kept by the server,
  each turn continuing the previous one (``previous_interaction_id``).

Nothing here imports the generated package at import time (the generated modules import
this one); the wait schedule is free of I/O and takes its clock as an argument.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from generativelanguage.runtime import operations
from generativelanguage.runtime.errors import APITimeoutError, RequestValidationError

if TYPE_CHECKING:
    from generativelanguage.runtime.events import UnknownEvent
    from generativelanguage.runtime.options import CallOptions
    from generativelanguage.v1beta import types

#: Statuses of an interaction that is still working; any other status is final for
#: ``wait`` (completed, failed, cancelled, incomplete, budget_exceeded) or needs the
#: caller (requires_action: answer the function calls).
PENDING = frozenset({"in_progress", "queued"})
#: Seconds ``wait`` waits by default.
DEFAULT_WAIT_TIMEOUT = 900.0

_TEXT_EVENTS = frozenset({"step.delta", "content.delta"})


def _text_of(items: Any) -> list[str]:
    return [c.text or "" for c in items or () if c.type == "text"]


class InteractionMixin:
    """What ``types.Interaction`` adds to its generated fields."""

    __slots__ = ()

    @property
    def output_text(self) -> str:
        """The text of the model's last output: the text items of the trailing
        ``model_output`` steps (after the last ``user_input``), joined; for a response
        in the earlier form, the text items of ``outputs``. ``""`` when there is none
        (a background interaction still running, an answer made of function calls)."""
        steps = getattr(self, "steps", None)
        if steps:
            parts: list[str] = []
            for step in reversed(steps):
                if step.type == "user_input":
                    break
                if step.type != "model_output":
                    if parts:
                        break
                    continue
                parts[:0] = _text_of(step.content)
            return "".join(parts)
        return "".join(_text_of(getattr(self, "outputs", None)))


class InteractionEventMixin:
    """What ``types.InteractionEvent`` adds to its generated fields."""

    __slots__ = ()

    @property
    def text(self) -> str:
        """The answer text this event adds: the text of a ``step.delta`` (or
        ``content.delta``) of type ``text``; ``""`` for every other event, thoughts
        included, so ``"".join(e.text for e in stream)`` is the answer."""
        delta = getattr(self, "delta", None)
        if delta is None or delta.type != "text" or self.event_type not in _TEXT_EVENTS:  # type: ignore[attr-defined]
            return ""
        return delta.text or ""


def interaction_id(interaction: Any) -> str:
    """The id of an interaction given as a Struct, a dict or the id itself."""
    value = interaction if isinstance(interaction, str) else getattr(interaction, "id", None)
    if isinstance(interaction, Mapping):
        value = interaction.get("id")
    if not isinstance(value, str) or not value:
        raise RequestValidationError(
            f"interaction: expected an Interaction or its id, got {interaction!r:.200}",
            path="interaction",
        )
    return value


class WaitSchedule:
    """When ``wait`` polls and when it gives up, free of I/O.

    The first poll is at once unless the given interaction already says where it is;
    then the delays grow like a long-running operation's (``operations.poll_delay``),
    from ``poll_interval`` seconds, capped and jittered.

    Args:
        interaction: The interaction (or its id) to wait for.
        timeout: Overall seconds (None: no limit).
        poll_interval: The first delay between polls (default 1 s).
        clock: The monotonic clock (injected in tests).
    """

    def __init__(
        self,
        interaction: Any,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.id = interaction_id(interaction)
        self.current = None if isinstance(interaction, (str, Mapping)) else interaction
        self.timeout = timeout
        self.initial = poll_interval
        self.clock = clock
        self.deadline = None if timeout is None else clock() + timeout
        self.polls = 0

    @property
    def status(self) -> str | None:
        return getattr(self.current, "status", None)

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when the status is final.

        Raises:
            APITimeoutError: The next poll would come after the timeout.
        """
        if self.current is not None and self.status not in PENDING:
            return None
        self.polls += 1
        if self.current is None and self.polls == 1:
            return 0.0
        delay = operations.poll_delay(self.polls, initial=self.initial)
        if self.deadline is not None and self.clock() + delay > self.deadline:
            raise APITimeoutError(
                f"interaction {self.id} still {self.status or 'pending'} after {self.timeout:g} s"
            )
        return delay


def _turn(
    fields: Mapping[str, Any], previous: str | None, input: Any, extra: Any
) -> dict[str, Any]:
    body = {**fields, **extra, "input": input}
    if previous is not None and "previous_interaction_id" not in extra:
        body["previous_interaction_id"] = previous
    return body


def _id_in(event: Any) -> str | None:
    interaction = getattr(event, "interaction", None)
    return getattr(interaction, "id", None) or getattr(event, "interaction_id", None)


class Conversation:
    """A conversation the server keeps: each turn is an interaction that continues the
    previous one (``previous_interaction_id``), so only the new input travels.

    Args:
        interactions: ``client.interactions``.
        fields: What every turn sends (``model`` or ``agent``, ``system_instruction``,
            ``tools``, ``generation_config``, ...).
        previous: The id of an interaction to continue from.
    """

    def __init__(self, interactions: Any, fields: Mapping[str, Any], previous: str | None = None):
        self._interactions = interactions
        self.fields = dict(fields)
        #: The id of the last interaction of the conversation (the next one continues it).
        self.previous_interaction_id = previous
        #: The last turn's interaction, when it came whole (``send``).
        self.last: types.Interaction | None = None

    def send(
        self, input: Any, *, options: CallOptions | None = None, **fields: Any
    ) -> types.Interaction:
        """One turn: create an interaction with ``input`` that continues the conversation.

        Args:
            input: A string, content items, or one content item.
            options: Per-call options.
            **fields: Request fields for this turn only (they override the
                conversation's).
        """
        body = _turn(self.fields, self.previous_interaction_id, input, fields)
        interaction: types.Interaction = self._interactions.create(body=body, options=options)
        self.last = interaction
        self.previous_interaction_id = interaction.id or self.previous_interaction_id
        return interaction

    def stream(
        self, input: Any, *, options: CallOptions | None = None, **fields: Any
    ) -> Iterator[types.InteractionEvent | UnknownEvent]:
        """One turn, streamed: the events of the new interaction, as ``create_stream``
        yields them; the conversation moves on to it once its id has been seen."""
        body = _turn(self.fields, self.previous_interaction_id, input, fields)
        with self._interactions.create_stream(body=body, options=options) as events:
            for event in events:
                found = _id_in(event)
                if found:
                    self.previous_interaction_id = found
                yield event


class AsyncConversation:
    """``Conversation`` for the ``AsyncClient``."""

    def __init__(self, interactions: Any, fields: Mapping[str, Any], previous: str | None = None):
        self._interactions = interactions
        self.fields = dict(fields)
        self.previous_interaction_id = previous
        self.last: types.Interaction | None = None

    async def send(
        self, input: Any, *, options: CallOptions | None = None, **fields: Any
    ) -> types.Interaction:
        """One turn (see ``Conversation.send``)."""
        body = _turn(self.fields, self.previous_interaction_id, input, fields)
        interaction: types.Interaction = await self._interactions.create(body=body, options=options)
        self.last = interaction
        self.previous_interaction_id = interaction.id or self.previous_interaction_id
        return interaction

    async def stream(
        self, input: Any, *, options: CallOptions | None = None, **fields: Any
    ) -> AsyncIterator[types.InteractionEvent | UnknownEvent]:
        """One turn, streamed (see ``Conversation.stream``)."""
        body = _turn(self.fields, self.previous_interaction_id, input, fields)
        events = await self._interactions.create_stream(body=body, options=options)
        async with events:
            async for event in events:
                found = _id_in(event)
                if found:
                    self.previous_interaction_id = found
                yield event


class InteractionsMixin:
    """What ``client.interactions`` adds to the generated methods."""

    __slots__ = ()

    def wait(
        self,
        interaction: Any,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        options: CallOptions | None = None,
    ) -> types.Interaction:
        """Poll a background interaction until its status is final.

        Args:
            interaction: An ``Interaction`` (as ``create`` returned it) or its id.
            timeout: Overall seconds to wait (None: no limit).
            poll_interval: The first delay between polls; later ones grow (capped at
                30 s) with jitter.
            options: Per-call options for each poll.

        Returns:
            The interaction once its status is neither ``in_progress`` nor ``queued``:
            ``completed``, ``failed``, ``cancelled``, ``incomplete``,
            ``budget_exceeded``, or ``requires_action`` (answer its function calls).

        Raises:
            APITimeoutError: Still running after ``timeout``.
        """
        schedule = WaitSchedule(interaction, timeout, poll_interval)
        while (delay := schedule.next_delay()) is not None:
            if delay:
                time.sleep(delay)
            schedule.current = self.get(schedule.id, options=options)  # type: ignore[attr-defined]
        return cast("types.Interaction", schedule.current)  # set: the wait ended

    def conversation(
        self, *, previous_interaction_id: str | None = None, **fields: Any
    ) -> Conversation:
        """A conversation the server keeps (``previous_interaction_id`` chains).

        Args:
            previous_interaction_id: Continue from this interaction.
            **fields: What every turn sends: ``model`` or ``agent``,
                ``system_instruction``, ``tools``, ``generation_config``, ``store``, ...

        Returns:
            A ``Conversation``: ``send(input)`` returns each turn's ``Interaction``,
            ``stream(input)`` its events.
        """
        return Conversation(self, fields, previous_interaction_id)


class AsyncInteractionsMixin:
    """What ``AsyncClient.interactions`` adds to the generated methods."""

    __slots__ = ()

    async def wait(
        self,
        interaction: Any,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        options: CallOptions | None = None,
    ) -> types.Interaction:
        """Poll a background interaction until its status is final (see the sync
        ``wait``)."""
        import asyncio

        schedule = WaitSchedule(interaction, timeout, poll_interval)
        while (delay := schedule.next_delay()) is not None:
            if delay:
                await asyncio.sleep(delay)
            schedule.current = await self.get(schedule.id, options=options)  # type: ignore[attr-defined]
        return cast("types.Interaction", schedule.current)  # set: the wait ended

    def conversation(
        self, *, previous_interaction_id: str | None = None, **fields: Any
    ) -> AsyncConversation:
        """A conversation the server keeps (see the sync ``conversation``)."""
        return AsyncConversation(self, fields, previous_interaction_id)
