"""Citizens' phone numbers rewritten in E.164 (+8613812345678), so a caller who once gave "138…" and
once "+86 138…" is found as one. A number phonenumbers cannot read keeps its digits. Not reversible: the
old forms carried no information beyond the number."""

from django.db import migrations


def phones_to_e164(apps, schema_editor):
    from massline.lib.phones import phone_key

    Citizen = apps.get_model("org", "Citizen")
    changed = []
    for citizen in Citizen.objects.exclude(phone="").only("pk", "phone").iterator():
        phone = phone_key(citizen.phone)
        if phone != citizen.phone:
            citizen.phone = phone
            changed.append(citizen)
        if len(changed) >= 2000:
            Citizen.objects.bulk_update(changed, ["phone"])
            changed = []
    Citizen.objects.bulk_update(changed, ["phone"])


class Migration(migrations.Migration):
    dependencies = [("org", "0002_citizen_verified_residence")]

    operations = [migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True)]
