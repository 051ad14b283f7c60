"""GET /_sim/export: every callback the simulator sent, as the OPERATOR's export (CSV).

The columns are CONTRACT's: transaction_id, action, user_id, currency, amount,
rollback_transaction_id, status (accepted, the error code, or unanswered), created_at.
"""

import csv
import io

from aiohttp import web

from sims.operator.ledger import Delivery
from sims.operator.state import LINK

COLUMNS = (
    "transaction_id", "action", "user_id", "currency", "amount",
    "rollback_transaction_id", "status", "created_at",
)  # fmt: skip


def row(delivery: Delivery) -> dict[str, str]:
    """One callback as the OPERATOR's books record it."""
    fields = delivery.fields
    return {
        "transaction_id": fields["transaction_id"],
        "action": fields["action"],
        "user_id": fields["user_id"],
        "currency": fields["currency"],
        "amount": fields["amount"],
        "rollback_transaction_id": fields.get("rollback_transaction_id", ""),
        "status": delivery.status,
        "created_at": delivery.created_at.isoformat(),
    }


async def export(request: web.Request) -> web.Response:
    """The whole export, oldest first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row(d) for d in request.app[LINK].deliveries)
    return web.Response(text=out.getvalue(), content_type="text/csv")
