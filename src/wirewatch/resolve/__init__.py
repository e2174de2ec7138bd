"""wirewatch.resolve"""
