"""Make audit events and seals append-only in PostgreSQL itself: UPDATE and DELETE raise.

The application never updates or deletes them on either database (the models refuse); on PostgreSQL
the database refuses too, whatever the client. TRUNCATE is left to permissions (docs/operations.md):
the app's role must not own these tables in production.
"""

from django.db import migrations

TABLES = ["audit_auditevent", "audit_auditseal"]

FUNCTION = """
CREATE OR REPLACE FUNCTION massline_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A plain cursor with no parameters, so the % of RAISE is not taken for a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table in TABLES:
            cursor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION massline_audit_append_only()"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS massline_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
