"""How a webhook delivery is signed and when a failed one is tried again."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Quitus-Signature"
DELIVERY_HEADER = "X-Quitus-Delivery"


def signature(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the body as sent, keyed with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay_s(attempts: int, first_s: float, max_s: float) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling from ``first_s``
    up to ``max_s``."""
    return float(min(max_s, first_s * 2 ** max(0, attempts - 1)))
