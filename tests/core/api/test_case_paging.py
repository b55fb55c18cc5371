"""A page number below 1 is bad input naming the parameter, not a database error."""

from __future__ import annotations

from tests.core.api.conftest import bearer


def test_a_page_below_one_is_a_422_naming_page(client, token_a):
    for page in ("0", "-3"):
        answer = client.get(f"/api/v1/cases?page={page}", headers=bearer(token_a))
        assert answer.status_code == 422
        assert [e["field"] for e in answer.get_json()["errors"]] == ["page"]
