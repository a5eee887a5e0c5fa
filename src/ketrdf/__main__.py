"""Run the command line as ``python -m ketrdf``."""

from ketrdf.cli import main

main()
