"""Locust scenario for bench/load: reporters (单位联络员) who save their period's progress
report and read their lists, through the API with their own tokens.

Each simulated reporter owns one (assignment, period) slot prepared by bench/load.py, so two
reporters never edit the same report and every acknowledged save must be in the database
afterwards. The markers of acknowledged saves (and of every save sent) are written to
$LOAD_ACKS when the run stops.
"""

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

SLOTS = json.loads(Path(os.environ["LOAD_SLOTS"]).read_text(encoding="utf-8"))
NEXT_SLOT = itertools.count()
ACKED: list[dict] = []
SENT: list[dict] = []  # every save sent, in order: one cut off by the stop may still have landed


class Reporter(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        self.slot = SLOTS[next(NEXT_SLOT) % len(SLOTS)]
        self.version = self.slot["version"]
        self.client.headers["Authorization"] = f"Bearer {self.slot['token']}"

    @task(1)
    def save_report(self):
        marker = f"负载测试 {uuid.uuid4().hex}"
        form = {
            "period": self.slot["period"],
            "narrative": marker,
            "expected_version": str(self.version),
        }
        if self.slot["takes_value"]:
            form["value"] = str(random.randint(1, 10_000))
        SENT.append({"slot": self.slot["assignment"], "marker": marker})
        with self.client.post(
            f"/api/v1/assignments/{self.slot['assignment']}/reports",
            data=form,
            headers={"If-Match": f'"{self.version}"'},
            name="POST /assignments/{id}/reports",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.version = response.json()["version"]
                ACKED.append({"slot": self.slot["assignment"], "marker": marker})
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def read_reports(self):
        self.client.get(
            f"/api/v1/assignments/{self.slot['assignment']}/reports?limit=25",
            name="GET /assignments/{id}/reports",
        )

    @task(2)
    def read_statuses(self):
        self.client.get(
            f"/api/v1/statuses?unit={self.slot['unit']}&limit=25",
            name="GET /statuses?unit=…",
        )

    @task(1)
    def read_me(self):
        self.client.get("/api/v1/me", name="GET /me")


@events.test_stop.add_listener
def write_acks(environment, **_kwargs):
    with open(os.environ["LOAD_ACKS"], "w", encoding="utf-8") as handle:
        json.dump({"acked": ACKED, "sent": SENT}, handle, ensure_ascii=False)
