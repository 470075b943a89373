"""API tokens get scopes (existing tokens keep every scope, as they had) and the address of
the client that last used them, which row capture keeps off the trail (personal data)."""

import accounts.models
from django.db import migrations, models

from audit.rowcapture import capture_models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_two_factor_policy_session_epoch'),
        ('audit', '0010_hash_format'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='last_used_ip',
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='scopes',
            field=models.JSONField(default=accounts.models.every_token_scope),
        ),
        capture_models(["accounts.APIToken"]),
    ]
