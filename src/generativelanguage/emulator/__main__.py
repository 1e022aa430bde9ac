"""``python -m generativelanguage.emulator``: serve the emulator until interrupted.

Prints ``Gemini API emulator listening on <url>`` as its first line (``--port 0``
picks a free port, so callers read the URL from there), then serves until SIGINT or
SIGTERM, and stops cleanly. The API key may come from ``$GEMINI_EMULATOR_API_KEY``
instead of ``--api-key`` (a command line is visible to other users of the machine).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .server import _BANNER, API_KEY_ENV, Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generativelanguage.emulator",
        description="Serve a local emulator of the Gemini API (Generative Language API).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV),
        help=f"require this API key (default ${API_KEY_ENV}; unset: accept any request)",
    )
    parser.add_argument(
        "--operation-polls",
        type=int,
        default=2,
        help="reads of a long-running operation before it is done (default 2)",
    )
    parser.add_argument(
        "--stream-delay", type=float, default=0.0, help="seconds between streamed events"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of generated resource ids")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    emulator = Emulator(
        host=args.host,
        port=args.port,
        api_key=args.api_key or None,
        operation_polls=args.operation_polls,
        stream_delay=args.stream_delay,
        seed=args.seed,
        verbose=args.verbose,
    )
    done = threading.Event()

    def stop(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        emulator.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"{_BANNER}{emulator.url}", flush=True)
    if args.api_key:
        print("API key required (x-goog-api-key header)", file=sys.stderr, flush=True)
    while not done.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
