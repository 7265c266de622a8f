"""Tortoise models, enums, transition tables and pure validators."""

MODEL_MODULES = [
    "models.accounts.tables",
    "models.shipments.tables",
    "models.shipments.containers",
    "models.shipments.reassignments",
    "models.events",
    "models.disputes.tables",
    "models.support.tables",
    "models.support.sla",
    "models.alerts.tables",
    "models.calculations.tables",
    "models.documents.tables",
    "models.claims.tables",
    "models.integrations.tables",
    "models.services.tables",
]
