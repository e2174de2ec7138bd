"""Scorers for the public benchmarks (MUC-4, WikiEvents, geoparsing, PolNeAR, incident
merging): pure ``evaluate`` functions over ``wirewatch.api``; the CLI prints them."""
