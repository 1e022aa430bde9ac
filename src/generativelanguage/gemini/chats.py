"""Chats: a conversation whose history goes with every message.

``client.chats.create(model, config=..., history=..., tools=...)`` returns a
:class:`Chat` (``AsyncChat`` on the ``AsyncClient``). Each ``send_message`` sends the
history plus the new turn to ``generateContent`` and, once the model has answered,
adds both turns to ``history``. The model's turns are kept as the service sent them,
parts and ``thoughtSignature`` bytes included: the service checks the signatures of
earlier turns and refuses altered ones. An exchange that fails (an error, a blocked
prompt, an answer without content) leaves the history as it was.

Python functions in ``tools`` are declared to the model (:mod:`.functions`) and, unless
``automatic_function_calling=False``, run when it calls them: their results go back in
a ``user`` turn of ``functionResponse`` parts and the model answers again, up to
``max_rounds`` times; the caller gets the final answer, and the history holds every
turn. A call to a function that is not a Python callable (declared as a dict) ends the
loop: the answer carrying it is returned for the caller to handle.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from .functions import FunctionToolError, Toolbox
from .responses import first_parts
from .shorthands import Contents, contents

if TYPE_CHECKING:
    import msgspec

#: The API version's ``GenerateContentResponse``, ``Content`` and ``GenerationConfig``.
R = TypeVar("R")
C = TypeVar("C")
G = TypeVar("G")

#: One entry of ``tools=``: a Python function, a ``Tool`` or its dict.
ToolLike: TypeAlias = "Callable[..., Any] | Mapping[str, Any] | msgspec.Struct"

#: Default of ``max_rounds``: model calls answered automatically per message (the
#: official SDK's default too).
MAX_ROUNDS = 10


class _Conversation(Generic[R, C]):
    """State and pure logic shared by ``Chat`` and ``AsyncChat``: no I/O here."""

    def __init__(
        self,
        client: Any,
        model: str,
        *,
        config: Any,
        history: Sequence[Any] | None,
        tools: Sequence[Any] | None,
        system_instruction: Any,
        automatic_function_calling: bool,
        max_rounds: int,
        asynchronous: bool,
    ) -> None:
        if not isinstance(model, str) or not model:
            raise TypeError(f"model: expected a model name, got {model!r}")
        if max_rounds < 0:
            raise ValueError(f"max_rounds: expected 0 or more, got {max_rounds}")
        self._client = client
        self.model = model
        package = type(client).__module__.rpartition(".")[0]
        self._content_type: type = importlib.import_module(package + ".types").Content
        self.toolbox = Toolbox(tools)
        if not asynchronous:
            for function in self.toolbox.functions.values():
                if function.is_async:
                    raise FunctionToolError(
                        f"{function.name} is a coroutine function: use it in a chat of "
                        "the AsyncClient"
                    )
        self.automatic_function_calling = automatic_function_calling
        self.max_rounds = max_rounds
        self._base: dict[str, Any] = {}
        if config is not None:
            self._base["generationConfig"] = config
        if self.toolbox.wire:
            self._base["tools"] = self.toolbox.wire
        if system_instruction is not None:
            self._base["systemInstruction"] = system_instruction
        self._history: list[C] = [self._content(turn, "history") for turn in history or ()]

    @property
    def history(self) -> list[C]:
        """The turns so far, oldest first (typed Contents, as sent and received)."""
        return self._history

    def _content(self, turn: Any, path: str) -> C:
        from generativelanguage.runtime import structs

        return structs.to_struct(self._content_type, turn, path)

    def _user_turns(self, message: Any) -> list[C]:
        return [
            self._content(turn, f"message[{i}]")
            for i, turn in enumerate(contents(message, "message"))
        ]

    def _request(self, turns: list[C]) -> dict[str, Any]:
        return {**self._base, "contents": turns}

    def _model_turn(self, parts: list[Any]) -> C | None:
        """The model's turn from the parts it sent, or None if it sent none."""
        if not parts:
            return None
        return self._content_type(role="model", parts=parts)  # type: ignore[no-any-return]

    def _calls_to_run(self, turn: C, round_: int) -> list[Any]:
        """The function calls of the model's ``turn`` to answer automatically now."""
        if not self.automatic_function_calling or round_ >= self.max_rounds:
            return []
        calls = [
            call
            for part in getattr(turn, "parts", None) or ()
            if (call := getattr(part, "function_call", None)) is not None
        ]
        return calls if self.toolbox.can_run(calls) else []

    def _answer_turn(self, parts: list[dict[str, Any]]) -> C:
        return self._content({"role": "user", "parts": parts}, "function responses")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, turns={len(self._history)})"


class Chat(_Conversation[R, C]):
    """A conversation with one model over the blocking client."""

    def send_message(self, message: Contents) -> R:
        """Send ``message`` (text, parts, a Content, or a list of them) with the history;
        return the model's answer (after any automatic function calls).

        Raises:
            APIError: The service refused a request; the history is unchanged.
        """
        pending = self._user_turns(message)
        round_ = 0
        while True:
            response: R = self._client.models.generate_content(
                self.model, body=self._request(self._history + pending)
            )
            turn = self._model_turn(list(first_parts(response)))
            if turn is None:
                return response
            pending.append(turn)
            calls = self._calls_to_run(turn, round_)
            if not calls:
                self._history.extend(pending)
                return response
            pending.append(self._answer_turn(self.toolbox.run(calls)))
            round_ += 1

    def send_message_stream(self, message: Contents) -> Iterator[R]:
        """``send_message``, with the answer streamed: yields each chunk as it arrives
        (those of every round, when functions are called automatically)."""
        pending = self._user_turns(message)
        round_ = 0
        while True:
            parts: list[Any] = []
            body = self._request(self._history + pending)
            with self._client.models.stream_generate_content(self.model, body=body) as stream:
                for chunk in stream:
                    parts.extend(first_parts(chunk))
                    yield chunk
            turn = self._model_turn(parts)
            if turn is None:
                return
            pending.append(turn)
            calls = self._calls_to_run(turn, round_)
            if not calls:
                self._history.extend(pending)
                return
            pending.append(self._answer_turn(self.toolbox.run(calls)))
            round_ += 1


class AsyncChat(_Conversation[R, C]):
    """A conversation with one model over the ``AsyncClient``."""

    async def send_message(self, message: Contents) -> R:
        """See ``Chat.send_message``; coroutine functions in ``tools`` are awaited, plain
        ones run in a worker thread."""
        pending = self._user_turns(message)
        round_ = 0
        while True:
            response: R = await self._client.models.generate_content(
                self.model, body=self._request(self._history + pending)
            )
            turn = self._model_turn(list(first_parts(response)))
            if turn is None:
                return response
            pending.append(turn)
            calls = self._calls_to_run(turn, round_)
            if not calls:
                self._history.extend(pending)
                return response
            pending.append(self._answer_turn(await self.toolbox.arun(calls)))
            round_ += 1

    async def send_message_stream(self, message: Contents) -> AsyncIterator[R]:
        """See ``Chat.send_message_stream``: ``async for chunk in await
        chat.send_message_stream(...)``, like ``stream_generate_content``. The first
        request is sent (and its errors raised) by the ``await``."""
        pending = self._user_turns(message)
        stream = await self._client.models.stream_generate_content(
            self.model, body=self._request(self._history + pending)
        )
        return self._relay(pending, stream)

    async def _relay(self, pending: list[C], stream: Any) -> AsyncIterator[R]:
        round_ = 0
        while True:
            parts: list[Any] = []
            async with stream:
                async for chunk in stream:
                    parts.extend(first_parts(chunk))
                    yield chunk
            turn = self._model_turn(parts)
            if turn is None:
                return
            pending.append(turn)
            calls = self._calls_to_run(turn, round_)
            if not calls:
                self._history.extend(pending)
                return
            pending.append(self._answer_turn(await self.toolbox.arun(calls)))
            round_ += 1
            stream = await self._client.models.stream_generate_content(
                self.model, body=self._request(self._history + pending)
            )


class Chats(Generic[R, C, G]):
    """``client.chats``: start conversations."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def create(
        self,
        model: str,
        *,
        config: G | Mapping[str, Any] | None = None,
        history: Sequence[C | Mapping[str, Any]] | None = None,
        tools: Sequence[ToolLike] | None = None,
        system_instruction: Contents | None = None,
        automatic_function_calling: bool = True,
        max_rounds: int = MAX_ROUNDS,
    ) -> Chat[R, C]:
        """A new conversation with ``model``.

        Args:
            model: The model, e.g. ``"gemini-2.5-flash"`` (``models/`` is added).
            config: The ``GenerationConfig`` of every request (a Struct or a dict).
            history: Earlier turns (Contents or their dicts), oldest first.
            tools: Python functions (declared from their signatures and called
                automatically), ``Tool`` Structs or their dicts.
            system_instruction: Text or parts that steer the model.
            automatic_function_calling: False to get function calls back instead of
                having the Python functions run.
            max_rounds: At most this many automatic rounds of function calls per
                message; the answer after the last one is returned as it is.
        """
        return Chat(
            self._client,
            model,
            config=config,
            history=history,
            tools=tools,
            system_instruction=system_instruction,
            automatic_function_calling=automatic_function_calling,
            max_rounds=max_rounds,
            asynchronous=False,
        )


class AsyncChats(Generic[R, C, G]):
    """``async_client.chats``: start conversations (see ``Chats.create``)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def create(
        self,
        model: str,
        *,
        config: G | Mapping[str, Any] | None = None,
        history: Sequence[C | Mapping[str, Any]] | None = None,
        tools: Sequence[ToolLike] | None = None,
        system_instruction: Contents | None = None,
        automatic_function_calling: bool = True,
        max_rounds: int = MAX_ROUNDS,
    ) -> AsyncChat[R, C]:
        """A new conversation with ``model`` (see ``Chats.create``); Python functions in
        ``tools`` may be coroutine functions."""
        return AsyncChat(
            self._client,
            model,
            config=config,
            history=history,
            tools=tools,
            system_instruction=system_instruction,
            automatic_function_calling=automatic_function_calling,
            max_rounds=max_rounds,
            asynchronous=True,
        )
