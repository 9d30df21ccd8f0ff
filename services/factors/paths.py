"""Where the factor data files live: $QUITUS_FACTORS_DIR, else factors/ at the repository root."""
import os
from pathlib import Path

FACTORS_DIR = Path(os.environ.get("QUITUS_FACTORS_DIR") or Path(__file__).resolve().parents[2] / "factors")
