"""Login attempts: free at first, then each waits twice as long, up to a ceiling; every
attempt is counted before it is checked, so parallel guesses wait exactly like serial ones."""

from service.backoffice.throttle import MAX_DELAY_S, WINDOW_S, Throttle

KEYS = ("name:ada", "addr:1")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def serial_checks(attempts: int, check_s: float = 0.1) -> list[float]:
    """When each attempt's password is checked if each is sent once the last is answered."""
    clock = Clock()
    throttle = Throttle(clock)
    checked = []
    for _ in range(attempts):
        clock.now += throttle.admit(*KEYS)
        checked.append(clock.now)
        clock.now += check_s  # the check, then the answer, then the next attempt
    return checked


def parallel_checks(attempts: int) -> list[float]:
    """When each is checked if all of them arrive at the same moment."""
    clock = Clock()
    throttle = Throttle(clock)
    return [throttle.admit(*KEYS) for _ in range(attempts)]


def test_the_first_attempts_cost_nothing_then_the_wait_doubles() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    waits = []
    for _ in range(6):
        waits.append(throttle.admit(*KEYS))
        clock.now += waits[-1]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0, 4.0]


def test_forty_parallel_guesses_for_one_name_wait_as_long_as_forty_serial_ones() -> None:
    serial, parallel = serial_checks(40), parallel_checks(40)
    # Each parallel guess is checked no sooner than the same guess sent serially would be
    # (less only the serial client's own round trips), and the last after the whole sum.
    for n, (one_by_one, all_at_once) in enumerate(zip(serial, parallel, strict=True)):
        assert all_at_once >= one_by_one - 0.1 * n - 1e-9, n
    waits = [Throttle().delay_after(n) for n in range(40)]
    assert parallel[-1] == sum(waits)
    assert parallel[-1] >= 900  # 1 + 2 + 4 + 8 + 16 s, then 30 s each


def test_every_attempt_is_counted_before_it_is_checked() -> None:
    throttle = Throttle(Clock())
    for n in range(10):
        throttle.admit(*KEYS)
        assert throttle.count("name:ada") == throttle.count("addr:1") == n + 1


def test_the_wait_has_a_ceiling_and_the_window_forgets() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(40):
        clock.now += throttle.admit("name:ada")
    assert throttle.admit("name:ada") == MAX_DELAY_S
    clock.now += MAX_DELAY_S + WINDOW_S + 1
    assert throttle.admit("name:ada") == 0.0


def test_a_good_login_forgets_the_names_attempts_and_is_no_failure_of_the_address() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(5):
        clock.now += throttle.admit(*KEYS)
    clock.now += throttle.admit(*KEYS)
    throttle.succeeded(*KEYS)
    assert throttle.count("name:ada") == 0
    assert throttle.count("addr:1") == 5
    assert throttle.admit("name:ada") == 0.0
    assert throttle.admit("addr:1") > 0
