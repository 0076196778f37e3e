"""Evidence related across complaints, clusters, shared infringers and the match threshold."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from evidence.fingerprints import MAX_THRESHOLD
from portal.models import ComplaintStatus
from portal.schemas.base import WHOLE, Id, Input, KeyedQuery, Output, Sha256


class ItemRef(Output):
    evidence_id: Id
    filename: str
    sha256: Sha256
    complaint_id: int | None
    complaint_reference: str | None
    organisation: str
    case_id: int | None


class OtherItem(ItemRef):
    picture: int = Field(description="Which of the item's pictures matched (0 for a picture file itself).")


class Related(Output):
    evidence_id: Id
    picture: int
    other: OtherItem
    identical: bool = Field(description="The same file (SHA-256), not only a similar picture.")
    distance_bits: int | None = Field(description="Hamming distance between the perceptual hashes; null if identical.")
    strength_percent: int


class Cluster(Output):
    id: Id
    item_count: int = Field(description="Every item in the cluster.")
    complaint_count: int = Field(description="Every filed complaint it spans: two or more.")
    items: list[ItemRef] = Field(description="The 12 items filed first.")
    complaint_ids: list[int] = Field(description="The 30 complaints filed first.")
    organisations: list[str] = Field(description="The rights holders of those complaints.")
    case_ids: list[int] = Field(description="The cases those complaints are in.")
    closest_distance_bits: int | None


class ClusterQuery(KeyedQuery):
    limit: int = Field(10, ge=1, le=100, description="Clusters per page.")


class ClusterLink(Input):
    complaint_ids: list[Id] = Field(min_length=1, max_length=1000)
    case_id: Id


class Linked(Output):
    case_id: Id
    case_number: str
    complaint_ids: list[int]


class SharedComplaint(Output):
    id: Id
    reference: str
    organisation: str
    status: ComplaintStatus


class SharedInfringer(Output):
    kind: Literal["name", "shop", "domain"]
    value: str
    complaints: list[SharedComplaint] = Field(description="The 10 filed complaints that named it last.")
    complaint_count: int = Field(description="Every filed complaint naming it; on a complaint's list, every other one.")


class TradeOff(Output):
    threshold: int
    pairs: int = Field(description="Pairs of items in different complaints that would be shown as matching.")
    complaints: int = Field(description="Complaints that would show related evidence.")


class Threshold(Output):
    threshold: int
    max: int
    trade_offs: list[TradeOff]


class ThresholdInput(Input):
    threshold: Annotated[int, Field(ge=0, le=MAX_THRESHOLD), WHOLE] = Field(
        description="Largest Hamming distance, in bits, that matches."
    )
