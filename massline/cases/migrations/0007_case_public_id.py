"""Every demand gets a random public id (Open311's service_request_id): added empty, filled row by row
(a column default would give every existing row the same value), then made required and unique."""

from django.db import migrations, models

import massline.cases.models


def fill_public_ids(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    taken = set()
    pending = []
    for pk in Case.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        public_id = massline.cases.models.new_public_id()
        while public_id in taken:
            public_id = massline.cases.models.new_public_id()
        taken.add(public_id)
        pending.append(Case(pk=pk, public_id=public_id))
        if len(pending) >= 2000:
            Case.objects.bulk_update(pending, ["public_id"])
            pending = []
    Case.objects.bulk_update(pending, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_accountability_kinds_of_the_clock_and_discipline")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="case",
            name="public_id",
            field=models.CharField(
                default=massline.cases.models.new_public_id,
                editable=False,
                max_length=16,
                verbose_name="public id",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("public_id",), name="cases_unique_public_id"),
        ),
    ]
