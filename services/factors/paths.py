"""Where the factor data files live: $QUITUS_FACTORS_DIR, else factors/ at the repository root."""

from pathlib import Path

from services.runtime.settings import get_settings

FACTORS_DIR = Path(get_settings().factors_dir or Path(__file__).resolve().parents[2] / "factors")
