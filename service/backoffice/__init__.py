"""The back office: staff's web pages at /backoffice/ (wired in service.backoffice.app)."""
