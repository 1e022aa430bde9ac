"""Gemini conveniences: handwritten helpers that the Gemini API's extension documents
attach to the generated types and clients (``x-mixin`` in ``discovery/extensions/``).

Nothing here is imported by the API-neutral runtime; the generated modules import the
mixin classes they name, and each mixin imports what it needs lazily, so building a
client stays cheap.
"""
