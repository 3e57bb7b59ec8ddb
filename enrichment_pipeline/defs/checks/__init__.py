"""Asset checks: every asset has at least one; warnings name the reason.

Each check carries the uploads partitions (without them a check's input is "every partition",
and every upload after the first failed its checks). Dagster 1.13 marks `partitions_def` on
asset checks as preview and warns at import, on stderr, where the command line promises one
line of reason; that one warning is silenced here, where the checks are defined.
"""

import warnings

import dagster as dg

warnings.filterwarnings(
    "ignore",
    message=r"Specifying a partitions_def on an AssetCheckSpec",
    category=dg.PreviewWarning,
)
