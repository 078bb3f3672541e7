"""The benchmark: a synthetic federation at scale, served by gunicorn, measured
from a separate load process. Run it with scripts/bench.sh."""
