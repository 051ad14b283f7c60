"""python -m projections: the read-model follower's entry point, kept where the contract
names it; the command line itself is scripts/projections.py (entry points may import all)."""

import sys

from scripts.projections import main

sys.exit(main())
