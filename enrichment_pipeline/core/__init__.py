"""Domain logic in plain Python. Nothing under `core` imports dagster."""
