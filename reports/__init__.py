"""The analytic reports: one runner for the CLI and the API."""
