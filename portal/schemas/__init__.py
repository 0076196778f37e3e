"""The API's contract: every input and output as a Pydantic model, with its limits, descriptions and examples.

The API validates with these models and its OpenAPI document is generated from them; page forms take
their limits from the same fields (:func:`portal.forms.limits`), so a limit is written once.
"""
