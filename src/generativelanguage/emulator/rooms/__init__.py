"""The emulated service's rooms: one per family of methods.

Each room answers the routes of one family and keeps that family's state and rules;
:class:`~generativelanguage.emulator.service.Service` asks the rooms in turn which of
them serves a matched route (:meth:`Room.handler`) and lets each look at a request the
routing table does not know (:meth:`Room.intercept`). Adding a family (the Live API,
batch mode) is adding a room, without touching the others.

* :mod:`.generation` — the model methods (``generateContent``, embeddings, the legacy
  PaLM methods, images, videos) and the model catalogue;
* :mod:`.batches` — batch mode: batches from inline requests or JSON Lines files;
* :mod:`.files` — files: upload sessions, download, what a ``fileData`` URI names;
* :mod:`.resources` — generic CRUD over stored resources and the per-collection rules;
* :mod:`.operations` — long-running operations: progress over polls, cancel;
* :mod:`.interactions` — the Interactions API;
* :mod:`.live` — the Live API's WebSocket sessions (the HTTP server hands them over).
"""

from .base import Handler, Kind, Room

__all__ = ["Handler", "Kind", "Room"]
