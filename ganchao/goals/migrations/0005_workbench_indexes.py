"""The work list's index: the current report of an assignment's period (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_status_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["assignment", "period", "state"],
                name="wb_report_current_idx",
            ),
        ),
    ]
