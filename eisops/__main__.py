"""Entry point for ``python -m eisops``; it only hands over to the CLI."""

from eisops.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    main()
