"""Gemini conveniences: handwritten helpers that the Gemini API's extension documents
attach to the generated types and clients (``x-mixin`` and ``x-body-shorthand`` in
``discovery/extensions/generativelanguage.*.conveniences.json``).

One module per convenience:

* :mod:`.responses` -- ``GenerateContentResponse.text``, ``.function_calls``, ``.parse(T)``;
* :mod:`.parts` -- ``Part.from_text/from_bytes/from_uri/from_function_response``,
  ``Content.text``, a ``File`` usable as contents;
* :mod:`.shorthands` -- the ``body`` shorthands of generate, stream, count tokens and
  embed (a string, parts, contents; Python types as JSON schemas; functions as tools);
* :mod:`.schema` -- a Python type as the JSON Schema the service accepts;
* :mod:`.functions` -- Python functions as tools: declarations and calls;
* :mod:`.chats` -- ``client.chats``: conversations, automatic function calling;
* :mod:`.files` -- ``client.files.upload``;
* :mod:`.client` -- the attributes the clients gain (``chats``).

Modules: :mod:`.client` (the clients' mixins), :mod:`.batches` (batch mode:
``client.batches.submit`` / ``submit_embeddings`` / ``wait`` / ``results``) and
:mod:`.batch_jsonl` (its JSON Lines, written and decoded without network I/O).

Nothing here is imported by the API-neutral runtime; the generated modules import the
classes and hooks they name, and each imports what it needs lazily, so building a
client stays cheap.
"""
