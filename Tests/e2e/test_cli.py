"""The `bmm` binary as an operator runs it: clear failures, never a crash."""
import os
import subprocess
import time

import requests

from conftest import BINARY, ROOT, free_port, wait_for


def run(args, env_extra, tmp_path, timeout=120):
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"), **env_extra)
    env.pop("DATABASE_URL", None)
    env.update(env_extra)
    return subprocess.run([BINARY, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_production_refuses_to_start_and_names_the_missing_secrets(tmp_path):
    result = run(["serve"], {"BMM_ENV": "production"}, tmp_path)
    assert result.returncode == 2
    for name in ("BMM_SESSION_SECRET", "BMM_ENCRYPTION_KEY", "BMM_PUBLIC_URL"):
        assert name in result.stderr


def test_export_of_broken_front_matter_fails_with_file_and_line(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("---\ntitle: Good\ndescription: A good page.\n---\nBody\n")
    (docs / "broken.md").write_text("---\ntitle: Broken\nno colon on this line\n---\n")
    result = run(["export", "--out", str(tmp_path / "site"), "--content", str(docs)], {}, tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{docs}/broken.md:3: expected `key: value`" in output
    assert not (tmp_path / "site" / "index.html").exists()


def test_serve_logs_broken_pages_and_serves_the_rest(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("---\ntitle: Good\ndescription: A good page.\n---\nBody\n")
    (docs / "broken.md").write_text("---\ntitle: \"never closed\n---\n")
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"), BMM_PORT=str(port))
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([BINARY, "serve", "--content", str(docs)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        assert requests.get(base + "/docs/good", timeout=10).status_code == 200
        assert requests.get(base + "/docs/broken", timeout=10).status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    assert f"{docs}/broken.md:2: string opened with \" is not closed" in (tmp_path / "serve.log").read_text()


def test_migrate_is_non_interactive(tmp_path):
    first = run(["migrate"], {}, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Database is up to date." in first.stdout or "Applied" in first.stdout
    assert (tmp_path / "data" / "bmm.sqlite").exists()
