"""`bmm backup` under write load and `bmm restore` into a fresh data folder, with the real
binary; restore refuses while an app runs on the database; PostgreSQL gets pg_dump advice."""
import shutil
import sqlite3
import threading
import time
import uuid

import requests

from accounts import signed_in_session
from operations import Postgres, Serve, create_server, wait_active
from test_mcp import SPEC


def counts(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def emails(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return {email for (email,) in db.execute("SELECT email FROM users")}


def test_a_backup_taken_under_write_load_restores_every_row_into_a_fresh_data_folder(tmp_path):
    app = Serve(tmp_path / "live").start()
    backup = tmp_path / "backup.sqlite"
    try:
        session = signed_in_session(app.base)
        created = create_server(session, app.base, dict(SPEC, slug=f"calc-{uuid.uuid4().hex[:8]}"))
        wait_active(session, app.base, created["id"])
        # a write load: sign-ins (users, sessions, challenges, outbox messages) from two threads
        signed_up, stop, failures = [], threading.Event(), []

        def write():
            while not stop.is_set():
                try:
                    signed_in = signed_in_session(app.base)
                    signed_up.append((time.monotonic(), signed_in.email))
                except AssertionError as error:
                    # Concurrent sign-ins on SQLite must all succeed, backup or not: a transaction
                    # that loses the race to write is run again (Database.writeTransaction).
                    failures.append(repr(error)[:200])
        writers = [threading.Thread(target=write, daemon=True) for _ in range(2)]
        for writer in writers:
            writer.start()
        time.sleep(2)
        # when a backup is taken while the writes go on
        began = time.monotonic()
        result = app.command("backup", "--out", str(backup))
        ended = time.monotonic()
        time.sleep(1)
        stop.set()
        for writer in writers:
            writer.join(30)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "BMM_ENCRYPTION_KEY" in result.stdout
        before = {email for (at, email) in signed_up if at < began}
        during_or_after = [email for (at, email) in signed_up if at > ended]
        print(f"\nbackup took {ended - began:.2f} s; {len(before)} sign-ins before it, {len(during_or_after)} after it, "
              f"{len(failures)} sign-ins failed during the load")
        assert before and during_or_after, "the load did not run before and after the backup"
        assert not failures, failures[:3]
        # then every account made before it began is in it
        assert before <= emails(backup)
        in_backup = counts(backup)
        assert in_backup["servers"] == 1 and in_backup["server_versions"] == 1 and in_backup["builds"] == 1

        # an existing file is not overwritten without --force
        again = app.command("backup", "--out", str(backup))
        assert again.returncode != 0 and "--force" in again.stdout + again.stderr
        # and a restore over the running app's database is refused
        refused = app.command("restore", str(backup))
        assert refused.returncode != 0
        assert "stop it before restoring" in refused.stdout + refused.stderr
    finally:
        assert app.stop() == 0

    # when restored into a fresh data folder (with the key the backup was made with:
    # development keeps it in dev-keys.json, production in BMM_ENCRYPTION_KEY)
    fresh = Serve(tmp_path / "fresh")
    fresh.data.mkdir()
    shutil.copy(app.data / "dev-keys.json", fresh.data / "dev-keys.json")
    restored = fresh.command("restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    # then every row is there, and the app serves them
    assert counts(fresh.data / "bmm.sqlite") == in_backup
    fresh.start()
    try:
        assert before <= emails(fresh.data / "bmm.sqlite")
        endpoint = fresh.base + f"/mcp/{created['id'].lower()}"
        assert requests.get(fresh.base + "/readyz", timeout=10).status_code == 200
        assert requests.post(endpoint, json={}, timeout=10).status_code == 401  # the server exists; a token is needed
        # a second restore is refused while it runs, and would not overwrite the kept copy
        assert fresh.command("restore", str(backup)).returncode != 0
    finally:
        assert fresh.stop() == 0
    # the database a restore replaced is kept
    again = fresh.command("restore", str(backup))
    assert again.returncode == 0, again.stdout + again.stderr
    assert (fresh.data / "bmm.sqlite.bak").exists()
    refused = fresh.command("restore", str(backup))
    assert refused.returncode != 0 and ".bak exists" in refused.stdout + refused.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    app = Serve(tmp_path / "data")
    app.data.mkdir()
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    result = app.command("restore", str(text))
    assert result.returncode != 0 and "is not a SQLite database" in result.stdout + result.stderr
    assert not (app.data / "bmm.sqlite").exists()


def test_backup_on_postgresql_explains_pg_dump_and_fails(tmp_path):
    postgres = Postgres()
    try:
        app = Serve(tmp_path, DATABASE_URL=postgres.url)
        result = app.command("backup", "--out", str(tmp_path / "x.sqlite"))
        assert result.returncode != 0
        assert "pg_dump" in result.stdout and "pg_restore" in result.stdout
        assert not (tmp_path / "x.sqlite").exists()
        restore = app.command("restore", str(tmp_path / "x.sqlite"))
        assert restore.returncode != 0 and "pg_restore" in restore.stdout
    finally:
        postgres.destroy()
