"""The Interactions API: create (plain, streamed, in the background), get (plain and
streamed, with ``last_event_id`` replay), cancel and delete.

An interaction's answer is computed once, when it is created, by the rules of
:mod:`..interaction_rules`; what the room keeps beside it in the store is what the
routes reveal of it over time:

* a plain create answers the whole interaction; a streamed one (``stream: true``)
  answers its events, each with an ``event_id``, then ``data: [DONE]``;
* a background create (``background: true``) answers status ``in_progress``; each
  ``get`` is one poll, and the ``operation_polls``-th one finds it ``completed``
  (``cancel`` before then makes it ``cancelled``);
* ``get`` with ``stream=true`` replays the events (finishing a running background
  interaction first), or those after ``last_event_id``;
* ``store: false`` keeps nothing: ``get``, ``previous_interaction_id`` and resuming a
  stream then find no such interaction (404), as with the service; background work
  needs the interaction stored (400).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import errors, model
from .. import interaction_rules as rules
from ..routing import Route
from ..validation import to_json
from ..wire import Request, Response, json_response
from .base import Handler, Room, bool_query

#: Agents the emulator answers (like a model, in the background).
AGENTS = ("deep-research-", "antigravity-")
#: The model that answers for an agent.
AGENT_MODEL = "models/gemini-2.5-flash"
_RUNNING = frozenset({"in_progress", "queued"})


def _stamp() -> str:
    """RFC 3339 in whole seconds, as the service writes ``created``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sse(frames: list[bytes]) -> Response:
    return Response(
        200, b"", {"Content-Type": "text/event-stream"}, stream=[*frames, rules.DONE_FRAME]
    )


class InteractionsRoom(Room):
    """The ``interactions`` resource."""

    def handler(self, route: Route) -> Handler | None:
        if route.resource != ("interactions",):
            return None
        return {
            "create": self._create,
            "get": self._get,
            "cancel": self._cancel,
            "delete": self._delete,
        }.get(route.method)

    # -- state --------------------------------------------------------------------------

    def _load(self, interaction_id: str) -> tuple[str, dict, dict]:
        """Name, current view and record of a stored interaction (404 when none)."""
        name = f"interactions/{interaction_id}"
        item = self.store.get(name)
        record = self.store.side.get(name, {}).get("interaction")
        if item is None or record is None:
            raise errors.not_found(f"Interaction {interaction_id} not found.")
        return name, item, record

    def _finish(self, name: str, record: dict) -> dict:
        """A running background interaction, done now."""
        item = dict(record["final"], updated=_stamp())
        self.store.put(name, item)
        record["running"] = False
        return item

    def _poll(self, name: str, item: dict, record: dict) -> dict:
        if not record["running"]:
            return item
        record["polls_left"] -= 1
        if record["polls_left"] > 0:
            return item
        return self._finish(name, record)

    def _event_frames(self, iid: str, events: list[dict]) -> list[tuple[str, bytes]]:
        out = []
        for n, event in enumerate(events, 1):
            event_id = f"{iid[-10:]}:{n}"
            out.append((event_id, rules.frame({**event, "event_id": event_id})))
        return out

    # -- routes -------------------------------------------------------------------------

    def _create(self, req: Request, route: Route, params: dict, body: Any) -> Response:
        request = to_json(body)
        model_name, agent = request.get("model"), request.get("agent")
        if bool(model_name) == bool(agent):
            raise errors.invalid_argument("Exactly one of model or agent must be set.", "model")
        background = bool(request.get("background"))
        stored = request.get("store") is not False
        if background and not stored:
            raise errors.invalid_argument(
                "A background interaction must be stored: leave store unset or true.", "store"
            )
        if agent:
            if not agent.startswith(AGENTS):
                raise errors.not_found(f"Agent {agent} is not found.")
            if not background:
                raise errors.invalid_argument(
                    f"Agent {agent} runs in the background only: set background=true.",
                    "background",
                )
            answering = AGENT_MODEL
        else:
            answering = model_name if model_name.startswith("models/") else f"models/{model_name}"
            self.svc.generation.resolve_model(answering, "generateContent", req)
        history: list[dict] = []
        calls: dict[str, str] = {}
        previous = request.get("previous_interaction_id")
        with self.store.lock:
            if previous:
                _name, _item, before = self._load(previous)
                history, calls = list(before["history"]), dict(before["calls"])
            gen = model.generate(
                rules.request(request, history, calls), answering, lookup=self.svc.files.lookup
            )
            iid = f"v1_{self.store.new_id(40)}"
            call_ids = [self.store.new_id(8) for _ in gen.candidates[0].parts]
            answer, status = rules.steps(gen, request, call_ids)
            calls.update({s["id"]: s["name"] for s in answer if s["type"] == "function_call"})
            stamp = _stamp()
            who = {"agent": agent} if agent else {"model": model_name}
            head = {"id": iid, "status": "in_progress", "object": "interaction", **who}
            ended = {**head, "status": status, "usage": rules.usage(gen)}
            ended.update(created=stamp, updated=stamp)
            if previous:
                ended["previous_interaction_id"] = previous
            final = {**ended, "steps": answer}
            frames = self._event_frames(iid, rules.events(head, answer, ended))
            record = {
                "final": final,
                "frames": frames,
                "history": history + rules.history_of(request, answer),
                "calls": calls,
                "input": request.get("input"),
                "running": background and not request.get("stream"),
                "polls_left": self.svc.operation_polls,
            }
            first = final
            if record["running"]:
                first = {**head, "created": stamp, "updated": stamp}
                if record["polls_left"] <= 0:
                    record["running"] = False
                    first = final
            if stored:
                name = f"interactions/{iid}"
                self.store.put(name, first)
                self.store.side.setdefault(name, {})["interaction"] = record
        if request.get("stream"):
            return _sse([f for _, f in frames])
        return json_response(first)

    def _get(self, req: Request, route: Route, params: dict, body: Any) -> Response:
        with self.store.lock:
            name, item, record = self._load(params["id"])
            if bool_query(req, "stream"):
                if record["running"]:
                    self._finish(name, record)
                frames = record["frames"]
                after = req.query.get("last_event_id")
                if after:
                    ids = [event_id for event_id, _ in frames]
                    if after not in ids:
                        raise errors.invalid_argument(
                            f"Unknown last_event_id {after!r} for this interaction.",
                            "last_event_id",
                        )
                    frames = frames[ids.index(after) + 1 :]
                return _sse([f for _, f in frames])
            item = self._poll(name, item, record)
            out = dict(item)
            if bool_query(req, "include_input") and record["input"] is not None:
                out["input"] = record["input"]
            return json_response(out)

    def _cancel(self, req: Request, route: Route, params: dict, body: Any) -> Response:
        with self.store.lock:
            name, item, record = self._load(params["id"])
            if not record["running"] or item.get("status") not in _RUNNING:
                raise errors.failed_precondition(
                    "Only a background interaction that is still running can be cancelled; "
                    f"this one is {item.get('status')}."
                )
            item = {**item, "status": "cancelled", "updated": _stamp()}
            record.update(running=False, final=item)
            head = {k: item[k] for k in ("id", "object", "model", "agent") if k in item}
            head["status"] = "in_progress"
            events = rules.events(head, [], item)
            events[1]["status"] = "cancelled"
            record["frames"] = self._event_frames(item["id"], events)
            self.store.put(name, item)
        return json_response(item)

    def _delete(self, req: Request, route: Route, params: dict, body: Any) -> Response:
        with self.store.lock:
            name, _item, _record = self._load(params["id"])
            self.store.delete(name)
        return json_response({})
