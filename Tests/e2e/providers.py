"""Stand-ins for the mail and SMS providers: real HTTP servers on 127.0.0.1 that speak just enough of the
providers' APIs for the app's real clients."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    """A provider stand-in: records each request and answers with a scripted reply, after `delay(body)` seconds
    (none by default), so a test can see whether the app waits for it."""

    def __init__(self, status, body, delay=lambda _body: 0):
        self.requests = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                received = self.rfile.read(length).decode()
                time.sleep(delay(received))
                recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": received})
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
