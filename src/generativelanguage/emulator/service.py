"""The emulated Generative Language service, independent of HTTP.

``Service.handle`` takes a parsed request and returns a response. Dispatch is driven by
the routing table built from the generated ``MethodSpec`` constants (:mod:`.routing`);
what a matched method does is decided by the room of its family (:mod:`.rooms`):

* the model methods (``generateContent``, ``embedContent``, the legacy PaLM methods,
  ...) by :mod:`.rooms.generation`;
* ``create``/``get``/``list``/``patch``/``delete``, generic CRUD over the in-memory
  store whatever the resource, by :mod:`.rooms.resources`;
* long-running operations (done after a few polls, cancelled) by
  :mod:`.rooms.operations`;
* files, media upload and download by :mod:`.rooms.files`;
* the Interactions API by :mod:`.rooms.interactions`;
* batch mode (``batchGenerateContent``, ``asyncBatchEmbedContent``) by
  :mod:`.rooms.batches`;
* the Live API (WebSocket sessions, handed over by the HTTP server) by :mod:`.rooms.live`.

A method no room serves answers 501 UNIMPLEMENTED. The service itself keeps what every
room shares: the store, the router, the API key check and the read of a stored
resource (:meth:`Service.get_or_404`).
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import ApiError
from .rooms import Kind, Room
from .rooms.batches import BatchesRoom
from .rooms.files import FilesRoom
from .rooms.generation import GenerationRoom
from .rooms.interactions import InteractionsRoom
from .rooms.live import LiveRoom
from .rooms.operations import OperationsRoom
from .rooms.resources import ResourcesRoom
from .routing import Route, Router
from .store import Store, collection_of
from .validation import parse_json, validate
from .wire import Request, Response, error_response

_DEFAULT_KIND = Kind()


class Service:
    """The emulated service: routing table, store, and the rooms that answer.

    Args:
        api_key: When set, every API request must carry it (``x-goog-api-key`` header
            or ``key`` query parameter).
        operation_polls: Polls of ``operations.get`` before an operation is done
            (0: done when created).
        seed: Seed of the random ids.
        router: The routing table (built from the generated modules by default).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        operation_polls: int = 2,
        seed: int = 0,
        router: Router | None = None,
    ) -> None:
        self.api_key = api_key
        self.operation_polls = operation_polls
        self.router = router or Router()
        self.store = Store(seed)
        self.generation = GenerationRoom(self)
        self.resources = ResourcesRoom(self)
        self.operations = OperationsRoom(self)
        self.files = FilesRoom(self)
        self.interactions = InteractionsRoom(self)
        self.batches = BatchesRoom(self)
        #: The Live API: WebSocket sessions the HTTP server hands over, no REST route.
        self.live = LiveRoom(self)
        #: Asked in this order which serves a route; the first that does answers it
        #: (interactions first: its create/get/delete are not generic CRUD).
        self.rooms: tuple[Room, ...] = (
            self.interactions,
            self.generation,
            self.resources,
            self.operations,
            self.files,
            self.batches,
            self.live,
        )
        self.kinds: dict[str, Kind] = {}
        for room in self.rooms:
            self.kinds.update(room.kinds)
        self.generation.seed_models()

    def reset(self) -> None:
        """Forget every resource and upload session (the model catalogue stays)."""
        with self.store.lock:
            self.store.reset()
            self.generation.seed_models()
        for room in self.rooms:  # not under the store lock: uploads take it the other way
            room.reset()

    # -- entry points ----------------------------------------------------------------

    def authorize(self, req: Request) -> None:
        """Raise the service's error when the API key is missing or wrong."""
        if self.api_key is None or req.path.startswith("/_emulator/"):
            return
        if self.files.uploads.is_session_request(req):
            return  # the upload_id in the session URL is the credential
        given = req.header("x-goog-api-key") or req.query.get("key")
        if not given:
            raise errors.unregistered_caller()
        if given != self.api_key:
            raise errors.api_key_invalid()

    def handle(self, req: Request) -> Response:
        """Answer one request (never raises ApiError: it becomes an error response)."""
        try:
            return self._handle(req)
        except ApiError as exc:
            return error_response(exc)

    def _handle(self, req: Request) -> Response:
        for room in self.rooms:
            answer = room.intercept(req)
            if answer is not None:
                return answer
        path = req.path
        found = self.router.match(req.method, path)
        if found is None:
            verbs = self.router.verbs_for(path)
            if verbs:
                raise ApiError(
                    "NOT_FOUND",
                    f"Method {req.method} is not allowed on {path} (allowed: {', '.join(verbs)}).",
                )
            raise ApiError("NOT_FOUND", f"The requested URL {path} was not found on this server.")
        route, params = found
        return self.dispatch(req, route, params)

    def dispatch(self, req: Request, route: Route, params: dict[str, str]) -> Response:
        spec = route.spec
        body = None
        if spec.request is not None:
            data = parse_json(req.body)
            body = validate(spec.request, data, allowed_extra=frozenset(params))
        if spec.upload:
            upload_path = spec.upload.get("simple") or ""
            raise errors.invalid_argument(
                f"{spec.id} uploads media: send it to {upload_path} with "
                "X-Goog-Upload-Protocol: resumable (or uploadType=multipart).",
                "",
            )
        for room in self.rooms:
            handler = room.handler(route)
            if handler is not None:
                return handler(req, route, params, body)
        raise ApiError("UNIMPLEMENTED", f"{spec.id} is not implemented by the emulator.")

    # -- what every room shares ------------------------------------------------------

    def kind_of(self, collection: str) -> Kind:
        """The semantics of the resources of ``collection`` (by its last segment)."""
        return self.kinds.get(collection.rsplit("/", 1)[-1], _DEFAULT_KIND)

    def get_or_404(self, name: str) -> dict[str, Any]:
        """The stored resource ``name`` as a read shows it (a cache may have expired, an
        operation advances by one poll); the service's 404 when there is none."""
        with self.store.lock:
            item = self.store.get(name)
            if item is not None:
                item = self.kind_of(collection_of(name)).on_read(self, name, item)
                if item is not None:
                    self.operations.advance(name, item)
        if item is None:
            raise errors.not_found(f"{name} not found.")
        return item
