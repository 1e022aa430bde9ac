"""The corpus check: every Discovery document of google-api-python-client's wheel through
the generator, the pinned ruff, an import, a sample decode of every schema and one call
of every method against a loopback server (``make test-corpus``; a fixed sample of it
runs in ``make test``)."""
