"""Planning: above the kinds, below the CLI.

``validate`` loads and checks manifests as a whole (each kind's rules through the registry, and
what only shows across kinds: duplicates, references); ``ordering`` puts a kind's resources in
dependency order; ``planner`` reads the cluster once and builds the plan from what it read,
checks a saved plan against the cluster, and verifies what apply wrote. The plan itself
(``eisops.plan``) is data and diffing only.
"""
