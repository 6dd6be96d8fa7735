import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0014_timed_link_index"),
    ]

    # Rows made before: their change time is unknown, and must not move every calendar
    # event's LAST-MODIFIED to the moment of the upgrade.
    operations = [
        migrations.AddField(
            model_name=model,
            name="updated",
            field=models.DateTimeField(
                auto_now=True, default=datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
            ),
            preserve_default=False,
        )
        for model in ("series", "eventtype")
    ]
