"""The figures `make loadtest` and `make failover-test` judge a run by (loadtest/run.py,
loadtest/failover.py)."""

from loadtest.failover import summary
from loadtest.run import request_figures

WINDOW = (100.0, 110.0)


def request(t0, status, clean=False, server=0):
    return {"t0": t0, "t1": t0 + 0.2, "status": status, "clean": clean, "server": server}


def test_a_clean_503_in_the_window_is_counted_and_not_an_error():
    figures = request_figures(
        [request(101, 503, clean=True), request(102, 503), request(50, 200)], WINDOW, 0, 200
    )
    assert figures["clean_503_in_outage"] == 1
    assert figures["unclean_in_outage"] == 1
    assert figures["server_errors"] == 0


def test_a_5xx_outside_the_window_is_a_server_error_even_when_clean():
    figures = request_figures([request(120, 503, clean=True)], WINDOW, 0, 200)
    assert figures["server_errors"] == 1
    assert figures["clean_503_in_outage"] == 0


def test_the_failover_summary_counts_the_users_and_the_probes_503s():
    figures = {
        "down_s": 7.5,
        "clean_503_in_outage": 12,
        "probe_503_in_outage": [30, 28],
        "server_errors": 0,
        "creates_acknowledged": 80,
        "rows_found": 81,
        "creates_lost": 0,
        "creates_doubled": 0,
    }
    result = summary(figures, {"node1": 1, "node2": 2}, {}, {})
    assert result["seconds_without_primary"] == 7.5
    assert result["clean_503_in_window"] == 70
    assert (result["lost"], result["doubled"]) == (0, 0)
