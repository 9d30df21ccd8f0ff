"""Settings come from the environment, typed, and every one of them is documented."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.runtime.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("QUITUS_AUTH_ENABLED", "false")
    monkeypatch.setenv("QUITUS_INTERVENTIONS_PORT", "6000")
    settings = Settings()
    assert (settings.auth_enabled, settings.interventions_port) == (False, 6000)


def test_a_malformed_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("QUITUS_INTERVENTIONS_PORT", "not-a-port")
    with pytest.raises(ValidationError, match="interventions_port"):
        Settings()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name):
    assert f"`QUITUS_{name.upper()}`" in README
