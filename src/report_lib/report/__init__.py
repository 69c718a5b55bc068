"""What a report notebook imports: notebook helpers, number formatting, chart style,
charts and prose. A change here re-runs the notebooks."""
