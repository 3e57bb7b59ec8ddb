"""The Dagster shell: assets, checks, resources, sensor, schedules. Thin by design."""
