"""``approval demo``: the whole story on synthetic data, step by step, with real output."""
