"""The Interactions API conveniences (``generativelanguage.gemini.interactions``) that
need no server: the text accessors and the wait schedule (with an injected clock). Over
HTTP they are tested against the emulator in ``tests/emulator/test_interactions.py``."""

from __future__ import annotations

import pytest

from generativelanguage.gemini import interactions as conv
from generativelanguage.runtime import errors, operations
from generativelanguage.v1beta import types


def text(t: str) -> types.InteractionContent:
    return types.InteractionContent(type="text", text=t)


def output(*texts: str) -> types.InteractionContent:
    return types.InteractionContent(type="model_output", content=[text(t) for t in texts])


def test_the_classes_carry_the_conveniences() -> None:
    assert issubclass(types.Interaction, conv.InteractionMixin)
    assert issubclass(types.InteractionEvent, conv.InteractionEventMixin)
    from generativelanguage.v1beta import resources

    assert issubclass(resources.InteractionsResource, conv.InteractionsMixin)
    assert issubclass(resources.AsyncInteractionsResource, conv.AsyncInteractionsMixin)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([types.InteractionContent(type="thought", signature="s"), output("a", "b")], "ab"),
        (
            [
                output("old"),
                types.InteractionContent(type="user_input", content=[text("q")]),
                output("new"),
            ],
            "new",
        ),
        ([output("x"), types.InteractionContent(type="function_call", name="f"), output("y")], "y"),
        ([output("one"), output("two")], "onetwo"),
        ([types.InteractionContent(type="function_call", name="f")], ""),
    ],
)
def test_output_text_is_the_text_of_the_trailing_model_output(steps, expected) -> None:
    assert types.Interaction(steps=steps).output_text == expected


def test_output_text_of_the_earlier_outputs_form_and_of_nothing() -> None:
    legacy = [types.InteractionContent(type="thought"), text("Because"), text(" bugs.")]
    assert types.Interaction(outputs=legacy).output_text == "Because bugs."
    assert types.Interaction(status="in_progress").output_text == ""


def test_event_text_is_the_answer_text_it_adds() -> None:
    delta = types.InteractionDelta(type="text", text="Hi")
    assert types.InteractionEvent(event_type="step.delta", delta=delta).text == "Hi"
    assert types.InteractionEvent(event_type="content.delta", delta=delta).text == "Hi"
    thought = types.InteractionDelta(type="thought_summary", content=text("hmm"))
    assert types.InteractionEvent(event_type="step.delta", delta=thought).text == ""
    assert types.InteractionEvent(event_type="interaction.created").text == ""


def test_interaction_id_accepts_an_interaction_a_dict_or_an_id() -> None:
    assert conv.interaction_id("v1_a") == "v1_a"
    assert conv.interaction_id({"id": "v1_b"}) == "v1_b"
    assert conv.interaction_id(types.Interaction(id="v1_c")) == "v1_c"
    with pytest.raises(errors.RequestValidationError, match="Interaction or its id"):
        conv.interaction_id(types.Interaction())


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_wait_polls_at_once_then_with_growing_jittered_delays() -> None:
    clock = Clock()
    schedule = conv.WaitSchedule("v1_x", timeout=600, poll_interval=2.0, clock=clock)
    assert schedule.next_delay() == 0.0
    delays = []
    for _ in range(6):
        schedule.current = types.Interaction(id="v1_x", status="in_progress")
        delays.append(schedule.next_delay())
    for n, delay in enumerate(delays, 2):
        cap = min(operations.MAX_POLL, 2.0 * operations.POLL_MULTIPLIER ** (n - 1))
        assert cap / 2 <= delay <= cap
    schedule.current = types.Interaction(id="v1_x", status="requires_action")
    assert schedule.next_delay() is None


def test_wait_given_a_running_interaction_sleeps_before_its_first_poll() -> None:
    running = types.Interaction(id="v1_x", status="queued")
    schedule = conv.WaitSchedule(running, poll_interval=1.0, clock=Clock())
    assert schedule.next_delay() > 0


def test_wait_given_a_finished_interaction_does_not_poll() -> None:
    done = types.Interaction(id="v1_x", status="completed")
    assert conv.WaitSchedule(done, clock=Clock()).next_delay() is None


def test_wait_gives_up_before_a_poll_past_the_timeout() -> None:
    clock = Clock()
    schedule = conv.WaitSchedule("v1_x", timeout=10, poll_interval=4.0, clock=clock)
    assert schedule.next_delay() == 0.0
    schedule.current = types.Interaction(id="v1_x", status="in_progress")
    clock.now += 9.0
    with pytest.raises(errors.APITimeoutError, match="v1_x still in_progress after 10 s"):
        schedule.next_delay()


def test_wait_without_a_timeout_never_gives_up() -> None:
    clock = Clock()
    schedule = conv.WaitSchedule("v1_x", timeout=None, clock=clock)
    schedule.next_delay()
    clock.now += 1e9
    schedule.current = types.Interaction(id="v1_x", status="in_progress")
    assert schedule.next_delay() > 0
