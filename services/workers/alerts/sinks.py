"""Where alerts go: the log, always, and a webhook.

The webhook is one HTTP POST with the standard library's urllib.request: a JSON body, its
HMAC-SHA256 signature and the alert's id as the delivery id (a receiver drops a delivery it has
seen, which makes a retry after a lost answer harmless). It needs nothing `requests` adds
(sessions, redirects, multipart), and under eventlet's patched sockets it is just as green.
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from services.workers.alerts.domain.alerts import iso
from services.workers.alerts.domain.delivery import DELIVERY_HEADER, SIGNATURE_HEADER, signature

log = logging.getLogger("quitus.alerts")


class DeliveryFailed(Exception):
    """The webhook did not take the alert (no answer, or an answer other than 2xx)."""


def log_alert(alert: dict[str, Any]) -> None:
    log.warning(
        "alert",
        extra={
            "alert_id": alert["id"],
            "kind": alert["kind"],
            "subject": alert["subject"],
            "building_id": alert["building_id"],
            "contractor_id": alert["contractor_id"],
            "text": alert["message"],
        },
    )


def webhook_body(alert: dict[str, Any]) -> bytes:
    """The JSON the webhook receives for a stored alert (a row of the alerts table)."""
    document = {
        "id": alert["id"],
        "key": alert["key"],
        "kind": alert["kind"],
        "subject": alert["subject"],
        "building_id": alert["building_id"],
        "contractor_id": alert["contractor_id"],
        "message": alert["message"],
        "due_at": iso(alert["due_at"]),
        "raised_at": iso(alert["raised_at"]),
        "details": json.loads(alert["details_json"]),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


class Webhook:
    def __init__(self, url: str, secret: str, timeout_s: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout_s = timeout_s

    def post(self, alert: dict[str, Any]) -> None:
        body = webhook_body(alert)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "quitus-alerts",
                SIGNATURE_HEADER: signature(body, self.secret),
                DELIVERY_HEADER: alert["id"],
                "X-Quitus-Alert-Kind": alert["kind"],
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"HTTP {exc.code} from {self.url}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__} posting to {self.url}: {exc}") from None
