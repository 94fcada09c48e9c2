#!/usr/bin/env python3
"""Seeds a migrated BuildMyMCPServer SQLite database with a marketplace: N templates (default
10,000) in every category, 1-3 versions each, forks counts with a long tail, active and failed
deployments (servers forked from a template), 500 authors, a few hidden and draft templates.

Written straight into the file the app then serves (`bmm serve` must have migrated it and be
stopped). Rows take the app's storage forms: UUIDs as uppercase text, dates as seconds since
1970 (REAL). The FTS5 search table fills itself through the triggers the migration created.
With --postgres-sql FILE it writes the same rows as one SQL transaction for psql instead (the
generated search column fills itself there).

Usage: seed.py DATABASE [--templates N] [--seed S]
       seed.py --postgres-sql FILE [--templates N] [--seed S]
"""
import argparse
import json
import random
import sqlite3
import time
import uuid

CATEGORIES = ["developer-tools", "productivity", "data", "communication", "finance", "marketing", "devops",
              "knowledge", "entertainment", "other"]
SERVICES = ["GitHub", "Notion", "Slack", "Linear", "Jira", "Stripe", "Shopify", "Airtable", "Google Sheets", "Postgres",
            "Weather", "Calendar", "Gmail", "Trello", "Asana", "HubSpot", "Salesforce", "Zendesk", "Discord", "Figma",
            "Dropbox", "S3", "Cloudflare", "Vercel", "Sentry", "Datadog", "PagerDuty", "Twilio", "OpenWeather", "Spotify"]
VERBS = ["search", "create", "list", "update", "delete", "get", "summarize", "sync", "export", "import", "track", "notify"]
NOUNS = ["issues", "pages", "messages", "tickets", "invoices", "orders", "rows", "events", "files", "contacts", "deals",
         "alerts", "forecasts", "tracks", "comments", "users", "reports", "deployments"]
ADJECTIVES = ["Quick", "Smart", "Tiny", "Team", "Daily", "Bulk", "Secure", "Simple", "Pro", "Live", "Open", "Handy"]
WORDS = ("the a tool that lets your assistant read write and organise data from service with oauth keys fast reliable "
         "search filter sort page through results summary report schedule weekly daily alerts when something changes "
         "lighthouse harbour meridian quartz nimbus falcon orchard canyon glacier prairie").split()


class Time(float):
    """A moment as seconds since 1970: REAL in SQLite, timestamptz in PostgreSQL."""


class Flag(int):
    """A boolean: 0/1 in SQLite, FALSE/TRUE in PostgreSQL."""


class SQLiteWriter:
    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA foreign_keys = ON")

    def execute(self, sql, params):
        self.db.execute(sql, tuple(float(p) if isinstance(p, Time) else int(p) if isinstance(p, Flag) else p for p in params))

    def finish(self):
        self.db.commit()
        public = self.db.execute("SELECT COUNT(*) FROM templates WHERE status = 'public'").fetchone()[0]
        indexed = self.db.execute("SELECT COUNT(*) FROM templates_search_keys").fetchone()[0]
        return {"public": public, "search_rows": indexed}


class PostgresWriter:
    def __init__(self, path):
        self.out = open(path, "w")
        self.out.write("BEGIN;\n")

    @staticmethod
    def literal(value):
        if value is None:
            return "NULL"
        if isinstance(value, Time):
            return f"to_timestamp({float(value)!r})"
        if isinstance(value, Flag):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return repr(value)
        return "'" + str(value).replace("'", "''") + "'"

    def execute(self, sql, params):
        parts = sql.split("?")
        assert len(parts) == len(params) + 1, sql
        self.out.write("".join(part + (self.literal(params[i]) if i < len(params) else "") for i, part in enumerate(parts)) + ";\n")

    def finish(self):
        self.out.write("COMMIT;\nANALYZE;\n")
        self.out.close()
        return {}


def uid():
    return str(uuid.uuid4()).upper()


def paragraph(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database", nargs="?")
    parser.add_argument("--postgres-sql")
    parser.add_argument("--templates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    now = time.time()
    db = PostgresWriter(args.postgres_sql) if args.postgres_sql else SQLiteWriter(args.database)

    authors = []
    for index in range(500):
        user, org = uid(), uid()
        created = Time(now - rng.uniform(30, 900) * 86400)
        db.execute("INSERT INTO users (id, email, phone, display_name, is_admin, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                   (user, f"author{index}@bench.example", None, f"Author {index}", Flag(0), created, created))
        db.execute("INSERT INTO organizations (id, name, plan, suspended_at, created_at) VALUES (?,?,?,NULL,?)",
                   (org, f"Author {index}'s workspace", "hobby", created))
        db.execute("INSERT INTO memberships (id, user_id, organization_id, role, created_at) VALUES (?,?,?,?,?)",
                   (uid(), user, org, "owner", created))
        authors.append((user, org))

    templates = []
    for index in range(args.templates):
        user, org = rng.choice(authors)
        service = rng.choice(SERVICES)
        tools = sorted({f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}" for _ in range(rng.randint(2, 6))})
        title = f"{rng.choice(ADJECTIVES)} {service} {rng.choice(NOUNS)} #{index}"
        slug = f"{service.lower().replace(' ', '-')}-{rng.choice(NOUNS)}-{index}"
        created = Time(now - rng.uniform(0, 730) * 86400)
        updated = Time(min(now, created + rng.uniform(0, 60) * 86400))
        versions = rng.choice([1, 1, 1, 2, 3])
        forks = int(rng.paretovariate(1.2)) - 1
        status = rng.choices(["public", "hidden", "draft", "takedown"], weights=[95, 2, 2, 1])[0]
        template = uid()
        spec = {
            "name": title, "slug": slug, "description": f"Work with {service} from any MCP client.",
            "tools": [{"name": tool, "description": f"{tool.replace('_', ' ').capitalize()} in {service}.",
                       "inputSchema": {"type": "object", "properties": {"query": {
                           "type": "string",
                           # as long as drafted descriptions run: a phone's template page must scroll it in its card
                           "description": "What to look for, in plain words or the service's own search syntax, e.g. 'is:open label:bug'"}}},
                       "implementation": f"const r = await ctx.fetch('https://api.example.com/{tool}'); return {{ text: await r.text() }};"}
                      for tool in tools],
            "requiredSecrets": [{"key": f"{service.upper().replace(' ', '_')}_TOKEN", "description": f"A {service} API token"}],
            "allowedDomains": ["api.example.com"],
        }
        db.execute(
            "INSERT INTO templates (id, slug, organization_id, author_id, source_server_id, title, category, summary, "
            "description_markdown, secret_hints_json, status, verified, takedown_reason, taken_down_at, reviewed_at, forks, "
            "latest_version, tool_names, created_at, updated_at) VALUES (?,?,?,?,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (template, slug, org, user, title, CATEGORIES[index % len(CATEGORIES)],
             f"{' '.join(tools[:2]).replace('_', ' ').capitalize()} and more in {service}.",
             "\n\n".join(paragraph(rng, rng.randint(20, 60)) for _ in range(rng.randint(2, 5))),
             "{}", status, Flag(rng.random() < 0.1),
             "Bench takedown" if status == "takedown" else None, updated if status == "takedown" else None, None,
             max(forks, 0), versions, " ".join(tools), created, updated))
        for number in range(1, versions + 1):
            db.execute("INSERT INTO template_versions (id, template_id, number, spec_json, source_version_number, created_by, created_at) "
                       "VALUES (?,?,?,?,?,?,?)", (uid(), template, number, json.dumps(spec, sort_keys=True), number, user,
                                                   Time(created + (updated - created) * (number - 1) / versions)))
        templates.append((template, forks, created))

    # Deployments: the most-forked templates run most; every fork is a server in some workspace.
    servers = 0
    for template, forks, created in templates:
        for _ in range(min(forks, 40)):
            _, org = rng.choice(authors)
            status = rng.choices(["active", "failed", "draft"], weights=[70, 15, 15])[0]
            at = Time(rng.uniform(created, now))
            db.execute("INSERT INTO servers (id, organization_id, created_by, name, slug, description, status, spec_json, "
                       "created_at, updated_at, active_version_id, template_id, template_version_id) "
                       "VALUES (?,?,NULL,?,?,?,?,?,?,?,NULL,?,NULL)",
                       (uid(), org, "Fork", f"fork-{servers}", "A fork.", status, "{}", at, at, template))
            servers += 1
    print(json.dumps({"templates": len(templates), "servers": servers, **db.finish()}))


if __name__ == "__main__":
    main()
