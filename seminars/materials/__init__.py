"""Materials of talks: checking uploaded PDFs, serving them, and removing replaced files."""
