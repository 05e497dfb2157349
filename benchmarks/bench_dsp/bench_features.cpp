// placeholder, replaced by the real benchmarks
