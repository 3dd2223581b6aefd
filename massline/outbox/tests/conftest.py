"""Fixtures of the outbox's tests: a real SMS gateway on 127.0.0.1 that honours idempotency keys."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers.get("Idempotency-Key")
        with self.server.lock:
            answer = self.server.answers.pop(0) if self.server.answers else 200
            self.server.received.append(
                {
                    "auth": self.headers.get("Authorization"),
                    "type": self.headers.get("Content-Type"),
                    "key": key,
                    "body": json.loads(body),
                }
            )
            # A gateway that honours the key delivers each key once, however often it is posted.
            if 200 <= answer < 300 and key not in self.server.delivered:
                self.server.delivered[key] = json.loads(body)
        self.send_response(answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """An SMS gateway on 127.0.0.1: `.received` every request, `.delivered` {key: body} once per key,
    `.answers` the HTTP statuses of the next requests (then 200)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.received, server.delivered, server.answers, server.lock = [], {}, [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_sms(settings, gateway):
    """SMS go to the local gateway."""
    settings.MASSLINE_SMS_BACKEND = "http"
    settings.MASSLINE_SMS_URL = gateway.url
    settings.MASSLINE_SMS_TOKEN = "tok"
    settings.MASSLINE_SMS_TIMEOUT = 2.0
    return gateway
