"""Measurements that need a fresh interpreter each time: import + client construction,
resident memory, and the code generator."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import Results, Series, log, perf
from .data import REPO

# The child touches nothing but builtins (sys, time) before the timed statement, so the
# floor is not flattered by modules the harness itself would have imported.
_TIMED_CHILD = r"""
import sys, time
code = compile(sys.argv[1], "<bench>", "exec")
t0 = time.perf_counter()
exec(code, {"__name__": "__bench__"})
t1 = time.perf_counter()
sys.stdout.write(repr(t1 - t0))
"""

IMPORT_CASES = {
    "floor: import msgspec, httpx": "import msgspec, httpx",
    "import msgspec, httpx; httpx.Client()": "import msgspec, httpx\nhttpx.Client()",
    "ours: import generativelanguage.v1beta; Client(api_key=...)": (
        "import generativelanguage.v1beta\ngenerativelanguage.v1beta.Client(api_key='x')"
    ),
    "ours: same, http_backend='httpx2'": (
        "import generativelanguage.v1beta\n"
        "generativelanguage.v1beta.Client(api_key='x', http_backend='httpx2')"
    ),
    "google-genai: from google import genai; genai.Client(api_key=...)": (
        "from google import genai\ngenai.Client(api_key='x')"
    ),
    "GAPIC: import generativelanguage_v1beta; GenerativeServiceClient(transport='rest')": (
        "from google.ai import generativelanguage_v1beta as glm\n"
        "from google.auth.credentials import AnonymousCredentials\n"
        "glm.GenerativeServiceClient(credentials=AnonymousCredentials(), transport='rest')"
    ),
}
IMPORT_FLOOR = "floor: import msgspec, httpx"
IMPORT_OURS = "ours: import generativelanguage.v1beta; Client(api_key=...)"
IMPORT_GENAI = "google-genai: from google import genai; genai.Client(api_key=...)"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for k in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_HTTP_CLIENT", "PYTHONPATH"):
        env.pop(k, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # .pyc files make every run alike
    return env


def import_suite(results: Results, reps: int) -> None:
    env = child_env()
    inner = {name: Series("import/in-process", name) for name in IMPORT_CASES}
    wall = {name: Series("import/process wall", name) for name in IMPORT_CASES}
    names = list(IMPORT_CASES)
    for name in names:  # warm up: .pyc files, page cache
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, "-c", _TIMED_CHILD, IMPORT_CASES[name]],
                capture_output=True,
                text=True,
                env=env,
            )
            if proc.returncode != 0:
                inner[name].error = wall[name].error = proc.stderr.strip()[-300:]
                log(f"  import: {name}: {inner[name].error}")
                break
    live = [n for n in names if not inner[n].error]
    for r in range(reps):
        k = r % len(live)
        order = live[k:] + live[:k]
        if r % 2:
            order.reverse()
        for name in order:
            t0 = perf()
            proc = subprocess.run(
                [sys.executable, "-c", _TIMED_CHILD, IMPORT_CASES[name]],
                capture_output=True,
                text=True,
                env=env,
            )
            elapsed = perf() - t0
            inner[name].samples.append(float(proc.stdout))
            wall[name].samples.append(elapsed)
    results.group_notes["import/in-process"] = (
        "fresh interpreter per sample; time of the statement alone, measured inside the "
        "child with time.perf_counter (interpreter start-up excluded)"
    )
    results.group_notes["import/process wall"] = (
        "the same runs, wall time of the whole child process (start-up + statement + exit)"
    )
    for name in names:
        inner[name].note = wall[name].note = IMPORT_CASES[name].replace("\n", "; ")
        results.add(inner[name])
        results.add(wall[name])


_MEM_CHILD = r"""
import sys
def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) * 1024
    return out
setup, loop_code, body_path = sys.argv[1], sys.argv[2], sys.argv[3]
g = {"__name__": "__bench__"}
exec(setup, g)
a = status()
with open(body_path, "rb") as f:
    g["BODY"] = f.read()
exec(loop_code, g)
b = status()
sys.stdout.write(repr((a["VmRSS"], a["VmHWM"], b["VmRSS"], b["VmHWM"])))
"""

_MEM_CASES = {
    "floor: import msgspec, httpx | decode: msgspec.json.decode(type=Struct)": (
        "import msgspec, httpx",
        "from generativelanguage.v1beta.types import GenerateContentResponse as T\n"
        "for _ in range(1000): msgspec.json.decode(BODY, type=T)",
    ),
    "ours: import + Client() | decode: runtime.structs.decode": (
        "import generativelanguage.v1beta\nc = generativelanguage.v1beta.Client(api_key='x')",
        "from generativelanguage.runtime.structs import decode\n"
        "from generativelanguage.v1beta.types import GenerateContentResponse as T\n"
        "for _ in range(1000): decode(T, BODY)",
    ),
    "google-genai: import + genai.Client() | decode: its response path": (
        "from google import genai\nc = genai.Client(api_key='x')",
        "import json\nfrom google.genai import models, types\n"
        "pm = types._GenerateContentParameters(model='models/bench', contents='hi')\n"
        "for _ in range(1000):\n"
        "    d = models._GenerateContentResponse_from_mldev(json.loads(BODY.decode()), None, pm)\n"
        "    types.GenerateContentResponse._from_response(response=d, kwargs={})",
    ),
    "GAPIC: import + GenerativeServiceClient(rest) | decode: json_format.Parse": (
        "from google.ai import generativelanguage_v1beta as glm\n"
        "from google.auth.credentials import AnonymousCredentials\n"
        "c = glm.GenerativeServiceClient(credentials=AnonymousCredentials(), transport='rest')",
        "from google.protobuf import json_format\n"
        "for _ in range(1000):\n"
        "    r = glm.GenerateContentResponse()\n"
        "    json_format.Parse(BODY, glm.GenerateContentResponse.pb(r), ignore_unknown_fields=True)",
    ),
}
MEM_FLOOR = "floor: import msgspec, httpx | decode: msgspec.json.decode(type=Struct)"
MEM_OURS = "ours: import + Client() | decode: runtime.structs.decode"


def memory_suite(results: Results, body: bytes, body_label: str, reps: int) -> None:
    env = child_env()
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
        f.write(body)
        path = f.name
    try:
        groups = {
            "memory/RSS after import + client": 0,
            "memory/peak RSS (VmHWM) after import + client": 1,
            f"memory/peak RSS (VmHWM) after 1000 decodes of {body_label}": 3,
        }
        series = {g: {n: Series(g, n, unit="B") for n in _MEM_CASES} for g in groups}
        names = list(_MEM_CASES)
        for name in names:  # warm up: compile .pyc files once, outside the samples
            setup, loop_code = _MEM_CASES[name]
            subprocess.run(
                [sys.executable, "-c", _MEM_CHILD, setup, loop_code, path],
                capture_output=True,
                env=env,
            )
        for r in range(reps):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                setup, loop_code = _MEM_CASES[name]
                proc = subprocess.run(
                    [sys.executable, "-c", _MEM_CHILD, setup, loop_code, path],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                if proc.returncode != 0:
                    for g in groups:
                        series[g][name].error = proc.stderr.strip()[-300:]
                    continue
                values = ast.literal_eval(proc.stdout)
                for g, idx in groups.items():
                    series[g][name].samples.append(float(values[idx]))
        for g in groups:
            results.group_notes[g] = (
                "fresh interpreter per sample; /proc/self/status VmRSS (current) or VmHWM "
                "(peak) in the child"
            )
            for name in names:
                results.add(series[g][name])
    finally:
        os.unlink(path)


_CODEGEN_CHILD = r"""
import sys, time
t0 = time.perf_counter()
from codegen import fetch
from codegen.pipeline import generate_document
t1 = time.perf_counter()
times = {}
for v in fetch.locked_versions():
    lock = fetch.read_lock(v)
    path = fetch.cached_path(lock)
    data = path.read_bytes()
    t = time.perf_counter()
    files, version = generate_document(data, lock.file_name, format=True)
    times[v] = time.perf_counter() - t
sys.stdout.write(repr((t1 - t0, times)))
"""


def codegen_suite(results: Results, reps: int, python: str | None) -> None:
    py = python or str(REPO / ".venv" / "bin" / "python")
    g = "codegen/both versions"
    total = Series(g, "generate both versions (subprocess wall, format=True)")
    inner = Series(g, "generate_document calls only (in the child)")
    per: dict[str, Series] = {}
    if not Path(py).exists():
        total.error = inner.error = f"{py} not found: run `make venv` (the generator's tools)"
        results.add(total)
        results.add(inner)
        return
    results.group_notes[g] = (
        f"{py} -c 'from codegen.pipeline import generate_document; ...' for every locked "
        "version in discovery/ (cached documents), format=True (ruff), nothing written"
    )
    for _ in range(reps):
        t0 = perf()
        proc = subprocess.run(
            [py, "-c", _CODEGEN_CHILD],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=child_env(),
        )
        elapsed = perf() - t0
        if proc.returncode != 0:
            total.error = inner.error = proc.stderr.strip()[-400:]
            break
        _imports, times = ast.literal_eval(proc.stdout)
        total.samples.append(elapsed)
        inner.samples.append(sum(times.values()))
        for v, t in times.items():
            per.setdefault(v, Series(g, f"generate_document({v})")).samples.append(t)
    results.add(total)
    results.add(inner)
    for s in per.values():
        results.add(s)
