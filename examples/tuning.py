"""Tune a model: start the long-running operation, follow it to the end, use the result.

Google has retired API tuning for current Gemini models, so against the real service
this example is expected to fail; the emulator still trains (see its README).
"""

from __future__ import annotations

import os

from generativelanguage.v1beta import Client, types

EXAMPLES = [
    {"textInput": "1", "output": "2"},
    {"textInput": "3", "output": "4"},
    {"textInput": "seven", "output": "eight"},
    {"textInput": "ninety nine", "output": "one hundred"},
]


def main() -> None:
    base = os.environ.get("GEMINI_TUNING_BASE_MODEL", "models/gemini-1.5-flash-001-tuning")
    with Client(base_url=os.environ.get("GEMINI_BASE_URL") or None) as client:
        operation = client.tuned_models.create(
            body={
                "displayName": "number successor",
                "baseModel": base,
                "tuningTask": {
                    "hyperparameters": {"epochCount": 5, "batchSize": 2, "learningRate": 0.001},
                    "trainingData": {"examples": {"examples": EXAMPLES}},
                },
            }
        )
        print(f"started {operation.name}")
        # Typed: given the response type, the wait returns that response itself.
        tuned = client.wait_operation(operation, types.TunedModel, timeout=120.0)
        snapshots = len(tuned.tuning_task.snapshots or ()) if tuned.tuning_task else 0
        print(f"{tuned.name} is {tuned.state} after {snapshots} snapshots")
        answer = client.tuned_models.generate_content(tuned.name or "", body="seven")
        print(f"seven -> {answer.text}")
        client.tuned_models.delete(tuned.name or "")


if __name__ == "__main__":
    main()
