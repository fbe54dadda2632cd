import re

from odoo_env import bench_line, median_time


def test_bench_line_format():
    line = bench_line("trace", 0.5, 50.0)
    assert re.fullmatch(r"trace: ours=0\.5000 odoo=50\.0000 ratio=100\.0", line)


def test_median_time_returns_result():
    calls = []
    seconds, result = median_time(lambda: calls.append(1) or len(calls), repeat=3)
    assert result == 3
    assert seconds >= 0
