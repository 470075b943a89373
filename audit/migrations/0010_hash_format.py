"""Events gain `hash_format`: the rows already written keep 1 (their hash covers Python's sorted
`json.dumps`), every event written from now on is 2 (RFC 8785, see audit/hashing.py).

Adding a column with a constant default rewrites no row, so the append-only triggers (which
refuse UPDATE) are not involved.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_verifications")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
    ]
