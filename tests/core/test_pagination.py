"""The one pagination macro every list uses: links only to pages that exist, rel attributes,
the current page, the list's own words, and nothing at all on a single page."""

from __future__ import annotations


def _render(app, **kwargs) -> str:
    with app.test_request_context("/"):
        template = app.jinja_env.from_string(
            '{% from "macros/ui.html" import pagination %}{{ pagination(**kw) }}')
        return template.render(kw=kwargs)


def test_both_neighbours_and_the_current_page(app):
    html = _render(app, label="Pages of referrals", prev_url="/x?page=1", next_url="/x?page=3",
                   words=("Newer", "Older"), current="Page 2 of 3", hidden="referrals")
    assert 'aria-label="Pages of referrals"' in html
    assert 'href="/x?page=1" rel="prev"' in html and 'href="/x?page=3" rel="next"' in html
    assert "Newer<span class=\"govuk-visually-hidden\"> referrals</span>" in html
    assert "Older" in html and "Page 2 of 3" in html


def test_the_first_page_has_no_previous_link_and_a_single_page_shows_nothing(app):
    first = _render(app, label="Pages", prev_url=None, next_url="/x?page=2")
    assert 'rel="prev"' not in first and 'rel="next"' in first and "Next" in first
    assert "govuk-pagination--block" not in first
    assert _render(app, label="Pages", prev_url=None, next_url=None).strip() == ""
    assert "govuk-pagination--block" in _render(app, label="P", next_url="/y", block=True)
