"""The bundled, illustrative Cheshire and Merseyside sample (see README.md here)."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
