"""Every setting, declared once with its type and meaning, read strictly (the ground floor: imports
nothing of the project).

- typed: `Key` (a setting's name, type, default and words) and strict reading of TOML and text
- environment: what only the environment sets (PULSE_DB, PULSE_CONFIG, PULSE_TRUSTED_API_HOSTS, ...)
- secrets: `.streamlit/secrets.toml` and API keys (an environment variable of the same name wins)
- dashboard: `[auth]` and `[pulse]`, who may act
- alerts: `[alerts]`, where alerts go
- sources: `sources.toml`, the common keys (each kind declares its own beside its collector)
- sources_file: adding a source and switching one on or off, keeping the user's comments
- clock: the council's clock (London): the day, week and time every screen and export counts by
"""
