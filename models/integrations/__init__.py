"""Integrations: the credentials and safeguards of dealers' and carriers' own systems."""
