"""The calculator's rate tables and the audit of their edits."""
