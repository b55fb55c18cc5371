"""The users `bench/load.py` drives with locust (run in its own virtualenv, `.venv-load`).

`LOAD_PLAN` names a JSON file written by bench/load.py: signed session cookies of people who
are signed in, the pages each opens, and API targets (token, path, body) for returns.
Pick a class on the locust command line: CeilingUser, ApiUser or PageUser.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, between, constant, task

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
SESSIONS = itertools.cycle(PLAN["sessions"])


class CeilingUser(FastHttpUser):
    """The cheapest request the same app answers: the ceiling for requests per second."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="ceiling: /healthz")


class ApiUser(FastHttpUser):
    """A partner agency's system saving audit returns: validate, encrypt, write, enqueue."""

    wait_time = constant(0)

    @task
    def save_return(self) -> None:
        target = random.choice(PLAN["api"])
        self.client.post(target["path"], json=target["body"], name="api: save a return",
                         headers={"Authorization": f"Bearer {target['token']}",
                                  "Idempotency-Key": uuid.uuid4().hex})


class PageUser(FastHttpUser):
    """A signed-in person reading pages, with a pause between clicks as people have."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        session = next(SESSIONS)
        self.cookie = f"{PLAN['cookie_name']}={session['cookie']}"
        self.pages = session["pages"]

    @task
    def browse(self) -> None:
        for name, url in self.pages.items():
            self.client.get(url, name=name, headers={"Cookie": self.cookie})
