"""A local HTTP server that answers OpenAI chat-completion requests from a script, for
tests that need faults (429/5xx, stalls, empty text) on loopback."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(text: str = "ok", usage: dict[str, int] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "cmpl-1",
        "model": "scripted",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }
    if usage is not None:
        body["usage"] = usage
    return body


# ------------------------------------------------------------------ scripted fault server


class Scripted:
    """A local server answering each POST with the next scripted step.

    A step is ``(status, headers, body)``, or ``("sleep", seconds)`` to stall one request
    (the client should time out), or a callable ``request_json -> step``. The last step
    repeats once the script runs out.
    """

    def __init__(self, steps: list[Any]) -> None:
        self.steps = steps
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.lock = threading.Lock()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                with scripted.lock:
                    scripted.requests.append((dict(self.headers), payload))
                    n = len(scripted.requests) - 1
                    step = scripted.steps[min(n, len(scripted.steps) - 1)]
                if callable(step):
                    step = step(payload)
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = (200, {}, completion("late"))
                status, headers, body = step
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
