"""The `bmm` binary as an operator runs it: clear failures, never a crash."""
import os
import shutil
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


def test_help_needs_no_configuration_and_creates_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BMM_") and k != "DATABASE_URL"}
    for args in (["--help"], ["help", "backup"], ["serve", "--help"]):
        result = subprocess.run([BINARY, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout
    top = subprocess.run([BINARY, "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60).stdout
    for command in ("serve", "migrate", "export", "worker", "backup", "restore", "secrets", "admin"):
        assert f" {command} " in top
    assert "--content" in top
    assert list(tmp_path.iterdir()) == [], "help must not create a database, keys or anything else"


def test_serve_port_flag_moves_the_public_url_with_it(tmp_path):
    port = free_port()
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"))
    for name in ("DATABASE_URL", "BMM_PORT", "BMM_PUBLIC_URL", "BMM_HOSTNAME"):
        env.pop(name, None)
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        page = requests.get(base + "/", timeout=10)
        assert page.status_code == 200, page.text[:200]
        assert f'href="{base}/"' in page.text, "the canonical link names the port the server listens on"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_installed_binary_finds_its_files_from_any_directory(tmp_path):
    # the layout the deployment docs describe: the binary beside Views/, Public/ and Content/
    app = tmp_path / "app"
    app.mkdir()
    for folder in ("Views", "Public", "Content"):
        shutil.copytree(os.path.join(ROOT, folder), app / folder)
    os.link(BINARY, app / "bmm")
    os.link(os.path.join(os.path.dirname(BINARY), "bmm-sandbox-worker"), app / "bmm-sandbox-worker")
    elsewhere = tmp_path / "cron"
    elsewhere.mkdir()
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"))
    env.pop("DATABASE_URL", None)
    migrated = subprocess.run([str(app / "bmm"), "migrate"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    backup = subprocess.run([str(app / "bmm"), "backup", "--out", str(tmp_path / "b.sqlite")], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "b.sqlite").exists()
    # and a backup into a folder that does not exist says so
    missing = subprocess.run([str(app / "bmm"), "backup", "--out", str(tmp_path / "nope" / "b.sqlite")], cwd=elsewhere, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0
    assert f"{tmp_path / 'nope'} does not exist" in missing.stdout + missing.stderr
    assert (missing.stdout + missing.stderr).count("does not exist") == 1, "the error is printed once"


def test_production_serve_refuses_an_unmigrated_database(tmp_path):
    result = run(["serve"], {
        "BMM_ENV": "production", "BMM_PUBLIC_URL": "https://mcp.example.com",
        "BMM_SESSION_SECRET": "x" * 44, "BMM_ENCRYPTION_KEY": "A" * 43 + "=", "BMM_PORT": str(free_port()),
    }, tmp_path, timeout=120)
    assert result.returncode == 1
    assert "run `bmm migrate`" in result.stdout + result.stderr
