"""Helpers shared by the benchmark scripts of this folder (imported by name: each script runs with
this folder first on ``sys.path``)."""

import resource
import time


def max_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_max_rss():
    """Resets the process's peak RSS to its current RSS (Linux 4.0+, ``/proc/self/clear_refs``),
    so that ``max_rss_mb()`` then gives the peak of what follows. Returns whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def timed_cold_warm(env, call, rounds):
    """Runs ``call`` once cold (ORM and registry caches emptied) and ``rounds`` times warm (records' cache
    emptied); returns (cold s, warm s list, queries of the cold call, its result)."""
    env.invalidate_all()
    env.registry.clear_cache()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    result = call()
    cold = time.perf_counter() - started
    queries = env.cr.sql_log_count - before
    warm = []
    for __ in range(rounds):
        env.invalidate_all()
        started = time.perf_counter()
        call()
        warm.append(time.perf_counter() - started)
    return cold, warm, queries, result
