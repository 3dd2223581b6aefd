"""Test helpers of the outbox, for any app's tests: a real SMS gateway on 127.0.0.1 that honours
idempotency keys, and a way to deliver what a test queued."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key")
        with self.server.lock:
            answer = self.server.answers.pop(0) if self.server.answers else 200
            self.server.received.append(
                {
                    "auth": self.headers.get("Authorization"),
                    "type": self.headers.get("Content-Type"),
                    "key": key,
                    "body": body,
                }
            )
            # A gateway that honours the key delivers each key once, however often it is posted.
            if 200 <= answer < 300 and key not in self.server.delivered:
                self.server.delivered[key] = body
        self.send_response(answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def local_sms_gateway():
    """An SMS gateway on 127.0.0.1: `.url`, `.received` (every request), `.delivered` ({key: body}, once
    per key), `.answers` (the HTTP statuses of the next requests; 200 after them)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.received, server.delivered, server.answers, server.lock = [], {}, [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def use_gateway(settings, server):
    """Point the SMS settings (pytest-django's `settings` fixture) at `server`."""
    settings.MASSLINE_SMS_BACKEND = "http"
    settings.MASSLINE_SMS_URL = server.url
    settings.MASSLINE_SMS_TOKEN = "tok"  # noqa: S105 (the local test gateway)
    settings.MASSLINE_SMS_TIMEOUT = 2.0


def deliver_queued():
    """One delivery attempt of every due pending message, as the worker's task would make it; returns
    {message key: outcome}. For tests that run inside a transaction (the worker's loop cannot)."""
    from .choices import MessageStatus
    from .models import Message
    from .tasks import message_deliver

    due = Message.objects.filter(status=MessageStatus.PENDING).order_by("id").values_list("pk", "key")
    return {key: message_deliver.call(pk) for pk, key in due}
