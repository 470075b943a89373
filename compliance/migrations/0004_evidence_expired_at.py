from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0003_requirement_applies_to_projects"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="expired_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
