import random
from ganchao.goals.tests.factories import make_plan

JUNK = ["", " ", "abc", "1e400", "NaN", "-Infinity", "１２", "1,2,3", "x" * 600, "2026-02-30", "0", "-5",
        "C101", "西湖镇/", "/", "赶超市/西湖镇/李庄村", "\x00", "lead", "9" * 30, "1.0.1", "<script>"]

def test_probe(city, login, client):
    rnd = random.Random(7)
    for issued in (False, True):
        tree = make_plan(city, year=2026 if issued else 2027, issued=issued)
        c = login(city.office)
        urls = [f"/goals/plans/{tree.plan.pk}/items/new/goal/", f"/goals/plans/{tree.plan.pk}/items/new/indicator/?parent={tree.goal.pk}",
                f"/goals/plans/{tree.plan.pk}/items/new/task/?parent={tree.task.pk}",
                f"/goals/items/{tree.indicator.pk}/edit/", f"/goals/items/{tree.task.pk}/edit/", f"/goals/items/{tree.goal.pk}/edit/",
                f"/goals/items/{tree.task.pk}/milestones/", f"/goals/items/{tree.indicator.pk}/assignments/",
                f"/goals/items/{tree.task.pk}/assignments/", f"/goals/assignments/{tree.ind_resp.pk}/edit/", f"/goals/assignments/{tree.task_coop.pk}/edit/"]
        fields = ["code", "name", "category", "measure_unit", "direction", "nature", "frequency", "baseline", "target",
                  "stretch_target", "q1", "q2", "q3", "q4", "deadline", "data_source_unit", "lead_unit", "weight", "note", "version",
                  "unit", "role", "responsible_leader", "contact_phone", "ms-TOTAL_FORMS", "ms-INITIAL_FORMS", "ms-0-due_date",
                  "ms-0-description", "ms-1-due_date", "ms-1-DELETE", "ms-5-description"]
        for url in urls:
            for _ in range(40):
                data = {f: rnd.choice(JUNK) for f in fields if rnd.random() < 0.7}
                if rnd.random() < 0.5:
                    data.update({"ms-TOTAL_FORMS": str(rnd.randint(0, 3)), "ms-INITIAL_FORMS": "0", "weight": "1", "name": "n", "role": rnd.choice(["lead","responsible","cooperating"])})
                r = c.post(url, data)
                assert r.status_code in (200, 302, 404, 422), (url, data, r.status_code)
