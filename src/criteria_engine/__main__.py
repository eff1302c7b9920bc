"""``python -m criteria_engine`` runs the CLI."""

from .cli import main

main()
