"""A local stand-in for the Anthropic Messages API that streams the documented
server-sent events slowly, so tests can see the app relay them as they come."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SPEC = {
    "name": "Moon phases",
    "slug": "moon-phases",
    "description": "Tells the phase of the moon for a date.",
    "tools": [{
        "name": "moon_phase",
        "description": "The moon's phase on a date (UTC).",
        "inputSchema": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}},
                        "required": ["date"]},
        "implementation": "const days = (Date.parse(args.date) - Date.UTC(2000, 0, 6)) / 864e5;\n"
                          "const age = ((days % 29.53) + 29.53) % 29.53;\nreturn { date: args.date, ageDays: Math.round(age * 10) / 10 };",
    }],
    "requiredSecrets": [],
    "allowedDomains": [],
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests_seen = []

    def log_message(self, *args):
        pass

    def send_json(self, status, body, headers=None):
        """Answers `status` with the JSON bytes `body` and any extra `headers`."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        Handler.requests_seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if not body.get("stream"):
            message = json.dumps({"id": "msg_2", "type": "message", "role": "assistant", "model": body["model"],
                                  "content": [{"type": "tool_use", "id": "toolu_2", "name": "submit_server_spec", "input": SPEC}],
                                  "stop_reason": "tool_use", "usage": {"input_tokens": 900, "output_tokens": 200}}).encode()
            self.send_json(200, message)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        text = json.dumps(SPEC)
        pieces = [text[i:i + 40] for i in range(0, len(text), 40)]
        events = [("message_start", {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
                                                                         "model": body["model"], "content": [], "stop_reason": None}}),
                  ("content_block_start", {"type": "content_block_start", "index": 0,
                                           "content_block": {"type": "tool_use", "id": "toolu_1", "name": "submit_server_spec", "input": {}}}),
                  ("ping", {"type": "ping"})]
        events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                            "delta": {"type": "input_json_delta", "partial_json": piece}}) for piece in pieces]
        events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                   ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 200}}),
                   ("message_stop", {"type": "message_stop"})]
        for name, payload in events:
            chunk = f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
            time.sleep(0.05)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def start():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
