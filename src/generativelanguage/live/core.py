"""What the blocking and the asyncio Live sessions share: the configuration (setup,
tools, resumption), the codec and session state, and the turn logic. The sessions
themselves (:mod:`.session`, :mod:`.async_session`) only open connections, move frames
and sleep.
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from generativelanguage.runtime import errors

from . import net
from .errors import RESUMABLE, SessionClosedError
from .protocol import Codec, SessionState, tool_answers
from .turns import Turn

Tools = Mapping[str, Callable[..., Any]] | Callable[[Any], Any]


def version_parts(client: Any) -> tuple[Any, Any]:
    """The ``resources`` and ``types`` modules of ``client``'s API version."""
    package = type(client).__module__.rpartition(".")[0]
    resources = importlib.import_module(package + ".resources")
    types = importlib.import_module(package + ".types")
    return resources, types


def supports(function: Any, parameter: str) -> bool:
    import inspect

    try:
        return parameter in inspect.signature(function).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


class SessionCore:
    """What the sync and async sessions share: configuration, codec, state, turn logic."""

    def __init__(
        self,
        client: Any,
        model: str,
        config: Any,
        *,
        resumption: bool | None,
        token: Any,
        options: net.Options,
    ) -> None:
        resources, types = version_parts(client)
        sockets = getattr(resources, "WEBSOCKETS", {})
        token_name = getattr(token, "name", token)
        api_key = getattr(client, "_api_key", None) or ""
        if token_name is None and api_key.startswith(net.EPHEMERAL_PREFIX):
            token_name = api_key  # an ephemeral token given as the client's key
        name = net.CONSTRAINED if token_name is not None else net.DEFAULT
        if name not in sockets:
            raise errors.RequestValidationError(
                f"API version {client.API_VERSION} has no Live API endpoint {name!r}",
                path="live",
            )
        spec = sockets[name]
        self.types = types
        self.codec = Codec(spec, types)
        #: Python functions given in ``config["tools"]`` (issue 10's function calling,
        #: ``generativelanguage.gemini.functions``): declared from their signatures, and
        #: run when the model calls them during ``receive_turn``.
        self.toolbox: Any = None
        if isinstance(config, Mapping) and config.get("tools"):
            from generativelanguage.gemini import functions

            if any(functions.is_function(t) for t in config["tools"]):
                self.toolbox = functions.Toolbox(config["tools"])
                config = {**config, "tools": self.toolbox.wire}
        setup = self.codec.setup(model, config)
        if resumption is None:
            resumption = setup.session_resumption is not None
        elif resumption and setup.session_resumption is None:
            setup = msgspec.structs.replace(
                setup, session_resumption=types.SessionResumptionConfig()
            )
        self.state = SessionState(self.codec, setup, bool(resumption))
        self.options = options
        self.target = net.target(client, spec, options, token_name)
        #: The exact JSON of the last server message received (for kinds this client
        #: does not type, whose fields all decode as None).
        self.last_raw: bytes | str | None = None
        #: The ``setupComplete`` message of the first connection.
        self.setup_complete: Any = None
        self._closed = False
        #: Messages read from a broken connection by a sender before it resumed the
        #: session, still to be handed to the receiver.
        self._backlog: deque[Any] = deque()
        #: Whether a receiver waits on the socket (then it, not a sender, resumes).
        self._reading = False

    # -- what callers see --------------------------------------------------------------

    @property
    def resumptions(self) -> int:
        """How many times the session moved to a new connection (goAway, drops)."""
        return self.state.resumptions

    @property
    def handle(self) -> str | None:
        """The latest session resumption handle (to resume later, in another process)."""
        return self.state.handle

    @property
    def session_id(self) -> str | None:
        return self.state.session_id

    @property
    def closed(self) -> bool:
        return self._closed

    def _decode(self, raw: bytes | str) -> tuple[Any, bool]:
        self.last_raw = raw
        message = self.codec.decode(raw)
        return message, self.state.on_message(message)

    def _recoverable(self, error: Exception) -> bool:
        if self._closed or not self.state.can_resume():
            return False
        if isinstance(error, errors.StreamInterruptedError):
            return True
        if self.state.go_away:
            return True  # the server closed after its goAway, as announced
        return isinstance(error, RESUMABLE)

    def _check_open(self) -> None:
        if self._closed:
            raise SessionClosedError("the Live session is closed")

    def _answers(self, turn: Turn, tools: Tools | None, start: int) -> list[dict[str, Any]] | None:
        """Answers to the turn's new calls by ``tools``; None to leave them to the caller
        (or to the session's Python functions, see ``_toolbox_calls``)."""
        if tools is None or len(turn.tool_calls) <= start:
            return None
        return tool_answers(turn.tool_calls[start:], tools)

    def _toolbox_calls(self, turn: Turn, tools: Tools | None, start: int) -> list[Any]:
        """The turn's new calls when the session's Python functions can answer them all."""
        calls = turn.tool_calls[start:]
        if tools is None and self.toolbox is not None and self.toolbox.can_run(calls):
            return calls
        return []
