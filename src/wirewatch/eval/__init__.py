"""wirewatch.eval"""
