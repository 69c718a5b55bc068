"""Reading and checking the sources into the processed dataset: sources, reference
tables, the corrections ledger, the number parser, figures, checks."""
