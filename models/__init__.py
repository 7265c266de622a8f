"""Tortoise models, enums, transition tables and pure validators."""

MODEL_MODULES = ["models.accounts", "models.calculations"]
