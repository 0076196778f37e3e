from flask import Flask
from openapi_spec_validator import validate


def test_openapi_is_valid_and_matches_the_routes(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    validate(document)
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = {
        (method, rule.rule.replace("<int:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}  # type: ignore[operator]
    }
    assert documented == routed
