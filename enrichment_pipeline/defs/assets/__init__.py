"""Assets by stage: ingestion, websites, contacts, emails, export."""
