"""Every object create_app() shares with handlers, each under a typed application key."""

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from ledger.application import Ledger
from ledger.record import ErrorRecord
from ledger.writer import Writer
from projections.read_models import ReadModels
from service.backoffice.passwords import PasswordPool
from service.backoffice.throttle import Throttle
from service.backoffice.users import Users
from service.igpx.client import IgpxClient
from service.probes import StoreProbes
from service.settings import Settings
from service.telemetry import Metrics
from service.work_queue import WorkQueue

SETTINGS = web.AppKey("settings", Settings)
LEDGER = web.AppKey("ledger", Ledger)
WRITER = web.AppKey("writer", Writer)
READ_POOL = web.AppKey("read_pool", ThreadPoolExecutor)  # blocking store reads
PROBES = web.AppKey("probes", StoreProbes)  # /readyz and /metrics, on threads of their own
READ_MODELS = web.AppKey("read_models", ReadModels)
METRICS = web.AppKey("metrics", Metrics)
IGPX = web.AppKey("igpx", IgpxClient)  # present only when the OPERATOR API is configured
USERS = web.AppKey("backoffice_users", Users)  # the back office's accounts
THROTTLE = web.AppKey("backoffice_throttle", Throttle)  # slows repeated failed logins
PASSWORDS = web.AppKey("password_pool", PasswordPool)  # argon2 checks, on threads of their own
RECORD = web.AppKey("error_record", ErrorRecord)  # bets answered with an error, to settle
RECONCILE_QUEUE = web.AppKey("reconcile_queue", WorkQueue)  # reconciliations, on their own
