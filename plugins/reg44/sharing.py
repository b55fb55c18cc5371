"""After the report: who it was sent to, and the home's responses to its recommendations.

Sending is recorded, not performed: who (organisation or role), how and on what date. Once the
provider, Ofsted and the placing authority all have it, the visit moves to "report sent" (in the
same transaction). Each response from the home is kept with the date it came and the date the
home gave for completing the work; a recommendation may have several responses over time.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import append_access_log, db
from plugins.reg44 import clock
from plugins.reg44.forms import Invalid, Reader
from plugins.reg44.models import Distribution, Recommendation, Response, Visit
from plugins.reg44.vocab import METHODS, RECIPIENTS, REQUIRED_RECIPIENTS

SENT = ("finalised", "distributed")


def record_distribution(visit: Visit, form: Any, by: Any) -> Distribution:
    if visit.state not in SENT:
        raise Invalid({"recipient": "Finish the report before recording who it was sent to"})
    r = Reader(form)
    recipient = r.choice("recipient", RECIPIENTS, "Select who the report was sent to")
    who = r.text("who", "the organisation or role it was sent to")
    method = r.choice("method", METHODS, "Select how it was sent")
    sent_on = r.date("sent_on", "the date it was sent", not_after=clock.today())
    if sent_on is not None and visit.visited_on and sent_on < visit.visited_on:
        r.errors["sent_on"] = "The date it was sent must be on or after the date of the visit"
    r.check()
    row = Distribution(visit=visit, recipient=recipient, who=who, method=method,
                       sent_on=sent_on, recorded_by_id=by.id, recorded_at=clock.now())
    db.session.add(row)
    db.session.flush()
    append_access_log("reg44_report_sent", "reg44_visit", visit.reference, user=by,
                      partnership_id=visit.partnership_id, detail=f"to {recipient}")
    if visit.state == "finalised" and sent_to_everyone(visit):
        from plugins.reg44.visits import transition

        transition(visit, "distribute", by)
    return row


def sent_to_everyone(visit: Visit) -> bool:
    sent = {d.recipient for d in visit.distributions}
    return all(r in sent for r in REQUIRED_RECIPIENTS)


def record_response(rec: Recommendation, form: Any, by: Any) -> Response:
    if rec.visit.state not in SENT:
        raise Invalid({"text": "Responses can be recorded once the report is finished"})
    r = Reader(form)
    text = r.text("text", "the home's response", limit=4000, multiline=True)
    received_on = r.date("received_on", "the date the response was received",
                         not_after=clock.today())
    target_on = r.date("target_on", "the date the home will complete the work",
                       required=False)
    if received_on is not None and target_on is not None and target_on < received_on:
        r.errors["target_on"] = "The completion date must be on or after the date received"
    r.check()
    response = Response(recommendation=rec, text=text, received_on=received_on,
                        target_on=target_on, recorded_by_id=by.id, recorded_at=clock.now())
    db.session.add(response)
    db.session.flush()
    return response
