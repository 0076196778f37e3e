"""Related evidence, clusters, shared infringers and search (prosecutors); the match threshold (administrators)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from evidence.fingerprints import MAX_THRESHOLD
from portal.api import _body, bp, me_
from portal.db import get_session
from portal.serialise import cluster_json, complaint_json, related_json
from portal.services import infringers, related, search
from portal.services.access import REVIEWERS, require_role
from portal.services.errors import Invalid


def _shared_json(shared: infringers.Shared) -> dict[str, Any]:
    return {
        "kind": shared.kind,
        "value": shared.value,
        "complaints": [
            {"id": c.id, "reference": c.reference, "organisation": c.organisation.legal_name, "status": c.status.value}
            for c in shared.complaints
        ],
    }


@bp.get("/review/infringers")
def shared_infringers() -> ResponseReturnValue:
    return jsonify(items=[_shared_json(s) for s in infringers.groups(get_session(), me_())])


@bp.get("/complaints/<int:complaint_id>/shared-infringers")
def complaint_shared_infringers(complaint_id: int) -> ResponseReturnValue:
    return jsonify(items=[_shared_json(s) for s in infringers.shared_with(get_session(), me_(), complaint_id)])


@bp.get("/review/search")
def search_complaints() -> ResponseReturnValue:
    found = search.search(get_session(), me_(), request.args.get("q", ""))
    return jsonify(items=[complaint_json(c) for c in found])


@bp.get("/complaints/<int:complaint_id>/related-evidence")
def complaint_related_evidence(complaint_id: int) -> ResponseReturnValue:
    found = related.related_to(get_session(), me_(), complaint_id)
    return jsonify(items=[related_json(r) for r in found])


@bp.get("/cases/<int:case_id>/related-evidence")
def case_related_evidence(case_id: int) -> ResponseReturnValue:
    found = related.related_to_case(get_session(), me_(), case_id)
    return jsonify(items=[related_json(r) for r in found])


@bp.get("/review/clusters")
def evidence_clusters() -> ResponseReturnValue:
    return jsonify(items=[cluster_json(c) for c in related.clusters(get_session(), me_())])


@bp.post("/review/clusters/link")
def link_cluster() -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)  # before the body, so that others learn nothing from its checks
    body = _body()
    ids, case_id = body.get("complaint_ids"), body.get("case_id")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids) or not isinstance(case_id, int):
        raise Invalid(
            "Send complaint_ids (a list of complaint ids) and case_id.",
            {"complaint_ids": "A list of integers.", "case_id": "An integer."},
        )
    case = related.link_into_case(get_session(), me_(), ids, case_id)
    return jsonify(case_id=case.id, case_number=case.case_number, complaint_ids=sorted(set(ids)))


def _threshold_json() -> dict[str, Any]:
    db = get_session()
    return {
        "threshold": related.threshold(db),
        "max": MAX_THRESHOLD,
        "trade_offs": [
            {"threshold": t.threshold, "pairs": t.pairs, "complaints": t.complaints}
            for t in related.trade_offs(db, me_())
        ],
    }


@bp.get("/admin/match-threshold")
def match_threshold() -> ResponseReturnValue:
    return jsonify(_threshold_json())


@bp.put("/admin/match-threshold")
def set_match_threshold() -> ResponseReturnValue:
    require_role(me_(), related.ADMINS, related.ADMINS_ONLY)
    value = _body().get("threshold")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid("Send the threshold as a whole number of bits.", {"threshold": "An integer."})
    related.set_threshold(get_session(), me_(), value)
    return jsonify(_threshold_json())
