"""The header: core's menu follows permissions, and the account page is one click away."""

from __future__ import annotations


def test_the_signed_in_name_links_to_the_account_page(world, login):
    page = login(world.tm_a).get("/").text
    assert 'href="/account"' in page


def test_retention_is_in_the_menu_only_for_those_who_manage_it(world, login):
    client = login(world.coordinator)
    assert 'href="/cases/retention"' in client.get("/").text
    client = login(world.practitioner_a)
    assert 'href="/cases/retention"' not in client.get("/").text
