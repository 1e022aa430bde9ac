"""``client.live``: ``Live.connect`` opens a blocking :class:`~.session.Session`,
``AsyncLive.connect`` an :class:`~.async_session.AsyncSession` for ``async with``.
"""

from __future__ import annotations

from typing import Any

from . import net
from .async_session import AsyncSession
from .session import Session


class _Connecting:
    """``async with client.live.connect(...) as session``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> AsyncSession:
        return await self._session._start()

    async def __aexit__(self, *exc: object) -> None:
        await self._session.close()


class Live:
    """``client.live``: Live API sessions of a blocking ``Client``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def connect(
        self,
        model: str,
        *,
        config: Any = None,
        resumption: bool | None = None,
        token: Any = None,
        options: net.Options | None = None,
        **option_values: Any,
    ) -> Session:
        """Open a session: connect, send the setup, wait for ``setupComplete``.

        Args:
            model: The model, e.g. ``"gemini-live-2.5-flash"`` or ``"models/..."``.
            config: The session's configuration: a ``types.BidiGenerateContentSetup``
                or a dict of the same shape, without the model (``generationConfig``,
                ``systemInstruction``, ``tools``, ``realtimeInputConfig``,
                ``sessionResumption``, transcription configs, ...).
            resumption: Turn session resumption on (True) or off (False); by default
                on exactly when ``config`` sets ``sessionResumption``. With it the
                session survives ``goAway`` and dropped connections.
            token: An ephemeral token (``AuthToken`` or its name) instead of the
                client's key; it connects to ``BidiGenerateContentConstrained``. A
                client whose key starts with ``auth_tokens/`` uses it by itself.
            options: Connection options (timeouts, pings, proxy, TLS, reconnection);
                or give them as keywords (``setup_timeout=10``, ...).

        Returns:
            The open session; use it as a context manager to close it.
        """
        opts = connect_options(options, option_values)
        return Session(
            self._client, model, config, resumption=resumption, token=token, options=opts
        )


class AsyncLive:
    """``client.live``: Live API sessions of an ``AsyncClient``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def connect(
        self,
        model: str,
        *,
        config: Any = None,
        resumption: bool | None = None,
        token: Any = None,
        options: net.Options | None = None,
        **option_values: Any,
    ) -> _Connecting:
        """``async with client.live.connect(model, config=...) as session:`` (the
        arguments are those of ``Live.connect``)."""
        opts = connect_options(options, option_values)
        return _Connecting(
            AsyncSession(
                self._client, model, config, resumption=resumption, token=token, options=opts
            )
        )


def connect_options(options: net.Options | None, values: dict[str, Any]) -> net.Options:
    import dataclasses

    base = options or net.Options()
    known = {f.name for f in dataclasses.fields(net.Options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TypeError(
            f"connect() got unexpected keyword argument(s) {', '.join(unknown)}; "
            f"options are {', '.join(sorted(known))}"
        )
    return dataclasses.replace(base, **values) if values else base
