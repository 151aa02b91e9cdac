"""Turning a plan into text for people (``text``) or for programs (``json``). Never changes the plan."""
