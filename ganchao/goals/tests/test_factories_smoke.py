from ganchao.goals.tests.factories import make_plan, make_report


def test_make_plan_builds_a_small_tree(city):
    tree = make_plan(city, extra_indicators=2)
    report = make_report(tree.ind_lead, "2026-04", value=4200)
    assert report.period_end.isoformat() == "2026-04-30"
    assert len(tree.assignments) == 5
    assert tree.plan.items.count() == 6
