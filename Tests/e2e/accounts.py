"""Signing in over plain HTTP the way the browser does, for API-level tests."""
import re
import uuid

import requests


def outbox_link(server, email):
    """The sign-in link the development outbox kept for `email`."""
    messages = requests.get(server + "/dev/outbox.json", timeout=10).json()["messages"]
    return next(m for m in messages if m["recipient"] == email)["link"]


def signed_in_session(server, link_for=outbox_link, email=None):
    """A requests.Session signed in through the magic-link form (as `email`, or a new person); `link_for(server,
    email)` reads the emailed link (by default from the dev outbox)."""
    session = requests.Session()
    session.headers["Origin"] = server
    email = email or f"api-{uuid.uuid4().hex[:10]}@example.com"
    login = session.get(server + "/login", timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    sent = session.post(server + "/login/email", data={"email": email, "csrf": csrf, "next": "/dashboard"},
                        allow_redirects=False, timeout=10)
    assert sent.status_code == 303, sent.text
    link = link_for(server, email)
    confirm = session.get(link, timeout=10)
    token = re.search(r'name="token" value="([^"]+)"', confirm.text).group(1)
    done = session.post(server + "/auth/magic", data={"token": token, "csrf": csrf}, allow_redirects=False, timeout=10)
    assert done.status_code == 303, done.text
    session.headers["X-CSRF-Token"] = session.cookies.get("bmm_csrf")
    session.email = email
    return session
