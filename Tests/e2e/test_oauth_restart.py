"""OAuth state lives in the database: after the app restarts, each SDK keeps its
connection with the tokens it stored, refreshing without a browser step."""
import json

import pytest

from test_mcp import make_hosted
from test_mcp_restart import start
from test_oauth import SDKS, assert_tools_work, run_oauth_client
from conftest import free_port


@pytest.mark.parametrize("variant", list(SDKS))
def test_a_restart_keeps_oauth_connections(tmp_path, variant):
    port = free_port()
    process, base = start(tmp_path, port)
    try:
        hosted = make_hosted(base)
        cookies = tmp_path / "cookies.json"
        cookies.write_text(json.dumps(hosted.session.cookies.get_dict()))
        storage = tmp_path / "storage.json"
        first = run_oauth_client(variant, hosted, storage, cookies)
        assert_tools_work(first)
        assert first["browser_step_needed"]
    finally:
        process.terminate()
        process.wait(timeout=20)

    process, base = start(tmp_path, port)
    try:
        # the stored access token still works, and so does a refresh with the stored refresh token
        again = run_oauth_client(variant, hosted, storage, cookies, "--no-browser")
        assert_tools_work(again)
        assert not again["browser_step_needed"] and again["token_grants"] == []
        refreshed = run_oauth_client(variant, hosted, storage, cookies, "--no-browser", "--expire-access-token")
        assert_tools_work(refreshed)
        assert refreshed["token_grants"] == ["refresh_token"] and not refreshed["browser_step_needed"]
    finally:
        process.terminate()
        process.wait(timeout=20)
