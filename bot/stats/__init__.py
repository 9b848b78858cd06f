"""Anonymous demand statistics: one coarse row per event, never text or ids."""
