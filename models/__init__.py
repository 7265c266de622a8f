"""Tortoise models, enums, transition tables and pure validators."""

MODEL_MODULES = [
    "models.accounts",
    "models.shipments",
    "models.containers",
    "models.events",
    "models.disputes",
    "models.support",
    "models.sla",
    "models.alerts",
    "models.calculations",
    "models.integrations.webhooks",
]
