"""Output formats: each renders report tables (or a whole batch) into one file type."""
