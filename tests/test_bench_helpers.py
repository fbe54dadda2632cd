import re

from odoo_env import bench_line, median_times_in_turns


def test_bench_line_format():
    line = bench_line("trace", 0.5, 50.0)
    assert re.fullmatch(r"trace: ours=0\.5000 odoo=50\.0000 ratio=100\.0", line)


def test_median_times_in_turns_alternates_and_returns_last_results():
    calls = []

    def ours():
        calls.append("ours")
        return calls.count("ours")

    def odoo():
        calls.append("odoo")
        return calls.count("odoo")

    ours_time, ours_result, odoo_time, odoo_result = median_times_in_turns(
        ours, odoo, 3, 1, before=lambda: calls.append("before")
    )
    assert calls == ["before", "ours", "before", "odoo"] + ["before", "ours"] * 2
    assert (ours_result, odoo_result) == (3, 1)
    assert ours_time >= 0 and odoo_time >= 0
