"""The objects create_app() shares with handlers, each under a typed application key."""

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from domain.ledger import Ledger
from projections.history import History
from projections.runner import ProjectionRunner
from service.config import Config
from service.writer import Writer

CONFIG = web.AppKey("config", Config)
LEDGER = web.AppKey("ledger", Ledger)
WRITER = web.AppKey("writer", Writer)
READS = web.AppKey("reads", ThreadPoolExecutor)
PROJECTION = web.AppKey("projection", ProjectionRunner)
HISTORY = web.AppKey("history", History)
