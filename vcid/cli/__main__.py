"""``python -m vcid.cli``: the same as the ``vcid`` command."""

from __future__ import annotations

import sys

from vcid.cli import main

sys.exit(main())
