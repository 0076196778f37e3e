"""The public transparency log's proofs."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from portal.schemas.base import Output, Query

Size = Annotated[int, Field(ge=0, le=2**62)]
Hashes = Annotated[list[str], Field(description="Base64 SHA-256 hashes in RFC 9162 order.")]


class InclusionQuery(Query):
    index: Size = Field(description="The leaf's index.")
    size: Size = Field(description="The tree size to prove against.")


class ConsistencyQuery(Query):
    model_config = ConfigDict(populate_by_name=True)

    old: Size = Field(alias="from", description="The older tree size.")
    new: Size = Field(alias="to", description="The newer tree size.")


class InclusionProof(Output):
    index: int
    size: int
    hashes: Hashes


class ConsistencyProof(Output):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    old: int = Field(alias="from")
    new: int = Field(alias="to")
    hashes: Hashes
