"""`icpmap demo`: load the bundled sample and write everything the product can produce."""
