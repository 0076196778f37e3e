"""Each /api/v1 operation is declared once, by :func:`operation`.

The declaration names Pydantic models for the request body, the query, an
upload's details and the answer. The decorator validates with them and
shapes the answer with them; :func:`document` builds the OpenAPI 3.1
document from the same declarations and the URL map, so the document and
the behaviour cannot drift apart. A response model forbids undeclared
fields, so a field the document does not declare fails loudly in the tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, request, url_for
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from portal.db import get_session
from portal.errors import EXTRA_STATUS, PROBLEM, json_error
from portal.models import TokenScope
from portal.routing import RowId, TokenId
from portal.schemas.base import Id, Input, PageQuery, Problem, Query
from portal.schemas.parse import InvalidRequest, invalid, parse
from portal.services import idempotency
from portal.services.errors import Malformed
from portal.services.paging import Count, KeyPage, Page, Window

PREFIX = "/api/v1"

JSON_BODY_MAX = 1024 * 1024  # a JSON body has no files; anything larger is a mistake or an attack
SCHEMAS = "#/components/schemas/{model}"

T = TypeVar("T")

DESCRIPTION = """\
The portal's API for rights holders, their agents and prosecutors. Everything a user does on a page, a
client can do here, through the same rules.

**Authentication.** Send `Authorization: Bearer <token>` with every request except the transparency log's.

**Errors** are RFC 9457 problem details (`application/problem+json`). Beside `type`, `title`, `status` and
`detail`, each has a stable `code`; a 422 names every field in error in `fields` (a dotted path into the body,
such as `infringers.0.name`); a 500 or 503 gives the `error_id` under which the failure is logged. A 422 with
code `invalid_request` is a value this document already rules out (a type, a length, a field or parameter the
operation does not take: never ignored); code `invalid` is a rule of the portal's (a right of another
organisation, a date in the future).

**Lists** come a page at a time: `limit`, and a `next` link to follow until it is null.

**Retries.** Every creating request (201) but the start of a resumable upload takes an `Idempotency-Key`: a
retry with the same key gets the first answer again and creates nothing. **Changes** to drafts, rights,
hearings and your account take `If-Match` with the `ETag` you read, and are refused (412) if someone changed
it since.

**Files** are uploaded as the raw body or as the multipart field `file`, and are streamed, hashed (SHA-256,
SHA-512, SM3) and checked against their SHA-256 again on every download. A large file over a link that drops
goes by **tus 1.0** to `/uploads` (creation, creation-with-upload, termination, checksum, expiration): it
resumes from the offset the portal kept, and once finished it is named, as `{"upload": "<id>", ...}` in a JSON
body, by the call that makes it evidence, a case document or a power of attorney.
"""
View = Callable[..., Any]

# What each error status means, said once in the document (components/responses).
ERRORS: dict[int, str] = {
    400: "The request is malformed: JSON that does not parse, a bad digest header, a truncated upload.",
    401: "No valid API token: send Authorization: Bearer <token>.",
    403: "This user may not do this.",
    404: "No such object, or not visible to this user.",
    409: "Not possible in the object's current state.",
    410: "It was there, and is no more: an upload kept past its time.",
    412: "It changed since the version If-Match names; read it again (its ETag) and redo the change.",
    413: "The body is larger than the limit (MAX_UPLOAD_BYTES for files, 1 MiB for JSON).",
    415: "Not a content type this operation takes; for uploads, a file type that is not accepted.",
    422: "Invalid values: `fields` names each field in error.",
    423: "Another request is writing to this upload; ask where it is (HEAD) once that one ends.",
    429: "Too many attempts from this address or for this account; try again after Retry-After seconds.",
    460: "Checksum Mismatch (tus): the bytes sent do not have the SHA-256 in Upload-Checksum; none is kept.",
    503: "The database or the evidence store is unavailable; try again after Retry-After seconds.",
}


# What a token needs for a change, by the operation's tag, unless the operation says otherwise; reading needs
# "read". The role and organisation still decide which objects.
WRITE_SCOPE = {
    "rights": TokenScope.FILE,
    "complaints": TokenScope.FILE,
    "evidence": TokenScope.FILE,
    "review": TokenScope.CASES,
    "cases": TokenScope.CASES,
    "proceedings": TokenScope.CASES,
    "supervision": TokenScope.CASES,
    "notifications": TokenScope.READ,
    "webhooks": TokenScope.ADMIN,
    "powers": TokenScope.ADMIN,
    "account": TokenScope.ADMIN,
}

TAGS = {
    "rights": "The IP rights that complaints rely on.",
    "complaints": "Rights holders and their agents file complaints.",
    "evidence": "Evidence files: upload, download checked against SHA-256, custody, signed receipts.",
    "review": "Prosecutors review complaints, and find evidence and infringers shared across them.",
    "cases": "Criminal cases and their stages.",
    "proceedings": "Taking part in a case: notices, deadlines, requests, hearings, documents, submissions.",
    "powers": "Powers of attorney from rights holders to agents.",
    "notifications": "What happened, for each user; which of it is e-mailed.",
    "webhooks": "Notifications sent to an organisation's own systems, signed (Standard Webhooks).",
    "supervision": "Supervisors assign work and read the figures.",
    "account": "The token's user, and the registrations staff decide on.",
    "log": "The public transparency log: anyone can check that nothing was removed or changed.",
    "meta": "This document.",
}


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    response: Any = None
    """The answer's model (or a type Pydantic can describe); None for 204 or a file."""
    status: int = 200
    body: type[Input] | None = None
    query: type[Query] | None = None
    fields: type[Input] | None = None
    """An upload's details: query parameters with a raw body, or the form fields beside ``file``."""
    upload: bool = False
    produces: Mapping[str, str] = field(default_factory=dict)
    """Media types of a non-JSON answer, with what each holds."""
    errors: tuple[int, ...] = ()
    public: bool = False
    description: str = ""
    headers: tuple[Header, ...] = ()
    links: Mapping[str, str] = field(default_factory=dict)
    """Path parameters that the answer fills, e.g. {"complaint_id": "id"}: the first one names the object."""
    etag: str | None = None
    """The answer's field that holds its version: sent as the ETag, and checked against If-Match on a change."""
    consumes: Mapping[str, str] = field(default_factory=dict)
    """Media types of a raw request body, with what each holds."""
    form: type[Input] | None = None
    """A multipart/form-data body: its files (``bytes`` fields) and fields."""
    answers: tuple[Header, ...] = ()
    """Headers of the success answer."""
    replayable: bool = True
    """A creating operation takes an Idempotency-Key, unless creating twice does no harm."""
    scope: TokenScope | tuple[TokenScope, ...] | None = None
    """What the token must allow (any one of a tuple), where the tag's default (WRITE_SCOPE, or read for a
    GET) does not fit."""

    def needs(self, method: str) -> tuple[TokenScope, ...]:
        if isinstance(self.scope, tuple):
            return self.scope
        if self.scope is not None:
            return (self.scope,)
        return (TokenScope.READ,) if method in ("GET", "HEAD") else (WRITE_SCOPE[self.tag],)

    @property
    def creates(self) -> bool:
        """Creating operations (201) take an Idempotency-Key."""
        return self.status == 201 and self.replayable


def operation(summary: str, *, tag: str, **declared: Any) -> Callable[[View], View]:
    op = Operation(summary, tag, **declared)
    assert tag in TAGS, tag
    adapter = TypeAdapter(op.response) if op.response is not None else None

    def wrap(view: View) -> View:
        def answer(**path: Any) -> Response:
            _refuse_undeclared_query(op)
            result = view(**path)
            if isinstance(result, Response):
                return result
            if adapter is None:
                return Response(status=op.status)
            answered = adapter.validate_python(result)
            response = Response(adapter.dump_json(answered, exclude_unset=True), op.status, mimetype="application/json")
            if op.etag is not None:
                response.set_etag(str(getattr(answered, op.etag)))
            return response

        @wraps(view)
        def run(**path: Any) -> Response:
            if not op.public and g.api_scopes.isdisjoint(needed := op.needs(request.method)):
                return _lacking(needed)
            key = request.headers.get("Idempotency-Key") if op.creates else None
            return answer(**path) if key is None else _once(key, op, lambda: answer(**path))

        run.operation = op  # type: ignore[attr-defined]
        return run

    return wrap


def _lacking(scopes: tuple[TokenScope, ...]) -> Response:
    """403 naming the scope, with RFC 6750's WWW-Authenticate for clients that read it."""
    named = " or ".join(f"'{scope}'" for scope in scopes)
    return json_error(
        403,
        "insufficient_scope",
        f"This token does not have the scope {named} that this operation needs; create a token with it.",
        {"scope": f"{named} is needed."},
        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(scopes)}"'},
    )


def _declared_query(op: Operation) -> set[str]:
    models = (m for m in (op.query, op.fields) if m is not None)
    return {info.alias or name for model in models for name, info in model.model_fields.items()}


def _refuse_undeclared_query(op: Operation) -> None:
    """A query parameter the operation does not take is refused by name, as a stray body field is."""
    stray = sorted(set(request.args) - _declared_query(op))
    if stray:
        fields = {name: "Not a parameter of this operation." for name in stray[:20]}
        raise InvalidRequest(f"Unknown query parameters: {', '.join(stray[:20])}.", fields)


def _fingerprint(op: Operation) -> str:
    """What makes a retry the same request: for a JSON body its bytes; for a form, its fields and files; for
    a streamed file, what the client declared."""
    if op.body is not None:
        request.max_content_length = JSON_BODY_MAX
        content = request.get_data(cache=True)
    elif op.form is not None:
        content = _form_content()
    else:
        content = b"".join(
            request.headers.get(name, "").encode() for name in ("Content-Length", "Repr-Digest", "Content-Disposition")
        )
    return idempotency.fingerprint(request.method, request.path, request.query_string, request.mimetype, content)


def _form_content() -> bytes:
    """A multipart form's fields and files, whatever boundary the client chose: the files are read (they
    are spooled already) and left at their start for the view."""
    digest = hashlib.sha256()
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(idempotency.fingerprint(name, value).encode())
    for name, storage in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        part = hashlib.sha256()
        while chunk := storage.stream.read(1024 * 1024):
            part.update(chunk)
        storage.stream.seek(0)
        digest.update(idempotency.fingerprint(name, storage.filename or "", part.hexdigest()).encode())
    return digest.digest()


def _once(key: str, op: Operation, answer: Callable[[], Response]) -> Response:
    """Answer a creating request once per Idempotency-Key; a retry gets the first answer again."""
    session, user_id = get_session(), g.api_user.id
    replay = idempotency.begin(session, user_id, key, _fingerprint(op))
    if replay is not None:
        return Response(
            replay.body, replay.status, mimetype="application/json", headers={"Idempotent-Replayed": "true"}
        )
    try:
        response = answer()
    except BaseException:
        idempotency.release(session, user_id, key)
        raise
    idempotency.finish(session, user_id, key, response.status_code, response.get_data())
    return response


def if_match() -> set[int] | None:
    """The versions a change was made on, from If-Match; None without one (or with *): the last change wins."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tags = (part.strip().removeprefix('"').removesuffix('"') for part in header.split(","))
    return {int(tag) for tag in tags if tag.isdigit() and len(tag) < 10}


def _current() -> Operation:
    op: Operation = getattr(current_app.view_functions[request.endpoint or ""], "operation")  # noqa: B009
    return op


def body() -> Any:
    """The request body, validated strictly (JSON types as declared) by the operation's model.

    Views call this after their access check, so that someone without access learns nothing from a 422.
    """
    model = _current().body
    assert model is not None
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send a JSON object with Content-Type: application/json.")
    if (request.content_length or 0) > JSON_BODY_MAX:
        raise RequestEntityTooLarge(f"A JSON body is limited to {JSON_BODY_MAX} bytes.")
    request.max_content_length = JSON_BODY_MAX
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw or b"{}", strict=True)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise Malformed("The body is not valid JSON.") from None
        raise invalid(exc) from None


def window() -> Window:
    """The page a list operation was asked for: its ``limit``, and where its ``cursor`` says to go on from."""
    asked: PageQuery = query()
    return Window(asked.cursor, asked.limit)


def paged(page: Page[T], render: Callable[[T], Any]) -> dict[str, Any]:
    """A page of a list, with the link to the next one."""
    following = None
    if page.next_after is not None:
        following = link_with(cursor=page.next_after)
    return {"items": [render(item) for item in page.items], "next": following}


def key_paged(page: KeyPage[T], total: Count, render: Callable[[T], Any]) -> dict[str, Any]:
    """A page of a list paged by key both ways, with its links and the bounded count of what matches."""
    return {
        "items": [render(item) for item in page.items],
        "total": total.value,
        "total_exact": total.exact,
        "next": link_with(cursor=page.next.token()) if page.next else None,
        "previous": link_with(cursor=page.previous.token()) if page.previous else None,
    }


def link_with(**changed: Any) -> str:
    """This request's URL with some query parameters changed: the link to another page of it."""
    args: dict[str, Any] = {**request.args.to_dict(flat=False), **changed}
    return url_for(request.endpoint or "", _external=True, **(request.view_args or {}), **args)


def query() -> Any:
    model = _current().query
    assert model is not None
    return parse(model, request.args)


# The document ------------------------------------------------------------------------------------

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _operation_id(endpoint: str) -> str:
    return endpoint.removeprefix("api.")


def _path_parameters(app: Flask, rule: Any) -> list[dict[str, Any]]:
    id_schema = TypeAdapter(Id).json_schema()
    params = []
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, TokenId):
            schema = {"type": "string", "pattern": f"^{TokenId.regex}$"}
        elif isinstance(converter, RowId):
            schema = id_schema
        else:
            raise TypeError(f"{rule.rule}: describe the converter of {name}")
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    described = schemas[model.__name__]
    required = set(described.get("required", ()))
    params = []
    for name, schema in described["properties"].items():
        description = schema.pop("description", "")
        param = {"name": name, "in": "query", "required": name in required, "schema": _plain(schema)}
        if description:
            param["description"] = description
        if schema.get("type") == "array" or any(s.get("type") == "array" for s in schema.get("anyOf", ())):
            param.update(style="form", explode=True)
        params.append(param)
    return params


def _problem_responses() -> dict[str, Any]:
    return {
        str(status): {
            "description": f"{_phrase(status)}. {meaning}",
            "content": {PROBLEM: {"schema": {"$ref": SCHEMAS.format(model="Problem")}}},
            **({"headers": {"Retry-After": {"schema": {"type": "integer"}}}} if status in (429, 503) else {}),
        }
        for status, meaning in ERRORS.items()
    }


def _error_statuses(op: Operation, has_path: bool, method: str) -> list[int]:
    statuses = set(op.errors) | {503}
    if op.etag and method in ("patch", "put"):
        statuses.add(412)
    if not op.public:
        statuses.add(401)
    if has_path:
        statuses.add(404)
    if op.body or op.query or op.fields:
        statuses.add(422)
    if op.body or op.form:
        statuses.update({400, 413, 415, 422})
    if op.upload:
        statuses.update({400, 413, 415, 422})
    return sorted(statuses)


def _upload_body(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    # format: binary beside contentMediaType, for the generators that read only the OpenAPI 3.0 way.
    binary = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
    details = schemas[op.fields.__name__] if op.fields is not None else {}
    form: dict[str, Any] = {
        "type": "object",
        "required": ["file", *details.get("required", ())],
        "properties": {"file": binary, **details.get("properties", {})},
    }
    resumed: dict[str, Any] = {
        "type": "object",
        "required": ["upload", *details.get("required", ())],
        "properties": {
            "upload": {
                "type": "string",
                "pattern": f"^{TokenId.regex}$",
                "description": "A finished resumable upload (POST /uploads): its id, the last part of its URL. "
                "It is used up: its file is the one received.",
            },
            **details.get("properties", {}),
        },
    }
    return {
        "required": True,
        "description": "The file as the raw body (its details as query parameters), or as the multipart field "
        "`file` (its details as the other fields). It is streamed to the evidence store and hashed as it arrives. "
        "Or, for a large file sent over a broken link, a finished resumable upload named in a JSON body beside "
        "the details.",
        "content": {
            "application/octet-stream": {"schema": binary},
            "multipart/form-data": {"schema": form},
            "application/json": {"schema": resumed},
        },
    }


IDEMPOTENCY = Header(
    "Idempotency-Key",
    "Any unique string up to 255 characters. A retry with the same key gets the first answer again "
    "(with Idempotent-Replayed: true) and creates nothing; the key with a different request is refused (422). "
    "Keys are kept for 24 hours.",
    {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY, "pattern": idempotency.KEY_PATTERN},
)
ETAG = "The version read, for If-Match on a change."
IF_MATCH = Header(
    "If-Match",
    "The ETag of the version the change is made on: if someone changed it since, the change is refused (412) "
    "instead of overwriting theirs. Without it, the last change wins.",
)
UPLOAD_HEADERS = (
    Header("Content-Disposition", "For a raw body: attachment; filename*=UTF-8''<percent-encoded name> (RFC 6266)."),
    Header("Repr-Digest", "sha-256=:<base64>: (RFC 9530); a file that does not match is refused."),
)


def _describe(
    op: Operation, method: str, endpoint: str, path_params: list[dict[str, Any]], schemas: dict[str, Any], refs: Refs
) -> Any:
    described: dict[str, Any] = {"operationId": _operation_id(endpoint), "summary": op.summary, "tags": [op.tag]}
    if op.description:
        described["description"] = op.description
    if op.public:
        described["security"] = []
    else:
        # OpenAPI 3.1 lets a non-OAuth scheme list the roles (here: scopes) an operation needs.
        scopes = op.needs(method.upper())
        described["security"] = [{"bearer": [scope.value]} for scope in scopes]
        named = " or ".join(f"`{scope.value}`" for scope in scopes)
        described["description"] = (described.get("description", "") + f"\n\nToken scope: {named}.").strip()
    params = list(path_params)
    if op.query is not None:
        params += _query_parameters(op.query, schemas)
    if op.fields is not None:
        params += _query_parameters(op.fields, schemas)
    headers = (
        *op.headers,
        *(UPLOAD_HEADERS if op.upload else ()),
        *((IDEMPOTENCY,) if op.creates else ()),
        *((IF_MATCH,) if op.etag and method in ("patch", "put") else ()),
    )
    params += [
        {"name": h.name, "in": "header", "required": False, "schema": dict(h.schema), "description": h.description}
        for h in headers
    ]
    if params:
        described["parameters"] = params
    if op.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": SCHEMAS.format(model=op.body.__name__)}}},
        }
    elif op.form is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"$ref": SCHEMAS.format(model=op.form.__name__)}}},
        }
    elif op.upload:
        described["requestBody"] = _upload_body(op, schemas)
    elif op.consumes:
        described["requestBody"] = {
            "required": False,
            "description": "; ".join(op.consumes.values()),
            "content": {
                media: {"schema": {"type": "string", "format": "binary", "contentMediaType": media}}
                for media in op.consumes
            },
        }
    success: dict[str, Any] = {"description": _phrase(op.status)}
    if op.response is not None:
        schema = refs.get((op.response, "serialization")) or TypeAdapter(op.response).json_schema()
        success["content"] = {"application/json": {"schema": schema}}
    if op.produces:
        success["description"] = "; ".join(op.produces.values())
        files = {
            media: {"schema": {"type": "string", "format": "binary", "contentMediaType": media}}
            for media in op.produces
        }
        success["content"] = {**files, **success.get("content", {})}
    responses = {str(op.status): success}
    if op.etag:
        success["headers"] = {"ETag": {"description": ETAG, "schema": {"type": "string"}}}
    if op.answers:
        success["headers"] = {h.name: {"description": h.description, "schema": dict(h.schema)} for h in op.answers}
    for status in _error_statuses(op, bool(path_params), method):
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    responses["default"] = {"$ref": "#/components/responses/default"}
    described["responses"] = responses
    return described


class _Names(GenerateJsonSchema):
    """Component names for generic pages: ``Page[Complaint]`` is ``ComplaintPage``, ``KeyedPage[Cluster]`` is
    ``ClusterKeyedPage``."""

    def normalize_name(self, name: str) -> str:
        return super().normalize_name(re.sub(r"^(Page|KeyedPage)\[(?:[\w.]+\.)?(\w+)\]$", r"\2\1", name))


Refs = dict[tuple[Any, str], dict[str, Any]]


def _models(operations: list[Operation]) -> tuple[dict[str, Any], Refs]:
    wanted: list[tuple[Any, Any]] = [(Problem, "serialization")]
    for op in operations:
        wanted += [(model, "validation") for model in (op.body, op.query, op.fields, op.form) if model is not None]
        if isinstance(op.response, type) and issubclass(op.response, BaseModel):
            wanted.append((op.response, "serialization"))
    refs, defs = models_json_schema(list(dict.fromkeys(wanted)), ref_template=SCHEMAS, schema_generator=_Names)
    schemas: dict[str, Any] = defs.get("$defs", {})
    for name, schema in schemas.items():
        schema["title"] = name  # generators name their classes by title: ComplaintPage, not Page[Complaint]
    return schemas, cast(Refs, refs)


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema without null (a query string cannot send one) or a null default."""
    options = [s for s in schema.pop("anyOf", ()) if s != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    if schema.get("default", 0) is None:
        del schema["default"]
    schema.pop("title", None)
    return schema


def _link_targets(found: list[tuple[str, str, list[str]]], wanted: Mapping[str, str]) -> dict[str, Any]:
    """Operations whose path parameters the answer fills, the object's own id among them."""
    own = next(iter(wanted))
    links = {}
    for path, operation_id, names in found:
        if own in names and set(names) <= set(wanted) and not path.endswith(("/content", "/pdf", "/ics", "/bundle")):
            links[operation_id] = {
                "operationId": operation_id,
                "parameters": {name: f"$response.body#/{wanted[name]}" for name in names},
            }
    return links


def _automatic(rule: Any) -> set[str]:
    """The methods Flask answers by itself: HEAD beside GET, OPTIONS unless the view declares it."""
    return ({"HEAD"} if "GET" in (rule.methods or ()) else set()) | (
        {"OPTIONS"} if rule.provide_automatic_options else set()
    )


def _phrase(status: int) -> str:
    return EXTRA_STATUS.get(status) or HTTPStatus(status).phrase


def document(app: Flask) -> dict[str, Any]:
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = getattr(app.view_functions[rule.endpoint], "operation", None)
        if op is None or not rule.rule.startswith(PREFIX):
            continue
        path = _PATH_PARAM.sub(r"{\2}", rule.rule.removeprefix(PREFIX))
        for method in sorted((rule.methods or set()) - _automatic(rule)):
            routes.append((path, method.lower(), rule, op))
    operations = [op for *_, op in routes]
    schemas, refs = _models(operations)
    paths: dict[str, Any] = {}
    found = [(path, _operation_id(rule.endpoint), list(rule.arguments)) for path, _, rule, _ in routes]
    for path, method, rule, op in routes:
        described = _describe(op, method, rule.endpoint, _path_parameters(app, rule), schemas, refs)
        if op.links:
            described["responses"][str(op.status)]["links"] = _link_targets(found, op.links)
        paths.setdefault(path, {})[method] = described
    for op in operations:  # query parameters are described in place, not as objects
        if op.query is not None:
            schemas.pop(op.query.__name__, None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IP evidence portal API",
            "version": "1",
            "description": DESCRIPTION,
        },
        "servers": [{"url": request.host_url.rstrip("/") + PREFIX}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token, made on the account page or with POST /tokens. Its "
                    "scopes: `read`; `file` (rights, complaints, evidence); `cases` (taking part in cases; for "
                    "staff, review and case work); `admin` (the organisation, your own account; for staff, "
                    "registrations and settings). An operation the token's scopes do not cover answers 403 "
                    "`insufficient_scope`, naming the scope.",
                }
            },
            "schemas": schemas,
            "responses": {
                **_problem_responses(),
                "default": {
                    "description": "An unexpected failure, logged under the `error_id` the answer gives.",
                    "content": {PROBLEM: {"schema": {"$ref": SCHEMAS.format(model="Problem")}}},
                },
            },
        },
    }
