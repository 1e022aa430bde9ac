"""Gemini conveniences: handwritten helpers that the Gemini API's extension documents
attach to the generated types and clients (``x-mixin`` in ``discovery/extensions/``).

Modules: :mod:`.client` (the clients' mixins), :mod:`.batches` (batch mode:
``client.batches.submit`` / ``submit_embeddings`` / ``wait`` / ``results``) and
:mod:`.batch_jsonl` (its JSON Lines, written and decoded without network I/O).

Nothing here is imported by the API-neutral runtime; the generated modules import the
mixin classes they name, and each mixin imports what it needs lazily, so building a
client stays cheap.
"""
