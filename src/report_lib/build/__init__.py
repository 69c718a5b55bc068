"""The build around the notebooks: the report list, fingerprints and manifest,
execution, orchestration, index, publishing, benchmark and system checks. A change
here never re-runs a notebook."""
