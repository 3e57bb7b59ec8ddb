"""One partition per uploaded file: `<file stem>-<content hash[:8]>`."""

import dagster as dg

uploads_partitions = dg.DynamicPartitionsDefinition(name="uploads")
