"""Carrying out a plan, exactly as planned, and telling a listener what happens."""
