"""Signs and verifies Stripe webhook payloads with stripe-python's own helpers.

Reads one JSON job on stdin:
  {"secret": "whsec_…", "tolerance": 300,
   "sign": [{"payload": "…", "timestamp": 1764460800}, …],
   "verify": [{"payload": "…", "header": "t=…,v1=…"}, …]}
and writes {"stripe_version": "…", "signed": ["t=…,v1=…", …], "verified": [null | "error message", …]}.
Signing uses stripe.WebhookSignature.generate_signature_header, verifying WebhookSignature.verify_header.
"""

import json
import sys

import stripe
from stripe import WebhookSignature


def sign(payload, secret, timestamp):
    if hasattr(WebhookSignature, "generate_signature_header"):
        return WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    # Older stripe-python: the same construction from its private helper.
    signature = WebhookSignature._compute_signature("%d.%s" % (timestamp, payload), secret)
    return "t=%d,%s=%s" % (timestamp, WebhookSignature.EXPECTED_SCHEME, signature)


def verify(payload, header, secret, tolerance):
    try:
        WebhookSignature.verify_header(payload, header, secret, tolerance)
        return None
    except stripe.SignatureVerificationError as error:
        return str(error) or "rejected"


def main():
    job = json.load(sys.stdin)
    secret = job["secret"]
    tolerance = job.get("tolerance", 300)
    result = {
        "stripe_version": stripe.VERSION,
        "signed": [sign(item["payload"], secret, item["timestamp"]) for item in job.get("sign", [])],
        "verified": [verify(item["payload"], item["header"], secret, tolerance) for item in job.get("verify", [])],
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
