from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_copy_recommendations_to_followup"),
    ]

    operations = [
        migrations.DeleteModel(name="Recommendation"),
    ]
