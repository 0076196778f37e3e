"""Related evidence, clusters, shared infringers and search (prosecutors); the match threshold (administrators)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from evidence.fingerprints import MAX_THRESHOLD
from portal.api import bp, me_
from portal.api.contract import body, key_paged, operation, paged, query, window
from portal.db import get_session
from portal.models import TokenScope
from portal.schemas import complaints as complaint_schema
from portal.schemas import related as schema
from portal.schemas.base import KeyedPage, KeyedQuery, Page, PageQuery
from portal.serialise import cluster_json, complaint_json, related_json
from portal.services import clusters, infringers, related, search
from portal.services.access import ADMINS, REVIEWERS, require_role
from portal.services.paging import Position, listed


def _shared_json(shared: infringers.Shared) -> dict[str, Any]:
    return {
        "kind": shared.kind,
        "value": shared.value,
        "complaints": [
            {"id": c.id, "reference": c.reference, "organisation": c.organisation.legal_name, "status": c.status.value}
            for c in shared.complaints
        ],
        "complaint_count": shared.count,
    }


@bp.get("/review/infringers")
@operation(
    "Infringers named in complaints of more than one rights holder (prosecutors)",
    tag="review",
    query=KeyedQuery,
    response=KeyedPage[schema.SharedInfringer],
    errors=(403,),
)
def shared_infringers() -> ResponseReturnValue:
    wanted: KeyedQuery = query()
    found = infringers.groups(get_session(), me_(), Position.of(wanted.cursor), wanted.limit)
    return key_paged(found.page, found.total, _shared_json)


@bp.get("/complaints/<int:complaint_id>/shared-infringers")
@operation(
    "Other complaints naming this complaint's infringers (prosecutors)",
    tag="review",
    query=PageQuery,
    response=Page[schema.SharedInfringer],
    errors=(403,),
)
def complaint_shared_infringers(complaint_id: int) -> ResponseReturnValue:
    return paged(listed(infringers.shared_with(get_session(), me_(), complaint_id), window()), _shared_json)


@bp.get("/review/search")
@operation(
    "Search complaints (prosecutors)",
    tag="review",
    query=complaint_schema.SearchQuery,
    response=KeyedPage[complaint_schema.Complaint],
    errors=(403,),
)
def search_complaints() -> ResponseReturnValue:
    wanted: complaint_schema.SearchQuery = query()
    found = search.search(get_session(), me_(), wanted.q, Position.of(wanted.cursor), wanted.limit)
    return key_paged(found.page, found.total, complaint_json)


@bp.get("/complaints/<int:complaint_id>/related-evidence")
@operation(
    "Evidence of other complaints that matches this complaint's (prosecutors)",
    tag="review",
    query=PageQuery,
    response=Page[schema.Related],
    errors=(403,),
)
def complaint_related_evidence(complaint_id: int) -> ResponseReturnValue:
    return paged(listed(related.related_to(get_session(), me_(), complaint_id), window()), related_json)


@bp.get("/cases/<int:case_id>/related-evidence")
@operation(
    "Evidence outside the case that matches the case's (prosecutors)",
    tag="review",
    query=PageQuery,
    response=Page[schema.Related],
    errors=(403,),
)
def case_related_evidence(case_id: int) -> ResponseReturnValue:
    return paged(listed(related.related_to_case(get_session(), me_(), case_id), window()), related_json)


@bp.get("/review/clusters")
@operation(
    "Groups of complaints whose evidence matches (prosecutors)",
    tag="review",
    query=schema.ClusterQuery,
    response=KeyedPage[schema.Cluster],
    errors=(403,),
)
def evidence_clusters() -> ResponseReturnValue:
    wanted: schema.ClusterQuery = query()
    found = related.clusters(get_session(), me_(), Position.of(wanted.cursor), wanted.limit)
    return key_paged(found.page, found.total, cluster_json)


@bp.post("/review/clusters/link")
@operation(
    "Link a cluster's complaints into a case (prosecutors)",
    tag="review",
    body=schema.ClusterLink,
    response=schema.Linked,
    errors=(403, 409),
)
def link_cluster() -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)  # before the body, so that others learn nothing from its checks
    data: schema.ClusterLink = body()
    case = related.link_into_case(get_session(), me_(), data.complaint_ids, data.case_id)
    return {"case_id": case.id, "case_number": case.case_number, "complaint_ids": sorted(set(data.complaint_ids))}


def _threshold_json() -> dict[str, Any]:
    db = get_session()
    return {
        "threshold": clusters.threshold(db),
        "max": MAX_THRESHOLD,
        "trade_offs": [
            {"threshold": t.threshold, "pairs": t.pairs, "complaints": t.complaints}
            for t in related.trade_offs(db, me_())
        ],
    }


@bp.get("/admin/match-threshold")
@operation(
    "The match threshold, with what each threshold would show (prosecutors, administrators)",
    tag="review",
    response=schema.Threshold,
    errors=(403,),
)
def match_threshold() -> ResponseReturnValue:
    return _threshold_json()


@bp.put("/admin/match-threshold")
@operation(
    "Set the match threshold (administrators)",
    tag="review",
    body=schema.ThresholdInput,
    response=schema.Threshold,
    errors=(403,),
    scope=TokenScope.ADMIN,
)
def set_match_threshold() -> ResponseReturnValue:
    require_role(me_(), ADMINS, related.ADMINS_ONLY)
    data: schema.ThresholdInput = body()
    related.set_threshold(get_session(), me_(), data.threshold)
    return _threshold_json()
