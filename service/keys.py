"""The objects create_app() shares with handlers, each under a typed application key."""

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from ledger.application import Ledger
from ledger.writer import Writer
from projections.history import History
from projections.runner import ProjectionRunner
from service.settings import Config

CONFIG = web.AppKey("config", Config)
LEDGER = web.AppKey("ledger", Ledger)
WRITER = web.AppKey("writer", Writer)
READS = web.AppKey("reads", ThreadPoolExecutor)
PROJECTION = web.AppKey("projection", ProjectionRunner)
HISTORY = web.AppKey("history", History)
