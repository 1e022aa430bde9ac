"""A local emulator of the Gemini API (Generative Language API), for tests and demos.

A real HTTP server speaking the REST surface of the pinned ``v1beta`` and ``v1``
revisions, routed from the generated ``MethodSpec`` constants, with an in-memory store,
deterministic model answers, long-running operations, the media upload protocol and
faults on demand. See README.md next to this file for the documented behaviour.

    python -m generativelanguage.emulator --port 8080 [--host 127.0.0.1] [--api-key KEY]

    from generativelanguage import emulator

    with emulator.running() as emu:
        client = Client(base_url=emu.url)
        emu.fail_next(2, status=503, retry_after=0)
"""

from __future__ import annotations

from .server import Emulator, RemoteEmulator, running, spawn
from .service import Service

__all__ = ["Emulator", "RemoteEmulator", "Service", "running", "spawn"]
