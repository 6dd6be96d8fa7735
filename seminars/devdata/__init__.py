"""Development data: the demo series and the generated dataset for benchmarks."""
