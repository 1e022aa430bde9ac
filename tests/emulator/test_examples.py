"""Every example script, run as a subprocess against an emulator started by the test."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generativelanguage.emulator import Emulator
from tests.emulator.conftest import KEY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXPECTED = {
    "text.py": ["Echo: Write a haiku about fast JSON.", "finish reason STOP"],
    "streaming.py": ["Echo: Count from one to ten, slowly and in words.", "[3 chunks]"],
    "chat.py": [
        'model: Echo: Which name did I give you? (turn 2; earlier you said: "Hi! My name is Ada.")',
        "[4 turns in the history]",
    ],
    "function_calling.py": [
        'model: Result of get_weather: {"result": {"city": "Paris", "temperature": 21, "unit": '
        '"celsius"}}.',
        "model calls get_weather({'city': 'Paris', 'unit': 'celsius'})",
        'model: Result of get_weather: {"city": "Paris", "temperature": 21, "unit": "celsius"}.',
    ],
    "structured_output.py": ["Paris: 2,100,000 people"],
    "files.py": ["uploaded files/", '[file "notes.txt" (text/plain, 65 bytes)', "deleted files/"],
    "count_tokens.py": ["countTokens: 9 tokens", "generateContent used 9 prompt tokens"],
    "embeddings.py": ["one embedding: 256 dimensions", "batch: 3 embeddings of 768 dimensions"],
    "tuning.py": ["is ACTIVE", "seven -> eight"],
    "list_models.py": ["page 1: chat-bison-001,", "page 4:", "4 pages"],
    "async_text.py": ["Name a river. -> Echo: Name a river.", "Echo: Name an ocean."],
    # The eleven-task tour, one line per task.
    "tour.py": [
        "Echo: Write a haiku about msgspec.\n",
        "Echo: Count to five.\n",
        'Echo: What is my name? (turn 2; earlier you said: "My name is Ada.")\n',
        'Result of get_weather: {"result": "Sunny in Paris"}.\n',
        '(text/plain, 15 bytes): "Ship on Friday."]\n',
        "\n3\n768 dimensions\n['models/chat-bison-001', ",
        "'models/veo-3.1-generate-preview']\nTrue\nEcho: Hi\nEcho: Hello from asyncio.\n",
    ],
    "batch.py": [
        "submitted batches/",
        "city-000002: Echo: In one sentence: what is Lima known for? (request 2)",
        "2000 answers, 0 errors, keys in order",
    ],
    "interactions.py": [
        "create: completed: Echo: Name three rivers.",
        "stream: Echo: Count from one to ten, in words.",
        'conversation: Echo: Which name did I give you? (turn 2; earlier you said: "My name is Ada.")',
        "waited: completed: Echo: Summarise the history of the TPU.",
        "replay: 11 events; 8 after the third",
        "cancel: cancelled",
        "deleted 3 interactions",
    ],
    "live.py": [
        "model says: 'Echo: Say hello to the Live API.' (0.70 s of audio/pcm;rate=24000)",
        "model called get_weather({'city': 'Paris'})",
        "heard 'audio of 0.50 seconds'",
    ],
}


def test_the_tour_is_at_most_forty_lines():
    assert len((EXAMPLES / "tour.py").read_text().splitlines()) <= 40


@pytest.fixture(scope="module")
def served():
    with Emulator(api_key=KEY, operation_polls=2) as emulator:
        yield emulator


def _env(url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "GEMINI_BASE_URL")}
    env.pop("GENERATIVELANGUAGE_LIVE", None)
    env["GEMINI_API_KEY"] = KEY
    if url:
        env["GEMINI_BASE_URL"] = url
    return env


def _run(script: str, url: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_example_is_tested():
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == set(EXPECTED) | {"quickstart.py"}


def test_examples_against_the_emulator(served):
    # Two at a time: the machine has two cores, and each run is mostly interpreter start-up.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(
            zip(EXPECTED, pool.map(lambda s: _run(s, served.url), EXPECTED), strict=True)
        )
    problems = []
    for script, result in results.items():
        if result.returncode != 0:
            problems.append(f"{script} exited {result.returncode}:\n{result.stdout}{result.stderr}")
            continue
        for line in EXPECTED[script]:
            if line not in result.stdout:
                problems.append(f"{script}: {line!r} not in output:\n{result.stdout}")
    assert not problems, "\n\n".join(problems)


def test_quickstart_against_a_running_emulator(served):
    result = _run("quickstart.py", served.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Done: 13 of 13 steps succeeded." in result.stdout


def test_quickstart_starts_its_own_emulator():
    """What `make demo` runs: no URL given, so the script starts an emulator itself."""
    result = _run("quickstart.py", None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Started a local Gemini API emulator at http://127.0.0.1:" in result.stdout
    assert "Done: 13 of 13 steps succeeded." in result.stdout


def test_live_example_starts_its_own_emulator_and_survives_a_goaway():
    result = _run("live.py", None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Started a local Gemini API emulator" in result.stdout
    assert "after 1 resumption(s) the model says: 'Echo: And after the goAway?" in result.stdout


def test_interactions_example_starts_its_own_emulator():
    """`python examples/interactions.py` alone runs offline."""
    result = _run("interactions.py", None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(a local Gemini API emulator at http://127.0.0.1:" in result.stdout
    assert "deleted 3 interactions" in result.stdout


@pytest.mark.parametrize("script", ["quickstart.py", "interactions.py"])
def test_live_mode_needs_a_key(script):
    env = _env(None)
    env.pop("GEMINI_API_KEY")
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--live"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "GEMINI_API_KEY" in result.stdout
