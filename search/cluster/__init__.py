"""A sharded archive: its layout (no Ray), and, with the cluster extra, its Ray actors."""
