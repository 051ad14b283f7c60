"""Failed logins: free at first, then each attempt waits twice as long, up to a ceiling."""

from service.backoffice.throttle import MAX_DELAY_S, WINDOW_S, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_first_failures_cost_nothing_then_the_wait_doubles() -> None:
    throttle = Throttle(Clock())
    delays = []
    for _ in range(6):
        delays.append(throttle.delay("name:ada", "addr:1"))
        throttle.failed("name:ada", "addr:1")
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0, 4.0]


def test_the_wait_has_a_ceiling_and_the_window_forgets() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(40):
        throttle.failed("name:ada")
    assert throttle.delay("name:ada") == MAX_DELAY_S
    clock.now += WINDOW_S + 1
    assert throttle.delay("name:ada") == 0.0


def test_a_good_login_forgets_the_names_failures_not_the_addresss() -> None:
    throttle = Throttle(Clock())
    for _ in range(5):
        throttle.failed("name:ada", "addr:1")
    throttle.succeeded("name:ada")
    assert throttle.delay("name:ada") == 0.0
    assert throttle.delay("addr:1") > 0
