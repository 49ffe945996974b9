"""Jusoor (جسور): run a community programme against violent extremism and hate speech, Arabic first."""
