"""Measuring helpers of bench/pytorch_bench.py: two readings of a training loop (denormals kept and
flushed), and the memory of a process with its worker processes."""
import contextlib
import os
import threading

import torch

TREE_PEAK_MB = [0.0]  # the peak of this process and its worker processes together (tree_memory), where sampled


def two_readings(run, higher_is_better=True):
    """run() measured from the same seed as PyTorch runs by default, then again with denormals
    flushed to zero (torch.set_flush_denormal(True)): fixed random data drives training loops into
    denormal floats, which x86 handles slowly unless they are flushed (shared/notes/perf-measurements.md).
    Returns the better reading and whether it was the flushed one (None where flushing is not supported)."""
    torch.manual_seed(0)
    plain = run()
    if not torch.set_flush_denormal(True):
        return plain, None
    try:
        torch.manual_seed(0)
        flushed = run()
    finally:
        torch.set_flush_denormal(False)
    better = flushed > plain if higher_is_better else flushed < plain
    return (flushed, True) if better else (plain, False)


@contextlib.contextmanager
def tree_memory(interval=0.02):
    """Samples the proportional set size (PSS, /proc/<pid>/smaps_rollup) of this process and its child
    processes together while the block runs, into TREE_PEAK_MB: DataLoader's workers are processes of
    their own, which RUSAGE_SELF does not see, and summing their RSS would count the pages they share
    with this process (torch itself) once per worker. Linux only; elsewhere nothing is sampled."""
    def pss_mb(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("Pss:")) / 1024.0
        except (OSError, StopIteration, ValueError):
            return 0.0

    def children(pid):
        out = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out += [int(c) for c in f.read().split()]
        except OSError:
            pass
        return out + [g for c in out for g in children(c)]

    stop = threading.Event()

    def sample():
        me = os.getpid()
        while not stop.is_set():
            TREE_PEAK_MB[0] = max(TREE_PEAK_MB[0], sum(pss_mb(p) for p in [me] + children(me)))
            stop.wait(interval)
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
