"""Run tags the sensor, schedules and CLI put on runs (they show in the UI's run list)."""

SOURCE_PATH_TAG = "enrich/source_path"  # the inbox file a run was requested for
SOURCE_FILE_TAG = "enrich/source_file"  # the user's file name, for humans
TRIGGER_TAG = "enrich/trigger"  # inbox, catch_up, refresh, cli
