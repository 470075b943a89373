"""Who the demo data (`load_demo_data`) signs in as: plain constants, so that `bin/quickstart`
can print them before Django is set up."""

DEMO_PASSWORD = "charter-demo-2026"  # noqa: S105 — a published password for the local demo only

DEMO_ORGANIZATION = "Demo Insurance Co."
SECOND_ORGANIZATION = "Northwind Health"

# (email, full name, what they do in the demo)
DEMO_LOGINS = (
    ("admin@demo.charter.local", "Amira Okafor", "administrator of Demo Insurance Co."),
    ("compliance@demo.charter.local", "Claire Dubois", "compliance officer"),
    ("pm@demo.charter.local", "Priya Raman", "member, manager of the projects"),
    ("viewer@demo.charter.local", "Victor Lindqvist", "member, viewer of the projects"),
    ("reviewer@demo.charter.local", "Rosa Martínez", "member, reviewer of the claims project"),
    ("admin@northwind.charter.local", "Noah Whitfield", "administrator of Northwind Health"),
)
