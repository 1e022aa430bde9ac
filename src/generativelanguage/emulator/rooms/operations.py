"""Long-running operations: stored like any resource, done after a few polls, cancelled.

An operation is a resource too (``tunedModels/x/operations/y``, ``batches/z``), so
``operations.get``, ``batches.get`` and ``operations.list`` read it through the generic
CRUD of :mod:`.resources`; every read advances its :class:`Plan` by one poll.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError
from ..routing import Route
from ..store import timestamp
from ..wire import Response, json_response
from .base import Handler, Room


@dataclass
class Plan:
    """How a pending operation progresses: ``finish`` returns its response (or raises
    ApiError) on the last poll; ``progress`` sees the fraction done on earlier polls."""

    polls_left: int
    total: int
    finish: Callable[[dict[str, Any]], dict[str, Any]]
    progress: Callable[[dict[str, Any], float], None] | None = None


class OperationsRoom(Room):
    """Pending operations and ``cancel``."""

    def handler(self, route: Route) -> Handler | None:
        return self._cancel if route.method == "cancel" else None

    def start(
        self,
        name: str,
        finish: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        metadata: dict[str, Any] | None = None,
        progress: Callable[[dict[str, Any], float], None] | None = None,
        polls: int | None = None,
    ) -> dict[str, Any]:
        """Store a pending operation; it is done after ``polls`` reads (default: the
        service's ``operation_polls``). Returns the operation as first answered."""
        svc = self.svc
        polls = svc.operation_polls if polls is None else polls
        op: dict[str, Any] = {"name": name}
        if metadata is not None:
            op["metadata"] = metadata
        with svc.store.lock:
            svc.store.put(name, op)
            svc.store.side.setdefault(name, {})["plan"] = Plan(
                polls, max(polls, 1), finish, progress
            )
            if polls <= 0:
                self.advance(name, op, poll=False)
            return json.loads(json.dumps(op))

    def advance(self, name: str, op: dict[str, Any], *, poll: bool = True) -> None:
        """One poll of ``name`` (a no-op for a resource that is no pending operation)."""
        side = self.svc.store.side
        plan: Plan | None = side.get(name, {}).get("plan")
        if plan is None or op.get("done"):
            return
        if poll:
            plan.polls_left -= 1
        if plan.polls_left > 0:
            if plan.progress is not None:
                plan.progress(op, 1 - plan.polls_left / plan.total)
            return
        try:
            response = plan.finish(op)
        except ApiError as exc:
            op["error"] = exc.as_status()
        else:
            op["response"] = response
        op["done"] = True
        side[name].pop("plan", None)

    def _cancel(self, req, route, params, body) -> Response:
        svc = self.svc
        name = svc.router.resource_path(route, params)
        with svc.store.lock:
            op = svc.get_or_404(name)
            if not op.get("done"):
                svc.store.side.get(name, {}).pop("plan", None)
                op["done"] = True
                op["error"] = {"code": 1, "message": "Operation cancelled."}
                meta = op.get("metadata")
                if isinstance(meta, dict) and "state" in meta:
                    meta["state"] = "BATCH_STATE_CANCELLED"
                    meta["updateTime"] = timestamp()
        return json_response({})
