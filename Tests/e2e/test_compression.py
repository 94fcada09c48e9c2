"""Compression and revalidation over real HTTP: text answers gzip-compressed, event streams left
alone and prompt, conditional requests answered with 304, and the export's .gz and .br copies
read back with Python's gzip and the brotli package (decoders independent of the app's zlib and
libbrotli builds)."""
import gzip
import queue
import re
import threading
import time

import brotli
import requests

from test_mcp import create_token, make_hosted
from operations import call_tool

TEXT_EXTENSIONS = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".webmanifest"}


def assets(server):
    home = requests.get(server + "/", timeout=10).text
    return re.findall(r'(?:href|src)="(/assets/[^"]+)"', home)


def test_text_answers_are_gzip_compressed_and_keep_their_headers(server):
    paths = ["/", "/docs/quickstart", "/pricing", "/sitemap.xml", "/search-index.json", "/sw.js",
             "/manifest.webmanifest", "/changelog/feed.xml", "/no/such/page"]
    paths += [path for path in assets(server) if not path.endswith(".png")]
    for path in paths:
        # when a browser asks
        response = requests.get(server + path, headers={"Accept-Encoding": "gzip, deflate, br"}, timeout=10, stream=True)
        raw = response.raw.read(decode_content=False)
        # then the bytes on the wire are gzip, which decode to the uncompressed answer
        assert response.headers.get("Content-Encoding") == "gzip", path
        assert "Accept-Encoding" in response.headers.get("Vary", ""), path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        identity = requests.get(server + path, headers={"Accept-Encoding": "identity"}, timeout=10)
        assert "Content-Encoding" not in identity.headers, path
        assert gzip.decompress(raw) == identity.content, path
        assert len(raw) < len(identity.content), path


def test_images_and_tiny_answers_are_not_compressed(server):
    png = next(path for path in assets(server) if path.endswith(".png"))
    for path in (png, "/robots.txt", "/healthz"):
        response = requests.get(server + path, headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, path


def test_pages_and_assets_revalidate_to_304(server):
    for path in ["/", "/docs/quickstart"] + assets(server):
        first = requests.get(server + path, timeout=10)
        tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        by_tag = requests.get(server + path, headers={"If-None-Match": tag, "Accept-Encoding": "gzip"}, timeout=10)
        by_date = requests.get(server + path, headers={"If-Modified-Since": modified}, timeout=10)
        for answer in (by_tag, by_date):
            assert answer.status_code == 304, path
            assert answer.content == b""
            assert answer.headers["ETag"] == tag
            assert "Content-Encoding" not in answer.headers
            assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert requests.get(server + path, headers={"If-None-Match": 'W/"other"'}, timeout=10).status_code == 200


def test_an_event_stream_is_not_compressed_and_delivers_each_event_at_once(server):
    # given a live server and its call log stream, opened by a client that accepts gzip
    hosted = make_hosted(server)
    stream = hosted.session.get(f"{server}/v1/servers/{hosted.server_id}/calls/stream", stream=True, timeout=30,
                                headers={"Accept-Encoding": "gzip, deflate, br", "Accept": "text/event-stream"})
    try:
        assert stream.status_code == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        assert "Content-Encoding" not in stream.headers
        lines = queue.Queue()

        def read():
            try:
                for line in stream.iter_lines(chunk_size=None):
                    lines.put(line)
            except (requests.RequestException, AttributeError, ValueError, OSError):
                # The stream closed under us when the test ended; mid-read (a keepalive arriving), urllib3 says so
                # with an AttributeError or ValueError rather than its own exception.
                pass
        threading.Thread(target=read, daemon=True).start()
        # when a tool is called while the stream stays open
        called = time.monotonic()
        answer = call_tool(server, hosted.server_id, hosted.token, "add", {"a": 2, "b": 3})
        assert answer.status_code == 200, answer.text
        # then its event arrives within a few seconds (the stream polls every second), not at the stream's end
        deadline = called + 10
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith(b"event: call"):
                break
        print(f"\ncall event {time.monotonic() - called:.2f} s after the call")
        assert time.monotonic() - called < 10
    finally:
        stream.close()


def test_every_exported_text_file_has_gz_and_br_copies_that_decode_to_it(export_dir):
    checked = 0
    for file in sorted(export_dir.rglob("*")):
        if not file.is_file() or file.suffix in (".gz", ".br") or file.name == ".bmm-export":
            continue
        gz, br = file.with_name(file.name + ".gz"), file.with_name(file.name + ".br")
        if file.suffix not in TEXT_EXTENSIONS:
            assert not gz.exists() and not br.exists(), file
            continue
        original = file.read_bytes()
        assert gzip.decompress(gz.read_bytes()) == original, gz
        assert brotli.decompress(br.read_bytes()) == original, br
        checked += 1
    assert checked >= 30
