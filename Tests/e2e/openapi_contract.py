"""Holding real answers to the OpenAPI document the app serves at /openapi.json.

`check` validates one response: its status must be documented for the operation, its
content type must be the documented one, and its JSON body must match the documented
schema (JSON Schema 2020-12, `$ref`s resolved inside the document). Every error code it
sees is recorded in `SEEN`, so a test can say which documented codes were produced."""
import re

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

BASE_URI = "urn:bmm:openapi"
SEEN = set()  # (method, path template, status, error code)


class Contract:
    def __init__(self, document):
        self.document = document
        resource = referencing.Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = referencing.Registry().with_resource(BASE_URI, resource)

    def operation(self, method, path):
        """The documented (template, operation) that `path` (no query) matches. As OpenAPI matches URLs, the path
        comes first and concrete paths before templated ones, then the method: `GET /v1/servers/preview` names the
        path `/v1/servers/preview`, which has no GET, not `GET /v1/servers/{server}`."""
        matches = []
        for template, item in self.document["paths"].items():
            segments = template.split("/")
            pattern = "^" + "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments) + "$"
            if re.match(pattern, path):
                matches.append((template.count("{"), template, item))
        assert matches, f"{method} {path} is not in the document"
        _, template, item = min(matches, key=lambda m: m[0])
        assert method.lower() in item, f"{method} {path} is not in the document ({template} has no {method})"
        return template, item[method.lower()]

    def check(self, response, template=None):
        """Validates a requests.Response against the document; returns its JSON body (or None)."""
        method = response.request.method
        path = re.sub(r"^https?://[^/]+", "", response.request.url).split("?")[0]
        found, operation = self.operation(method, path)
        template = template or found
        status = str(response.status_code)
        responses = operation["responses"]
        assert status in responses, f"{method} {template} answered {status}, which is not documented: {response.text[:300]}"
        content = responses[status].get("content")
        if not content:
            return None
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        assert media in content, f"{method} {template} {status} answered {media}, documented {list(content)}"
        if media != "application/json":
            return None
        body = response.json()
        pointer = "/".join(["#", "paths", escape(template), method.lower(), "responses", status, "content", escape(media), "schema"])
        validator = jsonschema.Draft202012Validator({"$ref": BASE_URI + pointer}, registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{method} {template} {status} violates the schema: {errors[0].message} at {list(errors[0].path)}"
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            SEEN.add((method, template, status, body["error"]))
        return body

    def documented_codes(self):
        """Every (method, template, status, code) an error answer of /v1 lists in its `enum`."""
        codes = set()
        for template, item in self.document["paths"].items():
            for method, operation in item.items():
                for status, response in operation["responses"].items():
                    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                    for part in schema.get("allOf", []):
                        for code in part.get("properties", {}).get("error", {}).get("enum", []):
                            codes.add((method.upper(), template, status, code))
        return codes


def escape(token):
    return token.replace("~", "~0").replace("/", "~1")
