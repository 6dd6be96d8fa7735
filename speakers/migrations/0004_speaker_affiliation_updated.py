import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0003_one_line_text_fields"),
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
        for model in ("speaker", "affiliation")
    ]
