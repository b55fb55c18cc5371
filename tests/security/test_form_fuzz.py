"""Hypothesis-driven posts to every form the app shows: no server error, and every rejection names
the field it is about.

The forms are found, not listed: every page without URL arguments is fetched by a visitor and
by people in the roles that open them (platform admin, coordinator, agency roles), then one page
per endpoint those pages link to; each `<form method="post">` is parsed (inputs, selects,
textareas, with their options and current values), and each form's action is fuzzed
with generated values: unicode and very long text, empty and missing fields, numbers and
impossible dates, option values and values that are not options. A form whose action carries an
id (a row's "remove" button on a list page) is fuzzed too, with the id the page gave it.

A rejection is judged the GOV.UK way: a page with inline error messages must also carry the error
summary, and every link in the summary must point at an element present on the page, so the
person (and their screen reader) lands on the field that needs fixing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask import Flask, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extensions import db
from core.identity.access import AUTHENTICATED, PUBLIC, route_permission
from tests.plugins.multi_agency import conftest as multi_agency
from tests.support import factories as f

# The multi-agency fixtures: an audit in planning, so its pages (and their forms) exist.
ma, audit = multi_agency.ma, multi_agency.audit
# Forms whose post ends the session or wipes something wholesale; fuzzing them proves nothing.
SKIP = {
    "auth.logout": "signs the fuzzing person out",
    "auth.end_other_sessions": "signs the person out everywhere else, no fields to fuzz",
}
EXAMPLES = 6
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
SUMMARY = re.compile(r'class="govuk-error-summary".*?</ul>', re.S)
HREF = re.compile(r'href="#([^"]*)"')
LINK = re.compile(r'href="(/[^"#]*)"')


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, number, date, email, file ...
    values: list[str] = field(default_factory=list)  # options, or the value the page gave


@dataclass
class Form:
    action: str
    page: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The post forms on a page, with their fields; and every element id on it."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.ids = page, [], set()
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(urlsplit(a.get("action") or self.page).path, self.page)
            self.forms.append(self._form)
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        fields = self._form.fields
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "image"):
            kind = a.get("type", "text")
            if re.search(r"[-_](day|month|year)$", a["name"]):
                kind = "date"
            known = fields.setdefault(a["name"], Field(a["name"], kind))
            if "value" in a:
                known.values.append(a["value"])
        elif tag == "textarea":
            fields.setdefault(a["name"], Field(a["name"], "textarea"))
        elif tag == "select":
            self._select = fields.setdefault(a["name"], Field(a["name"], "select"))
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFF), max_size=20),
    st.just(""), st.just(" "), st.just("x" * 5000), st.just("'; DROP TABLE case; --"),
    st.just("<script>alert(1)</script>"), st.just("2024-02-30"), st.just("-1"),
    st.just("nul\x00byte"),  # PostgreSQL refuses NUL in text: it must be a field error
)
NUMBER = st.one_of(st.integers(-(10**12), 10**12).map(str), st.just("1e9"), st.just("NaN"))


def values_for(item: Field) -> st.SearchStrategy[str | None]:
    """A value for one field, or None for leaving it out of the post."""
    given_values = [v for v in item.values if v is not None]
    if item.kind == "date":
        part = st.one_of(st.integers(-5, 3000).map(str), st.sampled_from(["", "12", "ab"]))
    elif item.kind in ("select", "radio", "checkbox", "hidden") and given_values:
        part = st.one_of(st.sampled_from(given_values), TEXT)
    elif item.kind == "number":
        part = st.one_of(NUMBER, TEXT)
    elif item.kind == "file":
        return st.none()
    else:
        part = st.one_of(TEXT, NUMBER, st.sampled_from(given_values or [""]))
    return st.one_of(st.none(), part)


def posts_for(form: Form) -> st.SearchStrategy[dict[str, str]]:
    shape = {name: values_for(item) for name, item in form.fields.items()}
    return st.fixed_dictionaries(shape).map(
        lambda data: {k: v for k, v in data.items() if v is not None})


def rejection_faults(html: str) -> list[str]:
    """What is wrong with how a page names its errors (empty when it names them well)."""
    parser = FormParser("")
    parser.feed(html)
    summary = SUMMARY.search(html)
    if summary is None:
        return ["inline error without an error summary"] if "govuk-error-message" in html else []
    targets = HREF.findall(summary.group(0))
    if not targets:
        return ["error summary links to no field"]
    return [f"summary link #{t} points at nothing" for t in targets if t not in parser.ids]


def parameterless_pages(app: Flask, person) -> list[str]:
    """The pages without URL arguments that `person` (None: a visitor) may open."""
    registry, pages = app.extensions["permissions"], []
    roles = {m.role for m in person.memberships} if person else set()
    for rule in app.url_map.iter_rules():
        if ("GET" not in rule.methods or rule.arguments or rule.endpoint == "static"
                or rule.rule.startswith("/api/") or rule.endpoint in SKIP):
            continue
        needed = route_permission(app.view_functions[rule.endpoint])
        if needed == PUBLIC or (person is not None and (
                needed == AUTHENTICATED or roles & set(registry.roles_with(needed)))):
            pages.append(rule.rule)
    return sorted(pages)


def endpoint_of(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(path, method="POST")[0]
    except Exception:  # a form posting to nowhere is reported as such by the caller
        return None


def sign_in(client, person) -> None:
    if person is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        f.login_as(client, person)


def who(person) -> str:
    return person.email if person else "a visitor"


def people(world, ma) -> list:
    """A visitor, then people between them allowed to open every kind of form."""
    agency_roles = ("qa_manager", "lado", "principal_social_worker", "agency_lead_auditor")
    made = [f.make_user(role, world.a, email=f"{role}@fuzz.example") for role in agency_roles]
    db.session.commit()  # a request's teardown would otherwise roll the new people back
    return [None, world.admin, world.coordinator, world.hos_a, world.tm_a, *made, ma.lead_b]


def discover(app: Flask, client, person) -> dict[str, Form]:
    """Every post form on the pages `person` may open, by action (the first page showing it):
    the pages without URL arguments, then one page per endpoint those pages link to (a case,
    an audit, an action), so the forms on an object's own page are fuzzed with a real id."""
    found: dict[str, Form] = {}
    links: dict[str, str] = {}
    adapter = app.url_map.bind("localhost")
    sign_in(client, person)

    def read(page: str) -> None:
        answer = client.get(page)
        if answer.status_code != 200 or "html" not in answer.content_type:
            return
        html = answer.get_data(as_text=True)
        parser = FormParser(page)
        parser.feed(html)
        for form in parser.forms:
            found.setdefault(form.action, form)
        for href in LINK.findall(html):
            try:
                endpoint, arguments = adapter.match(urlsplit(href).path, method="GET")
            except Exception:  # noqa: S112 - not a page of this app (a file, a 405)
                continue
            if arguments and endpoint not in SKIP and endpoint != "static":
                links.setdefault(endpoint, urlsplit(href).path)

    for page in parameterless_pages(app, person):
        read(page)
    for page in sorted(links.values()):
        read(page)
    return found


def hidden_changed(form: Form, data: dict[str, str]) -> bool:
    """Whether the post changed or left out a hidden field the page set (not csrf_token: CSRF
    is off in tests, so it is never checked)."""
    return any(data.get(name) not in item.values for name, item in form.fields.items()
               if item.kind == "hidden" and name != "csrf_token")


def fuzz(client, person, form: Form, failures: list[str], tampered: list[str]
         ) -> tuple[int, int]:
    """Post generated values to one form as `person`: how many posts, how many rejected."""
    posts = rejected = 0

    @FUZZ
    @given(data=posts_for(form))
    def post(data):
        nonlocal posts, rejected
        sign_in(client, person)
        answer = client.post(form.action, data=data)
        posts += 1
        if answer.status_code >= 500:
            failures.append(f"{answer.status_code} POST {form.action} as {who(person)} "
                            f"with {data!r}")
        elif answer.status_code in (200, 400, 422) and "html" in answer.content_type:
            html = answer.get_data(as_text=True)
            rejected += "govuk-error-summary" in html
            faults = rejection_faults(html)
            if answer.status_code != 200 and "govuk-error-summary" not in html:
                faults.append(f"{answer.status_code} without an error summary")
            found = [f"POST {form.action}: {fault} (data {data!r})" for fault in faults]
            # A hidden field no one can change in a browser has no field to point at.
            (tampered if hidden_changed(form, data) else failures).extend(found)

    post()
    return posts, rejected


def test_posting_generated_values_to_every_form_gets_no_server_error(app, world, audit, ma,
                                                                     capsys):
    failures: list[str] = []
    tampered: list[str] = []  # rejections of hidden-field tampering, reported, not failed
    posts = forms = rejected = 0
    covered: set[str] = set()
    for person in people(world, ma):
        client = app.test_client()  # a fresh cookie jar: nothing one person did carries over
        for action, form in sorted(discover(app, client, person).items()):
            endpoint = endpoint_of(app, action)
            if endpoint is None:
                failures.append(f"{form.page}: form posts to {action}, which takes no post")
                continue
            if endpoint in SKIP or endpoint in covered:
                continue
            covered.add(endpoint)
            forms += 1

            made, refused = fuzz(client, person, form, failures, tampered)
            posts, rejected = posts + made, rejected + refused
    missing = sorted(
        rule.endpoint for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/")
        and rule.endpoint not in SKIP and rule.endpoint not in covered)
    with capsys.disabled():
        print(f"\nform fuzz: {forms} forms, {posts} posts, {rejected} rejected with an error "
              f"summary, {len(failures)} failures, {len(tampered)} rejections of tampered "
              f"hidden fields that point at nothing "
              f"({sorted({t.split(':')[0] for t in tampered})}); "
              f"parameterless post routes with no form found: {missing}")
    assert failures == []
    assert forms >= 30 and rejected >= 10


def test_a_nul_character_in_a_post_or_query_never_reaches_a_view(app):
    """PostgreSQL refuses NUL in text, so a crafted post with one used to answer 500."""
    with app.test_request_context("/?q=a%00b", method="POST", data={"name": "nul\x00byte"}):
        seen = {"form": request.form["name"], "args": request.args["q"]}
    assert seen == {"form": "nulbyte", "args": "ab"}
