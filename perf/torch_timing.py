"""How the perf scripts time PyTorch on the GPU (perf/README.md): the median wall time of
`iterations` synchronised calls of `fn` after `warmup` calls, in milliseconds. `torch` is
passed in so that importing this module needs no torch."""
import statistics
import time


def median_ms(torch, fn, warmup=10, iterations=50):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)
