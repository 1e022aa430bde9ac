"""The Interactions API over loopback: ``client.interactions`` against the emulator,
blocking and asynchronous, on httpx and httpx2.

Create (plain, streamed, in the background), a stream cut after k events that resumes
itself (each event delivered once), ``get`` and ``get_stream`` with ``last_event_id``,
``wait``, ``cancel``, ``delete``, conversations, function calls, and the errors.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from generativelanguage.emulator import Emulator
from generativelanguage.runtime import errors
from generativelanguage.runtime.events import UnknownEvent
from generativelanguage.v1beta import AsyncClient, Client, types
from tests.emulator.conftest import FAST_RETRY, KEY
from tests.runtime.conftest import collect, each, ready

MODEL = "gemini-2.5-flash"
PROMPT = "one two three four five six seven eight nine ten eleven twelve"


@pytest.fixture(params=["httpx", "httpx2"])
def backend(request) -> str:
    return request.param


@pytest.fixture(params=["sync", "async"])
def mode(request) -> str:
    return request.param


def run(emu: Emulator, backend: str, mode: str, scenario) -> Any:
    """``scenario(client)`` with a Client or an AsyncClient of ``backend`` on ``emu``."""
    cls = AsyncClient if mode == "async" else Client

    async def main() -> Any:
        client = cls(api_key=KEY, base_url=emu.url, retry=FAST_RETRY, http_backend=backend)
        try:
            return await scenario(client)
        finally:
            await ready(client.close())

    return asyncio.run(main())


async def events_of(stream_call) -> tuple[list, Any]:
    stream = await ready(stream_call)
    return await collect(stream), stream


def body(**fields: Any) -> dict:
    return {"model": MODEL, "input": PROMPT, **fields}


# -- create, stream, get -------------------------------------------------------------------


def test_create_answers_a_completed_interaction_with_its_text(emu, backend, mode):
    async def scenario(client):
        created = await ready(client.interactions.create(body=body()))
        again = await ready(client.interactions.get(created.id, include_input=True))
        return created, again

    created, again = run(emu, backend, mode, scenario)
    assert type(created) is types.Interaction
    assert (created.status, created.object_, created.model) == ("completed", "interaction", MODEL)
    assert created.output_text == f"Echo: {PROMPT}"
    assert [s.type for s in created.steps] == ["thought", "model_output"]
    usage = created.usage
    assert usage.total_input_tokens == 12 and usage.total_output_tokens == 13
    assert usage.total_tokens == 12 + 13 + usage.total_thought_tokens
    assert again.steps == created.steps and again.input == PROMPT and created.input is None


def test_stream_events_carry_ids_and_end_at_done(emu, backend, mode):
    async def scenario(client):
        whole = await ready(client.interactions.create(body=body()))
        events, stream = await events_of(client.interactions.create_stream(body=body()))
        return whole, events, stream

    whole, events, stream = run(emu, backend, mode, scenario)
    kinds = [e.event_type for e in events]
    assert kinds[:3] == ["interaction.created", "interaction.status_update", "step.start"]
    assert kinds[-1] == "interaction.completed" and events[-1].interaction.status == "completed"
    assert all(type(e) is types.InteractionEvent and e.event_id for e in events)
    assert len({e.event_id for e in events}) == len(events)
    assert "".join(e.text for e in events) == whole.output_text
    assert sum(e.event_type == "step.delta" and e.delta.type == "text" for e in events) >= 3
    assert stream.resumes == 0 and stream.last_event_id == events[-1].event_id
    posted = [r for r in emu.requests if r["method"] == "POST"]
    assert posted[-1]["query"] == {}  # the body asks for the stream, not ?alt=sse


@pytest.mark.parametrize("k", [1, 4, 9])
def test_a_stream_cut_after_k_events_resumes_and_delivers_each_event_once(emu, backend, mode, k):
    async def scenario(client):
        reference, _ = await events_of(client.interactions.create_stream(body=body()))
        emu.cut_stream_after(k)
        events, stream = await events_of(client.interactions.create_stream(body=body()))
        return reference, events, stream

    reference, events, stream = run(emu, backend, mode, scenario)
    assert stream.resumes == 1
    assert [e.event_type for e in events] == [e.event_type for e in reference]
    ids = [e.event_id for e in events]
    assert len(set(ids)) == len(ids) == len(reference)
    assert "".join(e.text for e in events) == "".join(e.text for e in reference)
    resumed = emu.requests[-1]
    iid = events[0].interaction.id
    assert (resumed["method"], resumed["path"]) == ("GET", f"/v1beta/interactions/{iid}")
    assert resumed["query"] == {"stream": "true", "last_event_id": ids[k - 1]}


def test_a_stream_cut_twice_resumes_twice(emu, backend, mode):
    emu.cut_stream_after(2, n=2)

    async def scenario(client):
        return await events_of(client.interactions.create_stream(body=body()))

    events, stream = run(emu, backend, mode, scenario)
    assert stream.resumes == 2 and events[-1].event_type == "interaction.completed"
    assert len({e.event_id for e in events}) == len(events)


def test_a_stream_that_cannot_resume_raises_like_any_cut_stream(emu, backend, mode):
    emu.cut_stream_after(3)  # store=false: nothing to resume from (404)

    async def scenario(client):
        received = []
        stream = await ready(client.interactions.create_stream(body=body(store=False)))
        with pytest.raises(errors.StreamInterruptedError) as info:
            async for event in each(stream):
                received.append(event)
        return received, info.value

    received, error = run(emu, backend, mode, scenario)
    assert len(received) == 3
    assert isinstance(error.__cause__, errors.NotFound)


def test_get_stream_replays_after_last_event_id(emu, backend, mode):
    async def scenario(client):
        events, _ = await events_of(client.interactions.create_stream(body=body()))
        iid = events[0].interaction.id
        whole, _ = await events_of(client.interactions.get_stream(iid))
        tail, _ = await events_of(
            client.interactions.get_stream(iid, last_event_id=events[4].event_id)
        )
        return events, whole, tail

    events, whole, tail = run(emu, backend, mode, scenario)
    assert [e.event_id for e in whole] == [e.event_id for e in events]
    assert tail == events[5:]


def test_get_stream_resumes_itself_after_a_cut(emu, backend, mode):
    async def scenario(client):
        created = await ready(client.interactions.create(body=body()))
        reference, _ = await events_of(client.interactions.get_stream(created.id))
        emu.cut_stream_after(5)
        events, stream = await events_of(client.interactions.get_stream(created.id))
        return reference, events, stream

    reference, events, stream = run(emu, backend, mode, scenario)
    assert stream.resumes == 1 and events == reference


# -- background work ---------------------------------------------------------------------


def test_background_interaction_progresses_over_polls_until_wait_returns(emu, backend, mode):
    emu.service.operation_polls = 3

    async def scenario(client):
        started = await ready(client.interactions.create(body=body(background=True)))
        polled = await ready(client.interactions.get(started.id))
        done = await ready(client.interactions.wait(started, poll_interval=0.01, timeout=30))
        return started, polled, done

    started, polled, done = run(emu, backend, mode, scenario)
    assert (started.status, started.steps, started.output_text) == ("in_progress", None, "")
    assert polled.status == "in_progress"
    assert done.status == "completed" and done.output_text == f"Echo: {PROMPT}"
    gets = [r for r in emu.requests if r["method"] == "GET"]
    assert len(gets) == 3  # one by hand, two by wait


def test_agents_run_in_the_background(emu, backend, mode):
    agent = {"agent": "deep-research-pro-preview-12-2025", "input": "Research TPUs"}

    async def scenario(client):
        started = await ready(client.interactions.create(body={**agent, "background": True}))
        done = await ready(client.interactions.wait(started.id, poll_interval=0.01))
        with pytest.raises(errors.InvalidArgument, match="background"):
            await ready(client.interactions.create(body=agent))
        return started, done

    started, done = run(emu, backend, mode, scenario)
    assert started.agent == agent["agent"] and started.status == "in_progress"
    assert done.status == "completed" and "Research TPUs" in done.output_text


def test_cancel_stops_a_running_interaction(emu, backend, mode):
    emu.service.operation_polls = 5

    async def scenario(client):
        started = await ready(client.interactions.create(body=body(background=True)))
        cancelled = await ready(client.interactions.cancel(started.id))
        waited = await ready(client.interactions.wait(started.id, poll_interval=0.01))
        events, _ = await events_of(client.interactions.get_stream(started.id))
        with pytest.raises(errors.FailedPrecondition, match="cancelled"):
            await ready(client.interactions.cancel(started.id))
        return cancelled, waited, events

    cancelled, waited, events = run(emu, backend, mode, scenario)
    assert cancelled.status == waited.status == "cancelled"
    assert [e.status for e in events if e.event_type == "interaction.status_update"] == [
        "cancelled"
    ]


def test_delete_then_get_is_not_found(emu, backend, mode):
    async def scenario(client):
        created = await ready(client.interactions.create(body=body()))
        deleted = await ready(client.interactions.delete(created.id))
        with pytest.raises(errors.NotFound):
            await ready(client.interactions.get(created.id))
        with pytest.raises(errors.NotFound):
            await ready(client.interactions.delete(created.id))
        return deleted

    assert run(emu, backend, mode, scenario) == types.Empty()


def test_store_false_keeps_nothing(emu, backend, mode):
    async def scenario(client):
        created = await ready(client.interactions.create(body=body(store=False)))
        with pytest.raises(errors.NotFound):
            await ready(client.interactions.get(created.id))
        with pytest.raises(errors.NotFound):
            await ready(client.interactions.create(body=body(previous_interaction_id=created.id)))
        with pytest.raises(errors.InvalidArgument, match="stored"):
            await ready(client.interactions.create(body=body(store=False, background=True)))
        return created

    assert run(emu, backend, mode, scenario).status == "completed"


# -- conversations and tools ----------------------------------------------------------


def test_conversation_chains_previous_interaction_ids(emu, backend, mode):
    async def scenario(client):
        talk = client.interactions.conversation(model=MODEL, system_instruction="Be brief.")
        first = await ready(talk.send("Hello there"))
        second = await ready(talk.send("And again"))
        streamed = await collect(talk.stream("Third time"))
        return talk, first, second, streamed

    talk, first, second, streamed = run(emu, backend, mode, scenario)
    assert second.previous_interaction_id == first.id
    assert second.output_text == 'Echo: And again (turn 2; earlier you said: "Hello there")'
    assert "".join(e.text for e in streamed).endswith('(turn 3; earlier you said: "And again")')
    assert talk.previous_interaction_id == streamed[0].interaction.id != second.id


def test_function_call_then_function_result(emu, backend, mode):
    tool = {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }

    async def scenario(client):
        asked = await ready(
            client.interactions.create(
                body=body(input="Call get_weather for Paris please", tools=[tool])
            )
        )
        call = asked.steps[-1]
        result = {"type": "function_result", "call_id": call.id, "result": {"temp": 21}}
        answered = await ready(
            client.interactions.create(
                body=body(input=[result], tools=[tool], previous_interaction_id=asked.id)
            )
        )
        return asked, answered

    asked, answered = run(emu, backend, mode, scenario)
    call = asked.steps[-1]
    assert asked.status == "requires_action" and asked.output_text == ""
    assert (call.type, call.name, call.arguments) == (
        "function_call",
        "get_weather",
        {"city": "Paris"},
    )
    assert answered.output_text == 'Result of get_weather: {"result": {"temp": 21}}.'


def test_input_items_and_generation_config(emu, backend, mode):
    async def scenario(client):
        items = [
            {"type": "text", "text": "Describe"},
            {"type": "image", "data": "iVBORw0KGgo=", "mime_type": "image/png"},
        ]
        described = await ready(client.interactions.create(body=body(input=items)))
        cut = await ready(
            client.interactions.create(body=body(generation_config={"max_output_tokens": 3}))
        )
        return described, cut

    described, cut = run(emu, backend, mode, scenario)
    assert described.output_text == "Echo: Describe [inline image/png, 8 bytes]"
    assert (cut.status, cut.output_text) == ("incomplete", "Echo: one two")


# -- errors ------------------------------------------------------------------------------


def test_errors_are_typed(emu, backend, mode):
    async def scenario(client):
        with pytest.raises(errors.NotFound, match="not found"):
            await ready(client.interactions.create(body=body(model="nonexistent-model")))
        with pytest.raises(errors.InvalidArgument, match="Exactly one of model or agent"):
            await ready(client.interactions.create(body=body(agent="deep-research-x")))
        with pytest.raises(errors.NotFound):
            await ready(client.interactions.get("v1_missing"))
        before = len(emu.requests)
        with pytest.raises(errors.RequestValidationError, match=r"create_stream\(\)"):
            await ready(client.interactions.create(body=body(stream=True)))
        with pytest.raises(errors.RequestValidationError, match="unknown field 'txt'"):
            await ready(client.interactions.create(body=body(input=[{"type": "text", "txt": "x"}])))
        assert len(emu.requests) == before  # refused before sending
        with pytest.raises(errors.InvalidArgument, match="last_event_id"):
            created = await ready(client.interactions.create(body=body()))
            await collect(
                await ready(client.interactions.get_stream(created.id, last_event_id="nope"))
            )

    run(emu, backend, mode, scenario)


def test_unknown_field_names_in_a_raw_body_are_refused_like_the_service(emu):
    import httpx

    answer = httpx.post(f"{emu.url}/v1beta/interactions", json={"model": MODEL, "inptu": "x"})
    assert answer.status_code == 400
    assert 'Unknown name "inptu"' in answer.json()["error"]["message"]


def test_no_event_of_the_emulator_is_unknown(emu):
    with Client(api_key=KEY, base_url=emu.url) as client:
        events = list(client.interactions.create_stream(body=body()))
    assert not [e for e in events if isinstance(e, UnknownEvent)]
