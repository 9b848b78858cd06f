"""The benchmark behind `make bench`: understanding, latency, throughput, memory and time.

It is not part of `make test`: a full run takes about half an hour, most of it cold training,
and its figures depend on the machine. Results go to results/bench.md and results/bench.json.
"""
