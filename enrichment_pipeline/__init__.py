"""Lead enrichment and outreach pipeline on Dagster."""

__version__ = "0.1.0"
