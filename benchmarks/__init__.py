"""Speed and memory benchmarks, run against the simulator over loopback (``make bench``)."""
