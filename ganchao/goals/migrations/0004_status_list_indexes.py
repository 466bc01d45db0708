"""Indexes of the statuses list and of an assignment's reports list (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0003_encrypt_personal_data"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["status", "red_since"], name="assignment_status_red_idx"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                models.Case(
                    models.When(status="red", then=models.Value(0)),
                    models.When(status="not_reported", then=models.Value(1)),
                    models.When(status="yellow", then=models.Value(2)),
                    models.When(status="green", then=models.Value(3)),
                    models.When(status="not_started", then=models.Value(4)),
                    models.When(status="done", then=models.Value(5)),
                    default=models.Value(6),
                    output_field=models.IntegerField(),
                ),
                models.F("red_since"),
                name="assignment_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(
                fields=["assignment", "-period_end", "-revision"], name="report_newest_idx"
            ),
        ),
    ]
