"""The plan: its data model, the field-level diff, ordering and the planner. Never writes, never prints."""
